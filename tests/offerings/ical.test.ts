import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  municipalities,
  offerings,
  organisations,
  roleAssignments,
  users,
} from "../../db/schema";
import { checkVisit, offeringFeedCalendar } from "../../app/features/offerings/calendar.server";
import { unpackMessage } from "../../app/utils/validation";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Issue 13: an offering's schedule as iCalendar (ADR 026). The feed is read with ical.js (a real
 * parser that expands RRULEs with the VTIMEZONE), so "a Monday 18:00 stays 18:00 in Oslo in March
 * and November" is checked as a calendar program sees it. Then through the real server: the feed
 * without a session, renewal ending the old URL, paused and retired, the first-visit file with
 * its 400s, and access (another municipality, logged out, roles).
 */

type Row = typeof offerings.$inferSelect;
const ORGANISATION = {
  name: "Fjordvik frivilligsentral",
  email: "post@frivillig.fjordvik.test",
  phone: "+47 11 22 33 44",
  web: "https://frivillig.fjordvik.test",
};

function row(extra: Partial<Row> = {}): Row {
  return {
    id: "0b6c8f0e-8d7a-4a43-9a51-2f1e8b7c6d5e",
    municipalityId: "6f1f3c8e-0000-4000-8000-000000000001",
    organisationId: "6f1f3c8e-0000-4000-8000-000000000002",
    title: "Kveldsmat, prat & spill",
    description: "Vi lager mat sammen; alle er velkomne.",
    category: "social_meeting_place",
    lifeAreas: [],
    chime: [],
    weeklySlots: [
      { weekday: 1, start: "18:00", end: "20:00" },
      { weekday: 4, start: "11:30", end: "13:00" },
    ],
    dates: ["2027-03-27", "2027-11-06"],
    scheduleNote: "Ikke i skolens ferier",
    address: "Storgata 1, Fjordvik",
    accessibilityNotes: null,
    costOre: 0,
    noReferral: true,
    welcomeWhileUsing: true,
    wheelchairAccessible: true,
    languages: [],
    ageMin: null,
    ageMax: null,
    capacity: null,
    waitingList: false,
    contactName: "Kari Kontakt",
    contactPhone: "+47 99 88 77 66",
    contactEmail: "kari@privat.test",
    status: "active",
    feedToken: "t".repeat(43),
    lastVerifiedAt: new Date("2026-12-01T10:00:00Z"),
    lastVerifiedByUserId: null,
    createdByUserId: null,
    createdAt: new Date("2026-12-01T10:00:00Z"),
    updatedAt: new Date("2026-12-01T10:00:00Z"),
    ...extra,
  } as Row;
}

const NOW = new Date("2026-12-02T12:00:00Z");

/** Every occurrence's start (UTC ISO) of each event in [from, to), as ical.js expands them. */
function occurrences(ics: string, from: string, to: string) {
  const component = new ICAL.Component(ICAL.parse(ics));
  for (const zone of component.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const result: { uid: string; start: string; end: string; allDay: boolean }[] = [];
  const limit = Date.parse(to);
  for (const vevent of component.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const iterator = event.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const details = event.getOccurrenceDetails(next);
      const start = details.startDate.toJSDate().getTime();
      if (start >= limit) break;
      if (start < Date.parse(from)) continue;
      result.push({
        uid: event.uid,
        start: new Date(start).toISOString(),
        end: details.endDate.toJSDate().toISOString(),
        allDay: details.startDate.isDate,
      });
    }
  }
  return result.sort((a, b) => a.start.localeCompare(b.start));
}

const osloClock = (iso: string) =>
  DateTime.fromISO(iso, { zone: "Europe/Oslo" }).toFormat("ccc HH:mm");
/** Content lines, unfolded. */
const lines = (ics: string) => ics.replace(/\r\n[ \t]/g, "").split("\r\n");

