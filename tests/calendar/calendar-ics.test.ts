import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { foldLines as libraryFoldLines } from "ical-generator";
import ICAL from "ical.js";
import { DateTime, IANAZone } from "luxon";
import { describe, expect, it } from "vitest";
import {
  feedCalendar,
  feedCalendarObject,
  invitationCalendar,
  type CalendarAttendee,
  type CalendarMeeting,
  type CalendarPerson,
  type InvitationInput,
} from "../../app/features/calendar/ical.server";
import { MonthCachedZone } from "../../app/features/calendar/cached-zone";
import { foldLines } from "../../app/features/calendar/write";

// Everything is read back with ical.js, an independent parser; times are built as explicit UTC
// instants so nothing here depends on the process time zone (run with TZ=UTC and TZ=America/New_York).

const STAMP = new Date("2026-01-02T03:04:05Z");
const organizer: CalendarPerson = { name: "Leder Testesen", email: "leder@kommune.example" };
const attendees: CalendarAttendee[] = [
  { name: "Deltaker En", email: "en@example.no", partstat: "needs_action", rsvp: true },
  { name: "Deltaker To", email: "to@example.no", partstat: "accepted", rsvp: false },
  { name: "Deltaker Tre", email: "tre@example.no", partstat: "tentative", rsvp: true },
  { name: "", email: "fire@example.no", partstat: "declined", rsvp: false },
];

function meeting(overrides: Partial<CalendarMeeting> = {}): CalendarMeeting {
  return {
    uid: "3f9c2a7e-5b1d-4c8e-9a06-1d2e3f4a5b6c@broen",
    sequence: 3,
    startsAt: new Date("2026-01-15T09:00:00Z"),
    durationMinutes: 90,
    title: "Møte – Broen",
    place: "Rådhuset, rom 2",
    videoLink: null,
    description: "Se innkallingen i Broen.",
    url: "https://broen.example/invitasjon/abc123",
    cancelled: false,
    ...overrides,
  };
}

function request(overrides: Partial<InvitationInput> = {}): string {
  return invitationCalendar({
    meeting: meeting(),
    organizer,
    attendees,
    method: "REQUEST",
    stamp: STAMP,
    ...overrides,
  });
}

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevents = calendar.getAllSubcomponents("vevent");
  return { calendar, vevents, events: vevents.map((v) => new ICAL.Event(v)) };
}

function onlyEvent(ics: string) {
  const { calendar, vevents, events } = parse(ics);
  expect(events).toHaveLength(1);
  return { calendar, vevent: vevents[0]!, event: events[0]! };
}

/** ical.js doesn't know X-WR-CALNAME/NAME are TEXT; unescape with its own TEXT value type. */
function calendarName(calendar: ICAL.Component, property = "x-wr-calname"): string {
  const types = ICAL.design.icalendar.value as Record<string, { fromICAL(raw: string): string }>;
  return types.text!.fromICAL(String(calendar.getFirstPropertyValue(property)));
}

/** Property names of a component and all its subcomponents except VTIMEZONE, upper-cased. */
function propertyNames(component: ICAL.Component): string[] {
  return [
    ...component.getAllProperties().map((p) => `${component.name}:${p.name}`.toUpperCase()),
    ...component
      .getAllSubcomponents()
      .filter((c) => c.name !== "vtimezone")
      .flatMap(propertyNames),
  ];
}

/** RFC 5545 §3.1: CRLF everywhere, content lines ≤ 75 octets, continuations start with a space. */
function expectWellFormed(ics: string) {
  expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
  expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
  expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  const lines = ics.slice(0, -2).split("\r\n");
  for (const line of lines) {
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(line).toMatch(/^( |[A-Z][A-Z0-9-]*[;:])/);
  }
  const unfolded = ics.replace(/\r\n /g, "");
  // Event dates are UTC (…Z) or carry TZID=Europe/Oslo: never floating, never process-local.
  // (Inside VTIMEZONE, DTSTART is local time by definition.) UTC for times in autumn's repeated
  // hour (tests/calendar/clock-change.test.ts).
  const outsideZones = unfolded.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE\r\n/g, "");
  for (const line of outsideZones
    .split("\r\n")
    .filter((l) => /^(DTSTART|DTEND|DTSTAMP)[;:]/.test(l))) {
    expect(line).toMatch(
      /^(DT(STAMP|START|END):\d{8}T\d{6}Z|DT(START|END);TZID=Europe\/Oslo:\d{8}T\d{6})$/,
    );
  }
  return unfolded;
}

