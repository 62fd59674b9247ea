import ICAL from "ical.js";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  feedCalendar,
  feedCalendarObject,
  invitationCalendar,
  type CalendarMeeting,
} from "../../app/features/calendar/ical.server";
import { MonthCachedZone } from "../../app/features/calendar/cached-zone";
import { formatDateTime } from "../../app/i18n";
import { meetingTimeText } from "../../app/features/meetings/meeting-time";
import {
  offsetChoices,
  osloDateTime,
  parseMeetingForm,
} from "../../app/features/meetings/meeting-form.server";
import { unpackMessage } from "../../app/utils/validation";
import { OSLO, osloInstants, osloOccursTwice } from "../../app/utils/oslo-time";
import { itipViolations } from "../support/itip";

/*
 * Issue 10, item 5: around both clock changes in Europe/Oslo (the last Sundays of March and
 * October), what Broen stores, what the e-mail text says and what a calendar program reads from
 * the .ics are the same instants and the same duration. Starts and ends inside autumn's repeated
 * hour (02:00–02:59 twice) and around spring's skipped hour (02:00–02:59 never), in 2026 and 2027.
 * The end-to-end version (form → database → e-mail → download → feed) is
 * tests/meetings/clock-change.test.ts.
 */

const STAMP = new Date("2026-01-02T03:04:05Z");
const MINUTE = 60_000;

/** 01:00 UTC on the last Sunday of a month: when Europe/Oslo changes its clocks. */
function changeAt(year: number, month: 3 | 10): number {
  const last = new Date(Date.UTC(year, month, 0, 1));
  return last.getTime() - last.getUTCDay() * 86_400_000;
}
const CHANGES = [2026, 2027].flatMap((year) => [
  { label: `spring ${year}`, at: changeAt(year, 3) },
  { label: `autumn ${year}`, at: changeAt(year, 10) },
]);

function meeting(startsAt: Date, durationMinutes: number, uid = "m@broen"): CalendarMeeting {
  return {
    uid,
    sequence: 1,
    startsAt,
    durationMinutes,
    title: "Møte – Broen",
    place: "Rådhuset",
    videoLink: null,
    description: "Svar i Broen.",
    url: "https://broen.example/i/abc",
    cancelled: false,
  };
}

/** Every quarter hour from three hours before a change to three after, with these lengths. */
function casesAround(at: number) {
  const cases: { start: Date; minutes: number }[] = [];
  for (let t = at - 3 * 60 * MINUTE; t <= at + 3 * 60 * MINUTE; t += 15 * MINUTE) {
    for (const minutes of [15, 45, 60, 90, 150]) cases.push({ start: new Date(t), minutes });
  }
  return cases;
}

const wall = (instant: Date) =>
  DateTime.fromJSDate(instant, { zone: OSLO }).toFormat("yyyyMMdd'T'HHmmss");
const utc = (instant: Date) =>
  DateTime.fromJSDate(instant, { zone: "utc" }).toFormat("yyyyMMdd'T'HHmmss'Z'");

/**
 * What a reader following RFC 5545 §3.3.5 takes a DTSTART/DTEND line to mean: a UTC time as it
 * is, a TZID=Europe/Oslo local time as its first occurrence. Reads raw bytes, not ical.js (which
 * takes the second occurrence).
 */
function rfcInstant(line: string): number {
  const utcMatch = /^DT(?:START|END):(\d{8}T\d{6})Z$/.exec(line);
  if (utcMatch)
    return DateTime.fromFormat(utcMatch[1]!, "yyyyMMdd'T'HHmmss", { zone: "utc" }).toMillis();
  const local = /^DT(?:START|END);TZID=Europe\/Oslo:(\d{8}T\d{6})$/.exec(line);
  if (!local) throw new Error(`unexpected line ${line}`);
  const value = DateTime.fromFormat(local[1]!, "yyyyMMdd'T'HHmmss", { zone: OSLO });
  const candidates = value
    .getPossibleOffsets()
    .filter((c) => c.toFormat("yyyyMMdd'T'HHmmss") === local[1])
    .map((c) => c.toMillis());
  // (A time in spring's gap would be read with the offset before the gap; Broen writes none.)
  if (candidates.length === 0) throw new Error(`${line} names no instant`);
  return Math.min(...candidates);
}

