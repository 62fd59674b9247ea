import { describe, expect, it } from "vitest";
import {
  feedCalendar,
  invitationCalendar,
  type CalendarAttendee,
  type CalendarMeeting,
} from "../../app/features/calendar/ical.server";
import { calendarContentType, calendarMethod } from "../../app/features/calendar/mime";
import { itipViolations } from "../support/itip";

/*
 * Issue 10, items 4 and 16: every kind of calendar Broen produces follows the RFC 5546
 * restriction table of its METHOD (or RFC 5545 alone when it has none, like the feed), and the
 * MIME type it goes out with names that same METHOD. The same checks run on what the server
 * really serves and sends in tests/meetings/clock-change.test.ts.
 */

const STAMP = new Date("2026-01-02T03:04:05Z");
const organizer = { name: "Leder Testesen", email: "leder@kommune.example" };
const attendee: CalendarAttendee = {
  name: "Deltaker En",
  email: "en@example.no",
  partstat: "needs_action",
  rsvp: true,
};

function meeting(overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  return {
    uid: "3f9c2a7e-5b1d-4c8e-9a06-1d2e3f4a5b6c@broen",
    sequence: 0,
    startsAt: new Date("2026-01-15T09:00:00Z"),
    durationMinutes: 90,
    title: "Møte – Broen",
    place: "Rådhuset, rom 2",
    videoLink: null,
    description: "Svar og se detaljer i Broen.",
    url: "https://broen.example/i/abc",
    cancelled: false,
    ...overrides,
  };
}

// The second 02:30 of 25 October 2026 (written in UTC) and a meeting across the spring change.
const OVERLAP = new Date("2026-10-25T01:30:00Z");
const ACROSS_SPRING = new Date("2026-03-29T00:30:00Z");

/** Every kind of calendar Broen makes, as its builders make them (one-off download = invitation). */
function everyKind(startsAt: Date) {
  const base = { organizer, stamp: STAMP };
  return [
    {
      kind: "invitation (also the one-off download /i/<token>/calendar.ics)",
      ics: invitationCalendar({
        ...base,
        meeting: meeting({ startsAt }),
        attendees: [attendee],
        method: "REQUEST",
      }),
      cancels: undefined,
    },
    {
      kind: "update",
      ics: invitationCalendar({
        ...base,
        meeting: meeting({ startsAt, sequence: 2 }),
        attendees: [{ ...attendee, partstat: "accepted" }],
        method: "REQUEST",
      }),
      cancels: undefined,
    },
    {
      kind: "cancellation (also the download of a cancelled meeting)",
      ics: invitationCalendar({
        ...base,
        meeting: meeting({ startsAt, sequence: 3, cancelled: true }),
        attendees: [{ ...attendee, rsvp: false }],
        method: "CANCEL",
      }),
      cancels: "meeting" as const,
    },
    {
      kind: "uninvitation",
      ics: invitationCalendar({
        ...base,
        meeting: meeting({ startsAt, sequence: 3 }),
        attendees: [{ ...attendee, rsvp: false }],
        method: "CANCEL",
      }),
      cancels: "attendees" as const,
    },
    {
      kind: "feed",
      ics: feedCalendar({
        name: "Broen",
        stamp: STAMP,
        meetings: [
          meeting({ uid: "a@broen", startsAt }),
          meeting({ uid: "b@broen", sequence: 4, cancelled: true }),
          meeting({ uid: "c@broen", startsAt: new Date("2026-07-15T08:00:00Z") }),
        ],
      }),
      cancels: undefined,
    },
    {
      kind: "feed of one meeting written in UTC",
      ics: feedCalendar({ name: "Broen", stamp: STAMP, meetings: [meeting({ startsAt })] }),
      cancels: undefined,
    },
    {
      kind: "empty feed",
      ics: feedCalendar({ name: "Broen", stamp: STAMP, meetings: [] }),
      cancels: undefined,
    },
  ];
}

describe("every calendar Broen produces follows the rules of its METHOD", () => {
  for (const [label, startsAt] of [
    ["an ordinary time", new Date("2026-01-15T09:00:00Z")],
    ["autumn's repeated hour (UTC times)", OVERLAP],
    ["across the spring change", ACROSS_SPRING],
  ] as const) {
    it.each(everyKind(startsAt))(`${label}: $kind`, ({ ics, cancels }) => {
      expect(itipViolations(ics, { contentType: calendarContentType(ics), cancels })).toEqual([]);
    });
  }

  it("gives each kind the METHOD (and so the MIME method) iTIP expects", () => {
    expect(everyKind(OVERLAP).map((k) => [k.kind, calendarContentType(k.ics)])).toEqual([
      [expect.stringMatching(/^invitation/), "text/calendar; charset=utf-8; method=REQUEST"],
      ["update", "text/calendar; charset=utf-8; method=REQUEST"],
      [expect.stringMatching(/^cancellation/), "text/calendar; charset=utf-8; method=CANCEL"],
      ["uninvitation", "text/calendar; charset=utf-8; method=CANCEL"],
      // A subscription is not an iTIP message: no METHOD, no method parameter, no ORGANIZER.
      ["feed", "text/calendar; charset=utf-8"],
      ["feed of one meeting written in UTC", "text/calendar; charset=utf-8"],
      ["empty feed", "text/calendar; charset=utf-8"],
    ]);
    for (const { kind, ics } of everyKind(OVERLAP).filter((k) => k.kind.includes("feed"))) {
      expect(ics, kind).not.toMatch(/\r\n(METHOD|ORGANIZER|ATTENDEE)[;:]/);
    }
  });
});

