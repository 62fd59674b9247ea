import { DateTime } from "luxon";

/** Broen's users live in one time zone: dates typed in forms are Oslo dates. */
export const OSLO = "Europe/Oslo";

// One formatter for osloToday: it runs several times in every request that checks consent,
// and a luxon DateTime in a zone costs several times what a kept Intl formatter does.
const osloDateParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: OSLO,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * Today's date in Oslo (yyyy-mm-dd), or that of the instant `now`: consent dates, due dates
 * and forms use Oslo dates. An invalid `now` gives what luxon gives for it (null).
 */
export function osloToday(now: Date = new Date()): string {
  if (Number.isNaN(now.getTime())) return DateTime.fromJSDate(now, { zone: OSLO }).toISODate()!;
  let year = "";
  let month = "";
  let day = "";
  for (const part of osloDateParts.formatToParts(now)) {
    if (part.type === "year") year = part.value.padStart(4, "0");
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  return `${year}-${month}-${day}`;
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

/** One instant an Oslo wall-clock time can mean. */
export interface OsloInstant {
  instant: Date;
  /** UTC offset in minutes (120 in summer time, 60 in winter time). */
  offset: number;
  summerTime: boolean;
}

/**
 * Every instant an Oslo wall-clock date and time (yyyy-mm-dd, HH:mm) can mean, earliest first:
 * none in the hour skipped when summer time starts (02:00–02:59 on the last Sunday of March),
 * two in the hour that happens twice when it ends (02:00–02:59 on the last Sunday of October),
 * one otherwise. Forms must not pick one silently: luxon takes the second of two, RFC 5545
 * §3.3.5 reads a local time as the first, and ical.js as the second.
 */
export function osloInstants(date: string, time: string): OsloInstant[] {
  const wall = `${date}T${time}`;
  const guess = DateTime.fromISO(wall, { zone: OSLO });
  if (!guess.isValid) return [];
  return guess
    .getPossibleOffsets()
    .filter((candidate) => candidate.toFormat("yyyy-MM-dd'T'HH:mm") === wall)
    .sort((a, b) => a.toMillis() - b.toMillis())
    .map((candidate) => ({
      instant: candidate.toJSDate(),
      offset: candidate.offset,
      summerTime: candidate.isInDST,
    }));
}

/** True when an instant's Oslo wall-clock time also names another instant (autumn's repeated hour). */
export function osloOccursTwice(instant: Date): boolean {
  return DateTime.fromJSDate(instant, { zone: OSLO }).getPossibleOffsets().length > 1;
}

/** A UTC offset in minutes as ISO 8601 writes it: "+02:00", "-03:30". */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}