describe("the feed's calendar", () => {
  const ics = offeringFeedCalendar(row(), ORGANISATION, NOW);

  it("gives two slots on the same weekday and start their own UIDs", () => {
    const twice = offeringFeedCalendar(
      row({
        weeklySlots: [
          { weekday: 1, start: "18:00", end: "19:00" },
          { weekday: 1, start: "18:00", end: "20:00" },
        ],
        dates: [],
      }),
      ORGANISATION,
      NOW,
    );
    const uids = lines(twice).filter((line) => line.startsWith("UID:"));
    expect(uids).toHaveLength(2);
    expect(new Set(uids).size).toBe(2);
  });

  it("is METHOD:PUBLISH with weekly RRULEs in Europe/Oslo, whole-day dates and stable UIDs", () => {
    const text = lines(ics);
    expect(text).toContain("METHOD:PUBLISH");
    expect(text).toContain("BEGIN:VTIMEZONE");
    expect(text).toContain("TZID:Europe/Oslo");
    expect(text).toContain("DTSTART;TZID=Europe/Oslo:20261207T180000");
    expect(text).toContain("DTEND;TZID=Europe/Oslo:20261207T200000");
    expect(text).toContain("RRULE:FREQ=WEEKLY;BYDAY=MO");
    expect(text).toContain("DTSTART;TZID=Europe/Oslo:20261203T113000");
    expect(text).toContain("RRULE:FREQ=WEEKLY;BYDAY=TH");
    expect(text).toContain("DTSTART;VALUE=DATE:20270327");
    expect(text).toContain(`UID:offering-${row().id}-w1-1800-2000@broen`);
    expect(text).toContain(`UID:offering-${row().id}-d20271106@broen`);
    expect(text).toContain("SUMMARY:Kveldsmat\\, prat & spill");
    expect(text).toContain("LOCATION:Storgata 1\\, Fjordvik");
    expect(text).toContain(`URL;VALUE=URI:http://localhost:3000/offerings/${row().id}`);
    expect(text.some((l) => l.startsWith("ORGANIZER;CN="))).toBe(true);
    expect(text.some((l) => l.startsWith("ATTENDEE"))).toBe(false);
    const description = text.find((l) => l.startsWith("DESCRIPTION:"))!;
    expect(description).toContain("Fjordvik frivilligsentral");
    expect(description).toContain("+47 11 22 33 44");
    expect(description).toContain("Ikke i skolens ferier");
    // The contact person is not public: not in the feed.
    expect(ics).not.toContain("Kari Kontakt");
    expect(ics).not.toContain("99 88 77 66");
    // The same input gives the same text (subscribed calendars see no churn).
    expect(offeringFeedCalendar(row(), ORGANISATION, NOW)).toBe(ics);
  });

  it("keeps Monday 18:00 at 18:00 in Oslo across both clock changes (ical.js expansion)", () => {
    const march = occurrences(ics, "2027-03-20T00:00:00Z", "2027-04-06T00:00:00Z").filter((o) =>
      o.uid.includes("-w1-"),
    );
    // 22 March (winter time, 17:00Z), 29 March and 5 April (summer time, 16:00Z).
    expect(march.map((o) => o.start)).toEqual([
      "2027-03-22T17:00:00.000Z",
      "2027-03-29T16:00:00.000Z",
      "2027-04-05T16:00:00.000Z",
    ]);
    const november = occurrences(ics, "2027-10-20T00:00:00Z", "2027-11-09T00:00:00Z").filter((o) =>
      o.uid.includes("-w1-"),
    );
    expect(november.map((o) => o.start)).toEqual([
      "2027-10-25T16:00:00.000Z",
      "2027-11-01T17:00:00.000Z",
      "2027-11-08T17:00:00.000Z",
    ]);
    for (const o of [...march, ...november]) {
      expect(osloClock(o.start)).toBe("Mon 18:00");
      expect(osloClock(o.end)).toBe("Mon 20:00");
    }
    const days = occurrences(ics, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z").filter(
      (o) => o.allDay,
    );
    expect(days).toHaveLength(2);
  });

  it("paused: nothing from today on, and says so; retired: an empty calendar", () => {
    const since = new Date("2026-11-01T10:00:00Z");
    const paused = offeringFeedCalendar(
      row({ status: "paused", createdAt: since }),
      ORGANISATION,
      NOW,
    );
    // The series end at the start of today in Oslo (UNTIL is inclusive, so one second before).
    expect(lines(paused)).toContain("RRULE:FREQ=WEEKLY;UNTIL=20261201T225959Z;BYDAY=MO");
    expect(occurrences(paused, "2026-12-01T23:00:00Z", "2028-01-01T00:00:00Z")).toEqual([]);
    expect(occurrences(paused, "2026-11-01T00:00:00Z", "2026-12-01T23:00:00Z")).toHaveLength(9);
    expect(paused).toContain("Tilbudet har pause nå");
    const retired = offeringFeedCalendar(row({ status: "retired" }), ORGANISATION, NOW);
    expect(retired).not.toContain("BEGIN:VEVENT");
    expect(retired).toContain("BEGIN:VTIMEZONE"); // still one component (RFC 5545 §3.4)
    expect(() => ICAL.parse(retired)).not.toThrow();
  });
});

