/**
 * Whether `value` is a valid Norwegian organisation number (organisasjonsnummer): nine digits
 * whose last is the mod-11 check digit of the first eight with weights 3, 2, 7, 6, 5, 4, 3, 2
 * (a remainder of 0 gives 0; a check digit of 10 means no valid number has those eight digits).
 * Spaces are not allowed here: normaliseOrganisationNumber removes them first.
 */
export function isValidOrganisationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(value[i]), 0);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === Number(value[8]);
}

/** An organisation number as people write it ("923 609 016", "923609016"): digits only. */
export function normaliseOrganisationNumber(value: string): string {
  return value.replace(/[\s.]/g, "");
}