describe("invitation times in Europe/Oslo", () => {
  const cases = [
    ["winter", "2026-01-15T09:00:00Z", "20260115T100000"],
    ["summer", "2026-07-15T08:00:00Z", "20260715T100000"],
    ["day before spring DST change", "2026-03-28T09:00:00Z", "20260328T100000"],
    ["day of spring DST change", "2026-03-29T08:00:00Z", "20260329T100000"],
    ["day before autumn DST change", "2026-10-24T08:00:00Z", "20261024T100000"],
    ["day of autumn DST change", "2026-10-25T09:00:00Z", "20261025T100000"],
  ] as const;

  it.each(cases)("%s: 10:00 wall clock, right UTC instant", (_label, utc, local) => {
    const ics = request({ meeting: meeting({ startsAt: new Date(utc), durationMinutes: 45 }) });
    const unfolded = expectWellFormed(ics);
    expect(unfolded).toContain(`\r\nDTSTART;TZID=Europe/Oslo:${local}\r\n`);
    const { calendar, event } = onlyEvent(ics);
    expect(
      calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
    ).toEqual(["Europe/Oslo"]);
    // The zone is resolved from the VTIMEZONE inside the calendar itself.
    expect(event.startDate.zone?.tzid).toBe("Europe/Oslo");
    expect([event.startDate.hour, event.startDate.minute]).toEqual([10, 0]);
    expect(event.startDate.toUnixTime()).toBe(Date.parse(utc) / 1000);
    expect(event.endDate.toUnixTime() - event.startDate.toUnixTime()).toBe(45 * 60);
    expect([event.endDate.hour, event.endDate.minute]).toEqual([10, 45]);
    expect(unfolded).toContain("\r\nDTSTAMP:20260102T030405Z\r\n");
  });

  it("DTEND is start + duration in real time across the DST change", () => {
    // 01:30 CET + 60 min = 02:30 CET = 03:30 CEST (02:00–03:00 does not exist on 29 March).
    const ics = request({
      meeting: meeting({ startsAt: new Date("2026-03-29T00:30:00Z"), durationMinutes: 60 }),
    });
    expect(expectWellFormed(ics)).toContain("\r\nDTEND;TZID=Europe/Oslo:20260329T033000\r\n");
    const { event } = onlyEvent(ics);
    expect(event.startDate.toUnixTime()).toBe(Date.parse("2026-03-29T00:30:00Z") / 1000);
    expect(event.endDate.toUnixTime()).toBe(Date.parse("2026-03-29T01:30:00Z") / 1000);
  });

  it("gives byte-identical output whatever the process time zone (child processes)", () => {
    const module = pathToFileURL(
      fileURLToPath(new URL("../../app/features/calendar/ical.server.ts", import.meta.url)),
    ).href;
    const input = {
      meeting: meeting({ startsAt: new Date("2026-03-29T00:30:00Z") }),
      organizer,
      attendees,
      method: "REQUEST",
      stamp: STAMP,
    };
    const script = `
      const { invitationCalendar, feedCalendar } = await import(${JSON.stringify(module)});
      const input = JSON.parse(process.env.CALENDAR_INPUT, (k, v) => (k === "startsAt" || k === "stamp" ? new Date(v) : v));
      process.stdout.write(JSON.stringify([
        Intl.DateTimeFormat().resolvedOptions().timeZone,
        invitationCalendar(input),
        feedCalendar({ name: "Feed", meetings: [input.meeting], stamp: input.stamp }),
      ]));`;
    const zones = ["UTC", "America/New_York", "Australia/Adelaide", "Pacific/Chatham"];
    const outputs = zones.map((tz) =>
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: fileURLToPath(new URL("../..", import.meta.url)),
        env: { ...process.env, TZ: tz, CALENDAR_INPUT: JSON.stringify(input) },
        encoding: "utf8",
      }),
    );
    const here = [
      request({ meeting: input.meeting }),
      feedCalendar({ name: "Feed", meetings: [input.meeting], stamp: STAMP }),
    ];
    // Each child really ran in its own zone, and produced exactly what this process produces.
    expect(outputs.map((output) => JSON.parse(output) as string[])).toEqual(
      zones.map((tz) => [tz, ...here]),
    );
    // 01:30 CET + 90 minutes = 04:00 CEST, the night the clocks go forward.
    const { event } = onlyEvent(here[0]!);
    expect([event.startDate.toUnixTime(), event.endDate.toUnixTime()]).toEqual([
      Date.parse("2026-03-29T00:30:00Z") / 1000,
      Date.parse("2026-03-29T02:00:00Z") / 1000,
    ]);
    expect(here[0]).toContain("\r\nDTEND;TZID=Europe/Oslo:20260329T040000\r\n");
  });
});

