import { DateTime } from "luxon";
import { formatUtcOffset, OSLO, osloOccursTwice } from "../../utils/oslo-time";

/*
 * A meeting's time as e-mails say it, in bokmål and English. Every clock time must name one
 * instant and the duration must be the real one, the same as the stored instant and the calendar
 * file (docs/decisions/005): a time in the hour that happens twice when summer time ends gets
 * "summer time"/"winter time" and its UTC offset, and a meeting during which the clocks change
 * says how long it really lasts (01:30–04:00 on the spring night is 90 minutes, not 150).
 */

type Language = "nb" | "en";

const ZONE_NAMES: Record<Language, { summer: string; winter: string }> = {
  nb: { summer: "sommertid", winter: "vintertid" },
  en: { summer: "summer time", winter: "winter time" },
};

/** HH:mm, plus which of the two it is when that wall-clock time happens twice. */
function clock(value: DateTime, language: Language): string {
  const time = value.toFormat("HH:mm");
  if (!osloOccursTwice(value.toJSDate())) return time;
  const names = ZONE_NAMES[language];
  const zone = value.isInDST ? names.summer : names.winter;
  return `${time} (${zone}, UTC${formatUtcOffset(value.offset)})`;
}

/** The clock change inside the meeting, if the offset at its end differs from its start. */
function clockChange(start: DateTime, end: DateTime, minutes: number, language: Language) {
  if (start.offset === end.offset) return null;
  const forward = end.offset > start.offset;
  return language === "nb"
    ? `${minutes} minutter: klokka stilles ${forward ? "fram" : "tilbake"} i løpet av møtet`
    : `${minutes} minutes: the clocks go ${forward ? "forward" : "back"} during the meeting`;
}

/** "torsdag 20. mai 2027 kl. 13:15–14:15" and "Thursday 20 May 2027, 13:15–14:15 (Oslo time)". */
export function meetingTimeText(
  startsAt: Date,
  durationMinutes: number,
): { nb: string; en: string } {
  const start = DateTime.fromJSDate(startsAt, { zone: OSLO });
  // Absolute minutes, as the calendar file's DTEND.
  const end = start.plus({ minutes: durationMinutes });
  const nbChange = clockChange(start, end, durationMinutes, "nb");
  const enChange = clockChange(start, end, durationMinutes, "en");
  const nbDay = start.setLocale("nb").toFormat("cccc d. LLLL yyyy");
  const enDay = start.setLocale("en-GB").toFormat("cccc d LLLL yyyy");
  return {
    nb: `${nbDay} kl. ${clock(start, "nb")}–${clock(end, "nb")}${nbChange ? ` (${nbChange})` : ""}`,
    en: `${enDay}, ${clock(start, "en")}–${clock(end, "en")} (Oslo time${enChange ? `; ${enChange}` : ""})`,
  };
}

/**
 * A calendar date (YYYY-MM-DD, an Oslo date) as e-mails say it: "fredag 4. desember" and
 * "Friday 4 December", with the year added when it is not the year of `now` (Oslo). A value
 * that is not such a date is returned unchanged in both (never happens for stored dates).
 */
export function dayText(date: string, now: Date = new Date()): { nb: string; en: string } {
  const day = DateTime.fromISO(date, { zone: OSLO });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) return { nb: date, en: date };
  const sameYear = day.year === DateTime.fromJSDate(now, { zone: OSLO }).year;
  return {
    nb: day.setLocale("nb").toFormat(sameYear ? "cccc d. LLLL" : "cccc d. LLLL yyyy"),
    en: day.setLocale("en-GB").toFormat(sameYear ? "cccc d LLLL" : "cccc d LLLL yyyy"),
  };
}