describe("checking a first visit", () => {
  const keys = (result: ReturnType<typeof checkVisit>) =>
    result.ok
      ? null
      : Object.fromEntries(
          Object.entries(result.errors).map(([field, [packed]]) => [
            field,
            unpackMessage(packed!).key,
          ]),
        );
  const visit = (form: Partial<Parameters<typeof checkVisit>[1]>, extra: Partial<Row> = {}) =>
    checkVisit(row(extra), { date: "", time: "", start: "", end: "", ...form }, NOW);

  it("takes a slot on its weekday, or another time on any date", () => {
    expect(visit({ date: "2026-12-07", time: "slot-0" })).toEqual({
      ok: true,
      date: "2026-12-07",
      start: "18:00",
      end: "20:00",
    });
    expect(visit({ date: "9.12.2026", time: "free", start: "09:00", end: "10:15" })).toMatchObject({
      ok: true,
      date: "2026-12-09",
    });
  });

  it("takes own times on one of the offering's listed dates, and no other date", () => {
    expect(visit({ date: "27.03.2027", time: "listed", start: "10:00", end: "12:00" })).toEqual({
      ok: true,
      date: "2027-03-27",
      start: "10:00",
      end: "12:00",
    });
    const other = visit({ date: "2027-03-26", time: "listed", start: "10:00", end: "12:00" });
    expect(keys(other)).toEqual({ date: "visit.error.notListed" });
    expect(!other.ok && unpackMessage(other.errors.date![0]!).values).toEqual({
      dates: "27.03.2027, 06.11.2027",
    });
  });

  it("refuses impossible dates and times with a message per field", () => {
    expect(keys(visit({ date: "2027-02-30", time: "slot-0" }))).toEqual({
      date: "visit.error.date",
    });
    expect(keys(visit({ date: "2026-12-08", time: "slot-0" }))).toEqual({
      time: "visit.error.weekday",
    });
    expect(keys(visit({ date: "2026-11-30", time: "slot-0" }))).toEqual({
      date: "visit.error.past",
    });
    expect(keys(visit({ date: "2030-01-07", time: "slot-0" }))).toEqual({
      date: "visit.error.farAhead",
    });
    expect(keys(visit({ date: "2026-12-09", time: "free", start: "25:00", end: "9" }))).toEqual({
      start: "visit.error.clock",
      end: "visit.error.clock",
    });
    expect(keys(visit({ date: "2026-12-09", time: "free", start: "12:00", end: "11:00" }))).toEqual(
      { end: "visit.error.order" },
    );
    // 02:30 does not exist on 28 March 2027 and happens twice on 31 October 2027.
    expect(keys(visit({ date: "2027-03-28", time: "free", start: "02:30", end: "04:00" }))).toEqual(
      { start: "visit.error.clockChange" },
    );
    expect(keys(visit({ date: "2027-10-31", time: "free", start: "01:00", end: "02:30" }))).toEqual(
      { end: "visit.error.clockChange" },
    );
    expect(keys(visit({ date: "2026-12-07", time: "slot-9" }))).toEqual({
      time: "form.invalidChoice",
    });
    expect(keys(visit({ date: "2026-12-07", time: "slot-0" }, { status: "paused" }))).toEqual({
      form: "visit.paused",
    });
    expect(keys(visit({ date: "2026-12-07", time: "slot-0" }, { status: "retired" }))).toEqual({
      form: "visit.retired",
    });
  });
});