describe("iTIP REQUEST and CANCEL", () => {
  it("carries UID, SEQUENCE, organizer, attendees with PARTSTAT/RSVP, URL, status and a reminder", () => {
    const ics = request({ meeting: meeting({ videoLink: "https://video.example/rom/42" }) });
    expectWellFormed(ics);
    const { calendar, vevent, event } = onlyEvent(ics);
    expect(calendar.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(event.uid).toBe("3f9c2a7e-5b1d-4c8e-9a06-1d2e3f4a5b6c@broen");
    expect(event.sequence).toBe(3);
    expect(event.summary).toBe("Møte – Broen");
    expect(event.location).toBe("Rådhuset, rom 2 – https://video.example/rom/42");
    expect(event.description).toBe("Se innkallingen i Broen.");
    expect(vevent.getFirstPropertyValue("url")).toBe("https://broen.example/invitasjon/abc123");
    expect(vevent.getFirstPropertyValue("status")).toBe("CONFIRMED");
    const org = vevent.getFirstProperty("organizer")!;
    expect(String(org.getFirstValue()).toLowerCase()).toBe("mailto:leder@kommune.example");
    expect(org.getParameter("cn")).toBe("Leder Testesen");
    expect(
      event.attendees.map((a) => [
        String(a.getFirstValue()).toLowerCase(),
        a.getParameter("partstat"),
        a.getParameter("rsvp"),
        a.getParameter("role"),
        a.getParameter("cn"),
      ]),
    ).toEqual([
      ["mailto:en@example.no", "NEEDS-ACTION", "TRUE", "REQ-PARTICIPANT", "Deltaker En"],
      ["mailto:to@example.no", "ACCEPTED", "FALSE", "REQ-PARTICIPANT", "Deltaker To"],
      ["mailto:tre@example.no", "TENTATIVE", "TRUE", "REQ-PARTICIPANT", "Deltaker Tre"],
      ["mailto:fire@example.no", "DECLINED", "FALSE", "REQ-PARTICIPANT", undefined],
    ]);
    const alarms = vevent.getAllSubcomponents("valarm");
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.getFirstPropertyValue("action")).toBe("DISPLAY");
    expect(String(alarms[0]!.getFirstPropertyValue("trigger"))).toBe("-PT1H");
  });

  it("cancels with the same UID, the raised SEQUENCE and STATUS:CANCELLED", () => {
    const requested = onlyEvent(request()).event;
    const cancelIcs = invitationCalendar({
      meeting: meeting({ sequence: 4, cancelled: true }),
      organizer,
      attendees: [attendees[0]!],
      method: "CANCEL",
      stamp: STAMP,
    });
    expectWellFormed(cancelIcs);
    const { calendar, vevent, event } = onlyEvent(cancelIcs);
    expect(calendar.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(event.uid).toBe(requested.uid);
    expect(event.sequence).toBe(4);
    expect(event.sequence).toBeGreaterThan(requested.sequence);
    expect(vevent.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(vevent.getFirstProperty("organizer")).not.toBeNull();
    expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
      "mailto:en@example.no",
    ]);
    expect(vevent.getAllSubcomponents("valarm")).toHaveLength(0);
  });

  it("uninvites one attendee from a meeting that goes on: CANCEL without STATUS", () => {
    const { calendar, vevent, event } = onlyEvent(
      invitationCalendar({
        meeting: meeting({ sequence: 4 }),
        organizer,
        attendees: [attendees[1]!],
        method: "CANCEL",
        stamp: STAMP,
      }),
    );
    expect(calendar.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(event.sequence).toBe(4);
    expect(vevent.getFirstProperty("status")).toBeNull();
    expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).toEqual([
      "mailto:to@example.no",
    ]);
  });

  it("refuses what would make a broken or misleading invitation", () => {
    expect(() => request({ attendees: [] })).toThrow();
    expect(() => request({ meeting: meeting({ cancelled: true }) })).toThrow();
    expect(() => request({ meeting: meeting({ uid: "abc\r\nX-INJECT:1" }) })).toThrow();
    expect(() => request({ meeting: meeting({ sequence: -1 }) })).toThrow();
    expect(() => request({ meeting: meeting({ sequence: 1.5 }) })).toThrow();
    expect(() => request({ meeting: meeting({ durationMinutes: 0 }) })).toThrow();
    expect(() => request({ meeting: meeting({ startsAt: new Date(Number.NaN) }) })).toThrow();
    expect(() => request({ meeting: meeting({ url: "javascript:alert(1)" }) })).toThrow();
    expect(() => request({ organizer: { name: "X", email: "x@y;\r\nX-INJECT:1" } })).toThrow();
  });
});

