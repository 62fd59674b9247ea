import ical, {
  escape,
  ICalCalendarMethod,
  ICalEventRepeatingFreq,
  ICalEventStatus,
  ICalWeekday,
  type ICalEventData,
} from "ical-generator";
import { DateTime } from "luxon";
import { OSLO } from "../../utils/oslo-time";
import { CRLF, email, paramText, PRODID, text, TIMEZONE, uri } from "./ical.server";

/*
 * A published schedule (RFC 5545 + RFC 5546 PUBLISH) in Europe/Oslo: weekly series (RRULE
 * FREQ=WEEKLY;BYDAY=…), whole days and single timed events, all with the same title, place,
 * description and link. Used by the offerings' subscription feeds and one-off "first visit"
 * files (ADR 026). Pure: no database, no clock unless `stamp` is left out. Times are Oslo wall
 * clock ("HH:mm", end "24:00" = midnight after), written with TZID=Europe/Oslo and a VTIMEZONE,
 * so a calendar program keeps a Monday 18:00 at 18:00 on both sides of a clock change.
 */

/** A weekly time: every `weekday` (ISO, 1 = Monday) from `from` (yyyy-mm-dd, Oslo) on. */
export interface ScheduleSeries {
  /** Stable, ours, never user text: e.g. "offering-<uuid>-w1-1800@broen". */
  uid: string;
  weekday: number;
  start: string;
  end: string;
  /** The first occurrence is the first `weekday` on or after this date. */
  from: string;
  /** No occurrence starts at or after this instant (RRULE UNTIL); null: no end. */
  until: Date | null;
}

/** A date with no time (VALUE=DATE): the event lasts the whole day. */
export interface ScheduleDay {
  uid: string;
  date: string;
}

/** One event on a date at Oslo wall-clock times. */
export interface ScheduleEvent {
  uid: string;
  date: string;
  start: string;
  end: string;
}

export interface ScheduleCalendarInput {
  /** The calendar's name (NAME / X-WR-CALNAME). */
  name: string;
  summary: string;
  location: string | null;
  description: string;
  url: string;
  /** Written as ORGANIZER (RFC 5546 §3.2.1 asks for one in PUBLISH) when it has a valid e-mail. */
  organizer: { name: string; email: string | null } | null;
  series: ScheduleSeries[];
  days: ScheduleDay[];
  events: ScheduleEvent[];
  /** DTSTAMP; defaults to now. */
  stamp?: Date;
}

const WEEKDAYS = [
  ICalWeekday.MO,
  ICalWeekday.TU,
  ICalWeekday.WE,
  ICalWeekday.TH,
  ICalWeekday.FR,
  ICalWeekday.SA,
  ICalWeekday.SU,
];

function checkUid(uid: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$/.test(uid)) throw new RangeError("Bad UID");
  return uid;
}

/**
 * An Oslo wall-clock date and time ("HH:mm"; "24:00" is the next day's 00:00) as a luxon value
 * in Oslo. Throws RangeError for a date or time that does not exist.
 */
export function osloWallClock(date: string, time: string): DateTime {
  const midnightAfter = time === "24:00";
  const value = DateTime.fromISO(`${date}T${midnightAfter ? "00:00" : time}`, { zone: OSLO });
  if (!value.isValid || value.toISODate() !== date) throw new RangeError("No such date or time");
  return midnightAfter ? value.plus({ days: 1 }) : value;
}

/** The first date on or after `from` (yyyy-mm-dd) that is ISO weekday `weekday`. */
export function firstWeekdayFrom(from: string, weekday: number): string {
  const start = DateTime.fromISO(from, { zone: OSLO });
  if (!start.isValid || weekday < 1 || weekday > 7) throw new RangeError("Bad date or weekday");
  return start.plus({ days: (weekday - start.weekday + 7) % 7 }).toISODate()!;
}

/**
 * The schedule as one iCalendar object with METHOD:PUBLISH, ending in CRLF. A series whose
 * first occurrence would start at or after its `until` is left out (it has no occurrences).
 * Throws RangeError for a bad UID, weekday, date, time or URL.
 */
export function scheduleCalendar(input: ScheduleCalendarInput): string {
  const stamp = input.stamp ?? new Date();
  // ical-generator writes NAME/X-WR-CALNAME unescaped, unlike SUMMARY etc.
  const calendar = ical({
    prodId: PRODID,
    timezone: TIMEZONE,
    name: escape(text(input.name), false),
  });
  calendar.method(ICalCalendarMethod.PUBLISH);
  let organizer: ICalEventData["organizer"] = null;
  if (input.organizer?.email) {
    try {
      organizer = {
        name: paramText(input.organizer.name) || input.organizer.email,
        email: email(input.organizer.email),
      };
    } catch {
      organizer = null; // An address the calendar format cannot carry: no ORGANIZER then.
    }
  }
  const common = {
    stamp,
    summary: text(input.summary),
    location: input.location ? text(input.location) : null,
    description: text(input.description) || null,
    url: uri(input.url),
    organizer,
    status: ICalEventStatus.CONFIRMED,
  } satisfies Partial<ICalEventData>;
  for (const series of input.series) {
    const weekday = WEEKDAYS[series.weekday - 1];
    if (!weekday) throw new RangeError("Bad weekday");
    const first = firstWeekdayFrom(series.from, series.weekday);
    const start = osloWallClock(first, series.start);
    if (series.until && start.toMillis() >= series.until.getTime()) continue;
    calendar.createEvent({
      ...common,
      id: checkUid(series.uid),
      start,
      end: osloWallClock(first, series.end),
      timezone: OSLO,
      repeating: {
        freq: ICalEventRepeatingFreq.WEEKLY,
        byDay: [weekday],
        // UNTIL is inclusive (RFC 5545 §3.3.10): one second before the instant.
        until: series.until
          ? DateTime.fromMillis(series.until.getTime() - 1000, { zone: "utc" })
          : undefined,
      },
    });
  }
  for (const day of input.days) {
    calendar.createEvent({
      ...common,
      id: checkUid(day.uid),
      start: osloWallClock(day.date, "00:00"),
      allDay: true,
    });
  }
  for (const event of input.events) {
    const start = osloWallClock(event.date, event.start);
    const end = osloWallClock(event.date, event.end);
    if (end <= start) throw new RangeError("An event must end after it starts");
    calendar.createEvent({ ...common, id: checkUid(event.uid), start, end, timezone: OSLO });
  }
  const ics = calendar.toString();
  if (calendar.events().length > 0) return ics + CRLF;
  // No events (an offering that has ended): RFC 5545 §3.4 wants at least one component, so the
  // object keeps its VTIMEZONE, as the meeting feeds do.
  const zone = TIMEZONE.generator(OSLO)!.replace(/\r?\n/g, "\r\n").trim();
  return ics.replace(/END:VCALENDAR$/, zone + "\r\nEND:VCALENDAR") + CRLF;
}