describe("through the server", () => {
  let server: TestServer;
  const cookie: Record<string, string> = {};
  let offeringId = "";
  let foreignOfferingId = "";

  const current = async (id = offeringId) =>
    (await server.database.db.select().from(offerings).where(eq(offerings.id, id)))[0]!;
  const feed = (token: string, as?: string) =>
    server.fetch(`/offerings/calendar/${token}.ics`, { cookie: as ? cookie[as] : undefined });
  const audits = (action: string, subjectId: string) =>
    server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)));
  /** A Monday at least a week ahead of the real clock (the server checks against it). */
  const nextMonday = DateTime.now()
    .setZone("Europe/Oslo")
    .plus({ weeks: 1 })
    .set({ weekday: 1 })
    .toISODate()!;

  beforeAll(async () => {
    server = await startTestServer();
    for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
    const db = server.database.db;
    const [organisation] = await db
      .select()
      .from(organisations)
      .where(eq(organisations.name, "Fjordvik frivilligsentral"));
    const { id: _id, feedToken: _token, createdAt: _created, ...fields } = row();
    const [created] = await db
      .insert(offerings)
      .values({
        ...fields,
        municipalityId: organisation!.municipalityId,
        organisationId: organisation!.id,
      })
      .returning();
    offeringId = created!.id;
    const [havbygd] = await db
      .insert(municipalities)
      .values({ name: "Havbygd kommune", slug: "havbygd" })
      .returning();
    const [foreignOrg] = await db
      .insert(organisations)
      .values({ municipalityId: havbygd!.id, name: "Havbygd turlag", kind: "association" })
      .returning();
    const [foreign] = await db
      .insert(offerings)
      .values({
        municipalityId: havbygd!.id,
        organisationId: foreignOrg!.id,
        title: "Havbygd-tur",
        description: "Tur.",
        category: "activity_exercise",
        weeklySlots: [{ weekday: 1, start: "18:00", end: "20:00" }],
      })
      .returning();
    foreignOfferingId = foreign!.id;
    const [foreignUser] = await db
      .insert(users)
      .values({ municipalityId: havbygd!.id, email: "koordinator@havbygd.test", name: "Hanne" })
      .returning();
    await db
      .insert(roleAssignments)
      .values({ userId: foreignUser!.id, municipalityId: havbygd!.id, role: "coordinator" });
    cookie.foreign = await server.cookieFor("koordinator@havbygd.test");
  });

  afterAll(async () => {
    await server?.close();
  });

  it("gives every offering its own unguessable feed token", async () => {
    const all = await server.database.db.select({ token: offerings.feedToken }).from(offerings);
    expect(all.length).toBeGreaterThan(10);
    expect(new Set(all.map((o) => o.token)).size).toBe(all.length);
    for (const { token } of all) expect(token).toMatch(/^[0-9a-f]{64}$/);
  });

  it("serves the feed without a session, as text/calendar; method=PUBLISH", async () => {
    const { feedToken } = await current();
    const response = await feed(feedToken);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "text/calendar; charset=utf-8; method=PUBLISH",
    );
    const ics = await response.text();
    expect(lines(ics)).toContain("RRULE:FREQ=WEEKLY;BYDAY=MO");
    expect(ics).not.toContain("Kari Kontakt");
    expect((await feed("x".repeat(43))).status).toBe(404);
    expect((await feed("'; drop table offerings; --")).status).toBe(404);
    expect((await server.fetch("/offerings/calendar/short.ics")).status).toBe(404);
  });

  it("shows the feed link to readers and the renewal only to those who manage it", async () => {
    const { feedToken } = await current();
    const leader = await (
      await server.fetch(`/offerings/${offeringId}`, { cookie: cookie.leader })
    ).text();
    expect(leader).toContain(`/offerings/calendar/${feedToken}.ics`);
    expect(leader).toContain("webcal://");
    expect(leader).toContain("Legg i kalender (.ics)");
    expect(leader).not.toContain("Lag ny lenke");
    const coordinator = await (
      await server.fetch(`/offerings/${offeringId}`, { cookie: cookie.coordinator })
    ).text();
    expect(coordinator).toContain("Lag ny lenke");
  });

  it("renews the token: the old URL is 404 at once, the new one works; audited", async () => {
    const before = (await current()).feedToken;
    expect(
      (await server.post(`/offerings/${offeringId}`, { intent: "renew-feed" }, cookie.leader))
        .status,
    ).toBe(403);
    expect(
      (await server.post(`/offerings/${offeringId}`, { intent: "renew-feed" }, cookie.foreign))
        .status,
    ).toBe(404);
    expect((await current()).feedToken).toBe(before);
    const renewed = await server.post(
      `/offerings/${offeringId}`,
      { intent: "renew-feed" },
      cookie.coordinator,
    );
    expect(renewed.status).toBe(200);
    expect(await renewed.text()).toContain("Ny abonnementslenke er laget");
    const after = (await current()).feedToken;
    expect(after).not.toBe(before);
    expect((await feed(before)).status).toBe(404);
    expect((await feed(after)).status).toBe(200);
    expect(await audits("offering.feed_renew", offeringId)).toHaveLength(1);
  });

  it("downloads a first-visit file for a reader, audited; refuses bad choices with 400", async () => {
    const chosen = await server.post(
      `/offerings/${offeringId}`,
      { intent: "visit", date: nextMonday, time: "slot-0", start: "", end: "" },
      cookie.leader,
    );
    expect(chosen.status).toBe(303);
    const download = chosen.headers.get("location")!;
    expect(download).toBe(
      `/offerings/${offeringId}/visit.ics?date=${nextMonday}&time=slot-0&start=&end=`,
    );
    expect(await audits("offering.calendar", offeringId)).toHaveLength(0);
    const response = await server.fetch(download, { cookie: cookie.leader });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="tilbud.ics"');
    expect(response.headers.get("content-type")).toBe(
      "text/calendar; charset=utf-8; method=PUBLISH",
    );
    const ics = await response.text();
    expect(lines(ics)).toContain(`DTSTART;TZID=Europe/Oslo:${nextMonday.replace(/-/g, "")}T180000`);
    expect(ics).not.toContain("RRULE:FREQ=WEEKLY");
    expect(ics).toContain("Kari Kontakt"); // the reader sees the contact person on the page
    const [entry] = await audits("offering.calendar", offeringId);
    expect(entry!.actorUserId).toBe(await server.userId(DEMO.leader));
    expect(entry!.details).toMatchObject({ date: nextMonday, start: "18:00", end: "20:00" });

    const tuesday = DateTime.fromISO(nextMonday).plus({ days: 1 }).toISODate()!;
    const wrongDay = await server.post(
      `/offerings/${offeringId}`,
      { intent: "visit", date: tuesday, time: "slot-0" },
      cookie.leader,
    );
    expect(wrongDay.status).toBe(400);
    expect(await wrongDay.text()).toContain("ikke på samme ukedag");
    const impossible = await server.post(
      `/offerings/${offeringId}`,
      { intent: "visit", date: "2027-02-30", time: "free", start: "24:61", end: "x" },
      cookie.volunteer,
    );
    expect(impossible.status).toBe(400);
    const page = await impossible.text();
    expect(page).toContain("Skriv en dato som finnes");
    expect(page).toContain("Skriv klokkeslettet som tt:mm");
    // The download link checks again: a made-up choice is a 400 with the reasons, not a file.
    const forged = await server.fetch(
      `/offerings/${offeringId}/visit.ics?date=${tuesday}&time=slot-0`,
      { cookie: cookie.leader },
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("The date is not on the weekday");
    const garbage = await server.fetch(`/offerings/${offeringId}/visit.ics?date=%00&time[]=x`, {
      cookie: cookie.leader,
    });
    expect(garbage.status).toBe(400);
    expect(await audits("offering.calendar", offeringId)).toHaveLength(1);
  });

  it("keeps other municipalities and logged-out visitors out of the page and the file", async () => {
    const form = { intent: "visit", date: nextMonday, time: "slot-0" };
    const file = (id: string) => `/offerings/${id}/visit.ics?date=${nextMonday}&time=slot-0`;
    expect((await server.post(`/offerings/${foreignOfferingId}`, form, cookie.leader)).status).toBe(
      404,
    );
    expect((await server.fetch(file(foreignOfferingId), { cookie: cookie.leader })).status).toBe(
      404,
    );
    expect((await server.post(`/offerings/${offeringId}`, form, cookie.foreign)).status).toBe(404);
    expect((await server.fetch(file(offeringId), { cookie: cookie.foreign })).status).toBe(404);
    for (const response of [
      await server.post(`/offerings/${offeringId}`, form),
      await server.fetch(file(offeringId)),
    ]) {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login/);
    }
    expect((await server.post(`/offerings/${offeringId}`, form, cookie.admin)).status).toBe(403);
    expect((await server.fetch(file(offeringId), { cookie: cookie.admin })).status).toBe(403);
  });

  it("paused and retired offerings: the feed follows, the visit form says why", async () => {
    await server.post(`/offerings/${offeringId}`, { intent: "pause" }, cookie.coordinator);
    const { feedToken } = await current();
    const paused = await (await feed(feedToken)).text();
    expect(paused).toContain("NAME:Kveldsmat\\, prat & spill (pause / paused)");
    const future = occurrences(paused, new Date().toISOString(), "2028-12-31T00:00:00Z");
    expect(future).toEqual([]);
    const refused = await server.post(
      `/offerings/${offeringId}`,
      { intent: "visit", date: nextMonday, time: "slot-0" },
      cookie.leader,
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Tilbudet har pause nå");
    await server.post(`/offerings/${offeringId}`, { intent: "retire" }, cookie.coordinator);
    const retired = await feed(feedToken);
    expect(retired.status).toBe(200);
    expect(await retired.text()).not.toContain("BEGIN:VEVENT");
  });
});