describe("subscription feed", () => {
  const meetings = [
    meeting({ uid: "a@broen", sequence: 0 }),
    meeting({ uid: "b@broen", sequence: 7, startsAt: new Date("2026-07-15T08:00:00Z") }),
    meeting({ uid: "c@broen", sequence: 2, cancelled: true }),
  ];

  it("lists one VEVENT per meeting without METHOD, ORGANIZER or ATTENDEE", () => {
    const ics = feedCalendar({ name: "Mine møter i Broen", meetings, stamp: STAMP });
    const unfolded = expectWellFormed(ics);
    expect(unfolded).not.toMatch(/\r\n(METHOD|ORGANIZER|ATTENDEE)[;:]/);
    const { calendar, vevents, events } = parse(ics);
    // Not an iTIP message: METHOD:PUBLISH would need an ORGANIZER per event (RFC 5546 §3.2.1).
    expect(calendar.getFirstPropertyValue("method")).toBeNull();
    expect(calendarName(calendar)).toBe("Mine møter i Broen");
    expect(calendarName(calendar, "name")).toBe("Mine møter i Broen");
    expect(events.map((e) => [e.uid, e.sequence, e.startDate.zone?.tzid])).toEqual([
      ["a@broen", 0, "Europe/Oslo"],
      ["b@broen", 7, "Europe/Oslo"],
      ["c@broen", 2, "Europe/Oslo"],
    ]);
    expect(vevents.map((v) => v.getFirstPropertyValue("status"))).toEqual([
      "CONFIRMED",
      "CONFIRMED",
      "CANCELLED",
    ]);
    expect(events[1]!.startDate.hour).toBe(10);
    expect(vevents.every((v) => v.getAllProperties("attendee").length === 0)).toBe(true);
  });

  it("is byte-identical to ical-generator's own toString() (the fast writer only folds faster)", () => {
    const tricky = [
      ...meetings,
      meeting({
        uid: "d@broen",
        title: "Møte 😀 – ".repeat(9) + "Broen",
        description: "æøå ".repeat(40) + "\n" + "€".repeat(80) + "x".repeat(74) + "🙂".repeat(30),
        place: "R".repeat(73) + "ø" + "R".repeat(200),
      }),
      meeting({
        uid: "e@broen",
        title: "Inn\r\nX-INJECT:1;a,b\\c\u0007",
        description: "\u0001\u0002",
        place: "\u0003",
        videoLink: "https://video.test/rom?a=1;b=2,c",
        cancelled: true,
      }),
    ];
    const input = { name: "Feed; med, tegn\\ og\r\nlinjeskift", meetings: tricky, stamp: STAMP };
    expect(feedCalendar(input)).toBe(feedCalendarObject(input).toString() + "\r\n");
    for (const text of ["", "a".repeat(74), "a".repeat(75), "ø".repeat(40), "😀".repeat(40)]) {
      expect(foldLines(`X:${text}\r\nY:${text}`)).toBe(libraryFoldLines(`X:${text}\r\nY:${text}`));
    }
  });

  it("builds 500 meetings quickly (printed, not asserted)", () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      meeting({
        uid: `m${i}@broen`,
        startsAt: new Date(Date.UTC(2026, 0, 1, 9) + i * 17 * 3_600_000),
      }),
    );
    for (let run = 0; run < 3; run++)
      feedCalendar({ name: "Warm-up", meetings: many, stamp: STAMP });
    const times: number[] = [];
    let ics = "";
    for (let run = 0; run < 15; run++) {
      const start = performance.now();
      ics = feedCalendar({ name: "Mine møter", meetings: many, stamp: STAMP });
      times.push(performance.now() - start);
    }
    const startLibrary = performance.now();
    feedCalendarObject({ name: "Mine møter", meetings: many, stamp: STAMP }).toString();
    const library = performance.now() - startLibrary;
    times.sort((x, y) => x - y);
    console.log(
      `feedCalendar, 500 meetings: median ${times[7]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms; ` +
        `ical-generator's own toString(): ${library.toFixed(1)} ms; ${ics.length} characters`,
    );
    expect(parse(ics).events).toHaveLength(500);
  });
});