function eventLines(ics: string, uid = "m@broen"): { start: string; end: string } {
  const unfolded = ics.replace(/\r\n /g, "");
  const event = new RegExp(
    `BEGIN:VEVENT\\r\\nUID:${uid.replace(".", "\\.")}\\r\\n[\\s\\S]*?END:VEVENT`,
  ).exec(unfolded)![0];
  const line = (name: string) =>
    event.split("\r\n").find((l) => new RegExp(`^${name}[;:]`).test(l))!;
  return { start: line("DTSTART"), end: line("DTEND") };
}

describe.each(CHANGES)("calendar files around the $label change", ({ at }) => {
  const cases = casesAround(at);

  it("say the stored instants to ical.js and to an RFC 5545 §3.3.5 reader, with no guessing", () => {
    for (const { start, minutes } of cases) {
      const end = new Date(start.getTime() + minutes * MINUTE);
      const ics = invitationCalendar({
        meeting: meeting(start, minutes),
        organizer: { name: "Leder", email: "leder@kommune.example" },
        attendees: [{ name: "A", email: "a@example.no", partstat: "needs_action", rsvp: true }],
        method: "REQUEST",
        stamp: STAMP,
      });
      const feed = feedCalendar({
        name: "Broen",
        meetings: [meeting(start, minutes)],
        stamp: STAMP,
      });
      const twice = osloOccursTwice(start) || osloOccursTwice(end);
      for (const text of [ics, feed]) {
        const what = `${start.toISOString()} + ${minutes} min`;
        // Raw bytes: UTC exactly when a time would otherwise be a wall clock that happens twice.
        const lines = eventLines(text);
        expect(lines, what).toEqual(
          twice
            ? { start: `DTSTART:${utc(start)}`, end: `DTEND:${utc(end)}` }
            : {
                start: `DTSTART;TZID=Europe/Oslo:${wall(start)}`,
                end: `DTEND;TZID=Europe/Oslo:${wall(end)}`,
              },
        );
        // Every local time written names exactly one instant: RFC readers and ical.js agree.
        for (const line of [lines.start, lines.end].filter((l) => l.includes("TZID"))) {
          const [date, time] = [line.slice(-15, -7), line.slice(-6, -2)];
          const iso = `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`;
          expect(osloInstants(iso, `${time.slice(0, 2)}:${time.slice(2)}`), line).toHaveLength(1);
        }
        expect([rfcInstant(lines.start), rfcInstant(lines.end)], what).toEqual([
          start.getTime(),
          end.getTime(),
        ]);
        const event = new ICAL.Event(
          new ICAL.Component(ICAL.parse(text)).getFirstSubcomponent("vevent")!,
        );
        expect(
          [event.startDate.toUnixTime() * 1000, event.endDate.toUnixTime() * 1000],
          what,
        ).toEqual([start.getTime(), end.getTime()]);
        expect(event.duration.toSeconds(), what).toBe(minutes * 60);
      }
      expect(itipViolations(ics), start.toISOString()).toEqual([]);
      expect(itipViolations(feed), start.toISOString()).toEqual([]);
    }
  });

  it("are written byte for byte as ical-generator writes them, TZID and UTC events mixed", () => {
    const meetings = cases.map((c, i) => meeting(c.start, c.minutes, `m${i}@broen`));
    const input = { name: "Broen", meetings, stamp: STAMP };
    expect(feedCalendar(input)).toBe(feedCalendarObject(input).toString() + "\r\n");
    // Only events in the repeated hour: no TZID left, so no VTIMEZONE either (as the library).
    const onlyUtc = meetings.filter((m) =>
      osloOccursTwice(new Date(m.startsAt.getTime() + m.durationMinutes * MINUTE)),
    );
    if (onlyUtc.length > 0) {
      const utcInput = { name: "Broen", meetings: onlyUtc, stamp: STAMP };
      const text = feedCalendar(utcInput);
      expect(text).toBe(feedCalendarObject(utcInput).toString() + "\r\n");
      expect(text).not.toContain("TZID");
      expect(itipViolations(text)).toEqual([]);
    }
  });
});

