/**
 * The MIME type of an iCalendar object, decided by the object itself. RFC 5545 §3.7.2 and RFC 6047
 * §2.4: the Content-Type `method` parameter must equal the object's METHOD, and if either is
 * given, both must be. So nothing else chooses the parameter: every calendar response and e-mail
 * part takes its type (or, for nodemailer, its method) from calendarMethod() of the very text it
 * sends, and the two cannot disagree however that text was built.
 */

/** The METHOD of an iCalendar object (upper case), or null when it has none (a plain calendar). */
export function calendarMethod(ics: string): string | null {
  if (!ics.startsWith("BEGIN:VCALENDAR\r\n")) throw new RangeError("Not an iCalendar object");
  // The calendar's own properties come before its first component.
  const first = ics.indexOf("\r\nBEGIN:", 1);
  const head = (first === -1 ? ics : ics.slice(0, first)).replace(/\r\n[ \t]/g, "");
  const lines = head.split("\r\n").filter((line) => /^METHOD[;:]/i.test(line));
  if (lines.length === 0) return null;
  const value = lines[0]!.slice(lines[0]!.indexOf(":") + 1);
  // A method is an iana-token or x-name (RFC 5545 §3.7.2); anything else could not be a parameter.
  if (lines.length > 1 || !/^[A-Za-z0-9-]+$/.test(value)) {
    throw new RangeError("An iCalendar object needs one well-formed METHOD or none");
  }
  return value.toUpperCase();
}

/** `text/calendar; charset=utf-8`, with `; method=…` exactly when the object has a METHOD. */
export function calendarContentType(ics: string): string {
  const method = calendarMethod(ics);
  return `text/calendar; charset=utf-8${method ? `; method=${method}` : ""}`;
}