describe("privacy and escaping", () => {
  it("adds nothing identifying: only the given neutral text, only known properties", () => {
    // A field the builder must never use (callers may hold richer records than the interface).
    const record = { ...meeting(), personName: "Kari Nordmann", kind: "ansvarsgruppe" };
    const outputs = [
      request({ meeting: record }),
      invitationCalendar({
        meeting: { ...record, cancelled: true },
        organizer,
        attendees,
        method: "CANCEL",
        stamp: STAMP,
      }),
      feedCalendar({ name: "Møter", meetings: [record], stamp: STAMP }),
    ];
    for (const ics of outputs) {
      const unfolded = expectWellFormed(ics);
      expect(unfolded).not.toMatch(/Kari|Nordmann|ansvarsgruppe/i);
      const { calendar, vevent, event } = onlyEvent(ics);
      expect(event.summary).toBe("Møte – Broen");
      expect(event.description).toBe("Se innkallingen i Broen.");
      expect(event.location).toBe("Rådhuset, rom 2");
      expect(calendar.getFirstPropertyValue("prodid")).toBe("-//Broen//Broen//NB");
      const alarm = vevent.getFirstSubcomponent("valarm");
      if (alarm) expect(alarm.getFirstPropertyValue("description")).toBe("Møte – Broen");
      const allowed = new Set([
        ...["VERSION", "PRODID", "METHOD", "NAME", "X-WR-CALNAME"].map((p) => `VCALENDAR:${p}`),
        ...["UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION"].map(
          (p) => `VEVENT:${p}`,
        ),
        ...["DESCRIPTION", "ORGANIZER", "ATTENDEE", "URL", "STATUS"].map((p) => `VEVENT:${p}`),
        ...["ACTION", "TRIGGER", "DESCRIPTION"].map((p) => `VALARM:${p}`),
      ]);
      expect(propertyNames(calendar).filter((name) => !allowed.has(name))).toEqual([]);
    }
  });

  it("escapes user text so it parses back unchanged and injects nothing", () => {
    const place = "Rom 1;\r\nX-INJECT:1";
    const title = 'Møte, "samtale"; del\\2';
    const description = "Linje 1\r\nLinje 2\nLinje 3;, \\n er ikke linjeskift\rSlutt\r\nX-INJECT:2";
    const ics = request({
      meeting: meeting({ place, title, description, videoLink: null }),
      attendees: [{ ...attendees[0]!, name: 'Ola "Kvote"\r\nX-INJECT:3;ROLE=CHAIR' }],
    });
    const unfolded = expectWellFormed(ics);
    expect(unfolded).not.toMatch(/\r\nX-INJECT/);
    const { calendar, vevent, event } = onlyEvent(ics);
    // TEXT has one kind of line break, so CRLF and CR come back as LF; everything else is exact.
    expect(event.location).toBe("Rom 1;\nX-INJECT:1");
    expect(event.summary).toBe(title);
    expect(event.description).toBe(
      "Linje 1\nLinje 2\nLinje 3;, \\n er ikke linjeskift\nSlutt\nX-INJECT:2",
    );
    expect(propertyNames(calendar).filter((name) => name.includes("X-INJECT"))).toEqual([]);
    const attendee = event.attendees[0]!;
    expect(attendee.getParameter("cn")).toBe("Ola 'Kvote' X-INJECT:3;ROLE=CHAIR");
    expect(attendee.getParameter("role")).toBe("REQ-PARTICIPANT");
    expect(vevent.getAllProperties("attendee")).toHaveLength(1);

    const feed = feedCalendar({
      name: "Navn;\r\nX-INJECT:4",
      meetings: [meeting({ place })],
      stamp: STAMP,
    });
    expect(expectWellFormed(feed)).not.toMatch(/\r\nX-INJECT/);
    const parsedFeed = onlyEvent(feed);
    expect(calendarName(parsedFeed.calendar)).toBe("Navn;\nX-INJECT:4");
    expect(calendarName(parsedFeed.calendar, "name")).toBe("Navn;\nX-INJECT:4");
    expect(parsedFeed.event.location).toBe("Rom 1;\nX-INJECT:1");
  });

  it("percent-encodes ; and , in the URL instead of letting the library backslash them", () => {
    const { vevent } = onlyEvent(
      request({ meeting: meeting({ url: "https://broen.example/m/a?x=1,2;3" }) }),
    );
    expect(vevent.getFirstPropertyValue("url")).toBe("https://broen.example/m/a?x=1%2C2%3B3");
  });
});