describe("MonthCachedZone.occursTwice agrees with luxon", () => {
  it("for every minute within four hours of each change 2000–2060", () => {
    const zone = new MonthCachedZone(OSLO);
    const differ: string[] = [];
    for (let year = 2000; year <= 2060; year++) {
      for (const at of [changeAt(year, 3), changeAt(year, 10)]) {
        for (let t = at - 4 * 60 * MINUTE; t <= at + 4 * 60 * MINUTE; t += MINUTE) {
          if (zone.occursTwice(t) !== osloOccursTwice(new Date(t)))
            differ.push(new Date(t).toISOString());
        }
      }
    }
    expect(differ).toEqual([]);
    expect(zone.occursTwice(Date.parse("2026-10-25T00:00:00Z"))).toBe(true);
    expect(zone.occursTwice(Date.parse("2026-10-25T01:59:59Z"))).toBe(true);
    expect(zone.occursTwice(Date.parse("2026-10-24T23:59:59Z"))).toBe(false);
    expect(zone.occursTwice(Date.parse("2026-10-25T02:00:00Z"))).toBe(false);
    expect(zone.occursTwice(Date.parse("2026-03-29T01:00:00Z"))).toBe(false);
  });
});

/**
 * Reads the Oslo instants back from the bokmål e-mail time ("… kl. 02:30 (vintertid,
 * UTC+01:00)–03:15 …"): each clock time must name one instant, or carry the offset that picks it.
 */
function instantsFromText(text: string): [number, number] {
  const match =
    /^\S+ (\d{1,2}\. \S+ \d{4}) kl\. (\d\d:\d\d)(?: \((?:sommertid|vintertid), UTC([+-]\d\d:\d\d)\))?–(\d\d:\d\d)(?: \((?:sommertid|vintertid), UTC([+-]\d\d:\d\d)\))?/.exec(
      text,
    );
  if (!match) throw new Error(`unreadable time: ${text}`);
  const day = DateTime.fromFormat(match[1]!, "d. LLLL yyyy", { locale: "nb", zone: OSLO });
  const resolve = (date: DateTime, clock: string, offset: string | undefined) => {
    const found = osloInstants(date.toISODate()!, clock);
    if (found.length > 1 && !offset) throw new Error(`ambiguous ${clock} without offset: ${text}`);
    const pick = found.filter(
      (i) => !offset || DateTime.fromJSDate(i.instant, { zone: OSLO }).toFormat("ZZ") === offset,
    );
    return pick.map((i) => i.instant.getTime());
  };
  const start = resolve(day, match[2]!, match[3]);
  expect(start, text).toHaveLength(1);
  // The end is the first instant after the start with that clock time (the same day or the next).
  const end = [
    ...resolve(day, match[4]!, match[5]),
    ...resolve(day.plus({ days: 1 }), match[4]!, match[5]),
  ]
    .filter((t) => t > start[0]!)
    .sort((a, b) => a - b)[0]!;
  return [start[0]!, end];
}

