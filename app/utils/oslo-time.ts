import { DateTime } from "luxon";

/** Broen's users live in one time zone: dates typed in forms are Oslo dates. */
export const OSLO = "Europe/Oslo";

/** Today's date in Oslo (yyyy-mm-dd): consent dates, due dates and forms use Oslo dates. */
export function osloToday(now: Date = new Date()): string {
  return DateTime.fromJSDate(now, { zone: OSLO }).toISODate()!;
}

/** The instant a calendar day (yyyy-mm-dd) starts in Oslo, correct on DST change days too. */
export function osloDayStart(date: string): Date {
  return DateTime.fromISO(date, { zone: OSLO }).startOf("day").toJSDate();
}

/** The instant the day after `date` starts in Oslo: the exclusive end of an inclusive range. */
export function osloDayEnd(date: string): Date {
  return DateTime.fromISO(date, { zone: OSLO }).startOf("day").plus({ days: 1 }).toJSDate();
}

/** True for a real calendar date (no 30 February) within a sane range of years. */
export function isPlausibleDate(value: string, minYear = 2000, maxYear = 2100): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = DateTime.fromISO(value, { zone: OSLO });
  return (
    parsed.isValid &&
    parsed.toISODate() === value &&
    parsed.year >= minYear &&
    parsed.year <= maxYear
  );
}