describe("MonthCachedZone (Europe/Oslo offsets without an Intl call per date)", () => {
  it("agrees with luxon's IANAZone around every change 1980–2100 and at random instants", () => {
    const zone = new MonthCachedZone("Europe/Oslo");
    const iana = IANAZone.create("Europe/Oslo");
    const instants: number[] = [];
    const lastSunday = (year: number, month: number) => {
      const last = new Date(Date.UTC(year, month + 1, 0, 1));
      return last.getTime() - last.getUTCDay() * 86_400_000;
    };
    for (let year = 1980; year <= 2100; year++) {
      for (const change of [lastSunday(year, 2), lastSunday(year, 9)]) {
        for (const delta of [-3_600_000, -60_000, -1, 0, 1, 60_000, 3_600_000])
          instants.push(change + delta);
      }
    }
    // Every minute of four DST-change days, and pseudo-random instants.
    for (const day of ["2026-03-29", "2026-10-25", "2027-03-28", "2027-10-31"]) {
      for (let minute = 0; minute < 1440; minute++)
        instants.push(Date.parse(`${day}T00:00:00Z`) + minute * 60_000);
    }
    let seed = 20260115;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      instants.push(
        Date.UTC(1980, 0, 1) + Math.floor((seed / 2 ** 31) * 120 * 365.25 * 86_400_000),
      );
    }
    expect(instants.filter((ts) => zone.offset(ts) !== iana.offset(ts))).toEqual([]);
  });

  it("is kept as it is by setZone('Europe/Oslo'), which ical-generator calls", () => {
    const zone = new MonthCachedZone("Europe/Oslo");
    const value = DateTime.fromJSDate(new Date("2026-03-29T00:30:00Z"), { zone });
    expect(value.setZone("Europe/Oslo").zone).toBe(zone);
    expect(value.toISO()).toBe("2026-03-29T01:30:00.000+01:00");
    expect(value.plus({ hours: 1 }).toISO()).toBe("2026-03-29T03:30:00.000+02:00");
  });
});