describe("the check itself catches what libical rejects", () => {
  const feed = feedCalendar({ name: "Broen", stamp: STAMP, meetings: [meeting()] });
  const request = everyKind(new Date("2026-01-15T09:00:00Z"))[0]!.ics;
  const cancel = everyKind(new Date("2026-01-15T09:00:00Z"))[2]!.ics;

  it("the feed as it was (METHOD:PUBLISH without ORGANIZER), RFC 5546 §3.2.1", () => {
    const old = feed.replace("PRODID:-//Broen//Broen//NB\r\n", "$&METHOD:PUBLISH\r\n");
    expect(itipViolations(old)).toEqual([
      "VEVENT[0]: ORGANIZER must occur 1 time(s) under METHOD:PUBLISH (RFC 5546 §3.2.1), found 0",
    ]);
    // … and the Content-Type that went with it did not name the METHOD either.
    expect(itipViolations(old, { contentType: "text/calendar; charset=utf-8" })).toContain(
      "Content-Type method=(none) but METHOD:PUBLISH (RFC 6047 §2.4)",
    );
  });

  it("a cancelled meeting's file served as method=REQUEST (issue 10, item 4)", () => {
    expect(
      itipViolations(cancel, { contentType: "text/calendar; charset=utf-8; method=REQUEST" }),
    ).toEqual(["Content-Type method=REQUEST but METHOD:CANCEL (RFC 6047 §2.4)"]);
  });

  it("attendees in PUBLISH, a reminder in CANCEL, a REQUEST for a cancelled event", () => {
    const published = request.replace("METHOD:REQUEST", "METHOD:PUBLISH");
    expect(itipViolations(published)).toContain(
      "VEVENT[0]: ATTENDEE must occur 0 time(s) under METHOD:PUBLISH (RFC 5546 §3.2.1), found 1",
    );
    const remindedCancel = request
      .replace("METHOD:REQUEST", "METHOD:CANCEL")
      .replace("STATUS:CONFIRMED", "STATUS:CANCELLED");
    expect(itipViolations(remindedCancel)).toEqual([
      "VEVENT[0]: VALARM must occur 0 time(s) under METHOD:CANCEL (RFC 5546 §3.2.5), found 1",
    ]);
    expect(itipViolations(request.replace("STATUS:CONFIRMED", "STATUS:CANCELLED"))).toEqual([
      "VEVENT[0]: STATUS:CANCELLED is not allowed (RFC 5546 §3.2.2)",
    ]);
    expect(itipViolations(cancel, { cancels: "attendees" })).toEqual([
      "VEVENT[0]: uninviting attendees must not carry STATUS (RFC 5546 §3.2.5)",
    ]);
  });

  it("a missing ORGANIZER or ATTENDEE in REQUEST, a TZID without VTIMEZONE", () => {
    const unfolded = request.replace(/\r\n /g, "");
    const withoutOrganizer = unfolded.replace(/\r\nORGANIZER[^\r]*/, "");
    expect(itipViolations(withoutOrganizer)).toContain(
      "VEVENT[0]: ORGANIZER must occur 1 time(s) under METHOD:REQUEST (RFC 5546 §3.2.2), found 0",
    );
    const withoutAttendee = unfolded.replace(/\r\nATTENDEE[^\r]*/, "");
    expect(itipViolations(withoutAttendee)).toContain(
      "VEVENT[0]: ATTENDEE must occur 1+ time(s) under METHOD:REQUEST (RFC 5546 §3.2.2), found 0",
    );
    const withoutZone = unfolded.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/, "");
    expect(itipViolations(withoutZone)).toEqual(["TZID=Europe/Oslo has no VTIMEZONE"]);
  });
});

describe("calendarMethod and calendarContentType (one source for body and MIME type)", () => {
  const head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//NB\r\n";
  const event = "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

  it("reads the calendar's own METHOD, folded or not, and ignores anything inside components", () => {
    expect(calendarMethod(`${head}METHOD:CANCEL\r\n${event}`)).toBe("CANCEL");
    expect(calendarMethod(`${head}METH\r\n OD:req\r\n uest\r\n${event}`)).toBe("REQUEST");
    expect(calendarMethod(`${head}${event.replace("UID:a", "UID:a\r\nMETHOD:CANCEL")}`)).toBe(null);
    expect(calendarContentType(`${head}${event}`)).toBe("text/calendar; charset=utf-8");
    expect(calendarContentType(`${head}METHOD:CANCEL\r\n${event}`)).toBe(
      "text/calendar; charset=utf-8; method=CANCEL",
    );
  });

  it("refuses what cannot become a method parameter", () => {
    expect(() => calendarMethod("not a calendar")).toThrow();
    expect(() => calendarMethod(`${head}METHOD:REQUEST; x=1\r\n${event}`)).toThrow();
    expect(() => calendarMethod(`${head}METHOD:REQUEST\r\nMETHOD:CANCEL\r\n${event}`)).toThrow();
  });
});