describe.each(CHANGES)("e-mail text around the $label change", ({ at }) => {
  it("names the same instants, and the real duration when the clocks change during the meeting", () => {
    for (const { start, minutes } of casesAround(at)) {
      const end = new Date(start.getTime() + minutes * MINUTE);
      const text = meetingTimeText(start, minutes);
      expect(instantsFromText(text.nb), text.nb).toEqual([start.getTime(), end.getTime()]);
      const offsetsDiffer =
        DateTime.fromJSDate(start, { zone: OSLO }).offset !==
        DateTime.fromJSDate(end, { zone: OSLO }).offset;
      expect(text.nb.includes(`(${minutes} minutter: klokka stilles`), text.nb).toBe(offsetsDiffer);
      expect(text.en.includes(`; ${minutes} minutes: the clocks go`), text.en).toBe(offsetsDiffer);
      // The English text marks the same times as the bokmål one.
      expect((text.en.match(/\(summer time|\(winter time/g) ?? []).length).toBe(
        (text.nb.match(/\(sommertid|\(vintertid/g) ?? []).length,
      );
    }
  });
});

describe("e-mail text, examples", () => {
  it("says which 02:30 and how long, in bokmål and English", () => {
    // The second 02:30 on 25 October 2026, 45 minutes.
    expect(meetingTimeText(new Date("2026-10-25T01:30:00Z"), 45)).toEqual({
      nb: "søndag 25. oktober 2026 kl. 02:30 (vintertid, UTC+01:00)–03:15",
      en: "Sunday 25 October 2026, 02:30 (winter time, UTC+01:00)–03:15 (Oslo time)",
    });
    // 01:30 summer time for 90 minutes ends at the second 02:00.
    expect(meetingTimeText(new Date("2026-10-24T23:30:00Z"), 90)).toEqual({
      nb: "søndag 25. oktober 2026 kl. 01:30–02:00 (vintertid, UTC+01:00) (90 minutter: klokka stilles tilbake i løpet av møtet)",
      en: "Sunday 25 October 2026, 01:30–02:00 (winter time, UTC+01:00) (Oslo time; 90 minutes: the clocks go back during the meeting)",
    });
    // 01:30 winter time for 60 minutes on 29 March 2026 ends at 03:30 summer time.
    expect(meetingTimeText(new Date("2026-03-29T00:30:00Z"), 60)).toEqual({
      nb: "søndag 29. mars 2026 kl. 01:30–03:30 (60 minutter: klokka stilles fram i løpet av møtet)",
      en: "Sunday 29 March 2026, 01:30–03:30 (Oslo time; 60 minutes: the clocks go forward during the meeting)",
    });
    // An ordinary meeting reads as before.
    expect(meetingTimeText(new Date("2027-05-20T11:15:00Z"), 60)).toEqual({
      nb: "torsdag 20. mai 2027 kl. 13:15–14:15",
      en: "Thursday 20 May 2027, 13:15–14:15 (Oslo time)",
    });
  });

  it("pages show CEST/CET on a time that happens twice, nothing otherwise", () => {
    expect(formatDateTime("nb", "2026-10-25T00:30:00Z")).toBe("25. okt. 2026, 02:30 CEST");
    expect(formatDateTime("nb", "2026-10-25T01:30:00Z")).toBe("25. okt. 2026, 02:30 CET");
    expect(formatDateTime("en", "2026-10-25T01:30:00Z")).toBe("25 Oct 2026, 02:30 CET");
    expect(formatDateTime("nb", "2026-10-25T02:00:00Z")).toBe("25. okt. 2026, 03:00");
    expect(formatDateTime("nb", "2026-03-29T01:00:00Z")).toBe("29. mars 2026, 03:00");
  });
});

const LEADER = "5b0c7d1e-2f3a-4b5c-8d6e-7f8091a2b3c4";
function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  const all = {
    kind: "network_meeting",
    durationMinutes: "45",
    place: "Rådhuset",
    internalTitle: "Nettverksmøte",
    leaderId: LEADER,
    ...fields,
  };
  for (const [name, value] of Object.entries(all)) data.append(name, value);
  return data;
}
const NOW = new Date("2026-01-10T12:00:00Z");
const parse = (fields: Record<string, string>) => parseMeetingForm(form(fields), NOW);
const errorKeys = (result: ReturnType<typeof parse>) =>
  result.ok
    ? {}
    : Object.fromEntries(
        Object.entries(result.errors!).map(([f, m]) => [f, m.map((p) => unpackMessage(p).key)]),
      );

describe("the meeting form around the clock changes", () => {
  it.each(["2026-03-29", "2027-03-28"])(
    "refuses spring's skipped hour on %s, not its edges",
    (date) => {
      for (const time of ["02:00", "02:30", "02:59"]) {
        expect(errorKeys(parse({ date, time })), time).toEqual({
          time: ["meeting.timeDoesNotExist"],
        });
      }
      const before = parse({ date, time: "01:59" });
      const after = parse({ date, time: "03:00" });
      expect(before.ok && after.ok).toBe(true);
      if (!before.ok || !after.ok) return;
      // 01:59 winter time and 03:00 summer time are one real minute apart.
      expect(after.meeting.startsAt.getTime() - before.meeting.startsAt.getTime()).toBe(MINUTE);
    },
  );

  it.each(["2026-10-25", "2027-10-31"])("asks which of autumn's repeated hour on %s", (date) => {
    for (const time of ["02:00", "02:30", "02:59"]) {
      expect(errorKeys(parse({ date, time })), time).toEqual({
        utcOffset: ["meeting.timeOccursTwice"],
      });
      expect(errorKeys(parse({ date, time, utcOffset: "+03:00" })), time).toEqual({
        utcOffset: ["meeting.timeOccursTwice"],
      });
      const [first, second] = osloInstants(date, time);
      const summer = parse({ date, time, utcOffset: "+02:00" });
      const winter = parse({ date, time, utcOffset: "+01:00" });
      expect(summer.ok && summer.meeting.startsAt).toEqual(first!.instant);
      expect(winter.ok && winter.meeting.startsAt).toEqual(second!.instant);
      expect(second!.instant.getTime() - first!.instant.getTime()).toBe(60 * MINUTE);
      expect(offsetChoices(date, time)).toEqual([
        { value: "+02:00", summerTime: true },
        { value: "+01:00", summerTime: false },
      ]);
    }
    // Next to the hour there is nothing to ask, and a left-over choice is ignored.
    for (const time of ["01:59", "03:00"]) {
      const result = parse({ date, time, utcOffset: "+02:00" });
      expect(result.ok && result.meeting.startsAt).toEqual(osloInstants(date, time)[0]!.instant);
      expect(offsetChoices(date, time)).toEqual([]);
    }
  });

  it("gives the edit form back exactly the stored instant, every 5 minutes of both change days", () => {
    for (const at of CHANGES.map((c) => c.at)) {
      for (let t = at - 3 * 60 * MINUTE; t <= at + 3 * 60 * MINUTE; t += 5 * MINUTE) {
        const stored = new Date(t);
        const values = osloDateTime(stored);
        expect(values.utcOffset !== "", stored.toISOString()).toBe(osloOccursTwice(stored));
        const result = parse({ date: values.date, time: values.time, utcOffset: values.utcOffset });
        expect(result.ok && result.meeting.startsAt, stored.toISOString()).toEqual(stored);
      }
    }
  });

  it("refuses a series with a later meeting in a skipped or repeated hour", () => {
    const series = (date: string, extra: Record<string, string> = {}) =>
      errorKeys(parse({ date, time: "02:30", repeatEveryWeeks: "1", repeatCount: "3", ...extra }));
    expect(series("2027-10-17")).toEqual({ repeatEveryWeeks: ["meeting.seriesClockChange"] });
    expect(series("2027-03-14")).toEqual({ repeatEveryWeeks: ["meeting.seriesClockChange"] });
    const result = parseMeetingForm(
      form({ date: "2027-10-17", time: "02:30", repeatEveryWeeks: "1", repeatCount: "3" }),
      NOW,
    );
    expect(!result.ok && unpackMessage(result.errors!.repeatEveryWeeks![0]!).values).toEqual({
      date: "2027-10-31",
    });
    // Starting in the repeated hour itself is fine once the leader has said which one.
    expect(series("2027-10-31", { utcOffset: "+01:00" })).toEqual({});
    expect(series("2027-10-10", { repeatCount: "2" })).toEqual({});
    expect(series("2027-10-17", { time: "10:00" })).toEqual({});
  });
});
