import ICAL from "ical.js";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, meetings, outbox } from "../../db/schema";
import { itipViolations } from "../support/itip";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { nb } from "../../app/i18n/nb";

let server: TestServer;
const cookie: Record<string, string> = {};
let networkId = "";
let relativeId = "";
let navMemberId = "";
let friendId = "";
let meetingId = "";

const location = (r: Response) => r.headers.get("location") ?? "";
const meetingForm = (overrides: Record<string, string | string[]> = {}): [string, string][] => {
  const base: Record<string, string | string[]> = {
    intent: "create",
    kind: "network_meeting",
    date: "2027-01-14",
    time: "10:00",
    durationMinutes: "90",
    place: "Fjordvik bibliotek, møterom 2",
    videoLink: "",
    internalTitle: "Nettverksmøte med Mari",
    calendarTitle: "Møte – Broen",
    memberId: [relativeId, navMemberId],
    leaderId: [],
    ...overrides,
  };
  return Object.entries(base).flatMap(([k, v]) =>
    Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]],
  );
};
const mail = () => server.database.db.select().from(outbox).orderBy(asc(outbox.id));
const tokenIn = (body: string) => /\/i\/([A-Za-z0-9_-]+)/.exec(body)?.[1] ?? "";
function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent("vevent")!;
  return {
    calendar,
    event,
    method: calendar.getFirstPropertyValue("method"),
    sequence: Number(event.getFirstPropertyValue("sequence")),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const person = await server.post("/persons/new", { name: "Mari Fjelltun" }, cookie.leader);
  const network = await server.post(
    location(person),
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", await server.userId(DEMO.leader)],
      ["leaderId", await server.userId(DEMO.leader2)],
      ["planRevisionOn", "2027-03-01"],
    ],
    cookie.leader,
  );
  networkId = location(network).split("/").pop()!;
  const add = (fields: Record<string, string>) =>
    server.post(`/networks/${networkId}`, { intent: "add-member", ...fields }, cookie.leader);
  await add({
    name: "Knut Fjelltun",
    relation: "relative",
    circle: "family_friends",
    email: "knut@example.test",
    wantsInvited: "yes",
  });
  await add({
    userId: await server.userId(DEMO.nav),
    relation: "nav",
    circle: "services",
    wantsInvited: "yes",
  });
  await add({
    name: "Venn Uten Epost",
    relation: "friend",
    circle: "family_friends",
    wantsInvited: "yes",
  });
  const page = await (
    await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader })
  ).text();
  const ids = [...page.matchAll(/id="member-([0-9a-f-]{36})"/g)].map((m) => m[1]!);
  const names = [...page.matchAll(/id="member-name-[0-9a-f-]{36}">([^<]+)/g)].map((m) => m[1]!);
  relativeId = ids[names.indexOf("Knut Fjelltun")]!;
  navMemberId = ids[names.findIndex((n) => n.startsWith("Omar"))]!;
  friendId = ids[names.indexOf("Venn Uten Epost")]!;
});
afterAll(() => server.close());

describe("planning a meeting", () => {
  it("creates it and queues a neutral invitation with a calendar part for each member with e-mail", async () => {
    const leaderId = await server.userId(DEMO.leader);
    const response = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({ leaderId: [leaderId] }),
      cookie.leader,
    );
    expect(response.status).toBe(302);
    meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
    const sent = await mail();
    expect(sent.map((m) => m.toAddress).sort()).toEqual(["knut@example.test", DEMO.nav].sort());
    for (const message of sent) {
      expect(message.subject).toBe("Møte – Broen");
      expect(message.calendarMethod).toBe("REQUEST");
      for (const text of [message.subject, message.textBody, message.htmlBody, message.calendar!]) {
        expect(text).not.toContain("Mari");
        expect(text).not.toMatch(/nettverksmøte|ansvarsgruppe/i);
      }
      const ics = parseIcs(message.calendar!);
      expect(ics.method).toBe("REQUEST");
      expect(ics.sequence).toBe(0);
      const start = ics.event.getFirstProperty("dtstart")!;
      expect(start.getParameter("tzid")).toBe("Europe/Oslo");
      expect(String(start.getFirstValue())).toMatch(/^2027-01-14T10:00:00/);
    }
    const logged = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "meeting.create"), eq(auditLog.subjectId, meetingId)));
    expect(logged).toHaveLength(1);
  });

  it("shows the meeting to its leaders, to invited partners, and to nobody else", async () => {
    expect((await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })).status).toBe(
      200,
    );
    expect((await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader2 })).status).toBe(
      200,
    );
    const asNav = await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.nav });
    expect(asNav.status).toBe(200);
    expect(await asNav.text()).not.toContain("Knut Fjelltun"); // other invitees are for the leaders
    expect((await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.housing })).status).toBe(
      404,
    );
    expect((await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.admin })).status).toBe(
      403,
    );
    const list = await (await server.fetch("/meetings", { cookie: cookie.nav })).text();
    expect(list).toContain(`/meetings/${meetingId}`);
    expect(
      await (await server.fetch("/meetings", { cookie: cookie.housing })).text(),
    ).not.toContain(meetingId);
  });
});

describe("the invitation link", () => {
  it("opens the member's own meeting, takes an answer, and gives a calendar file", async () => {
    const token = tokenIn(
      (await mail()).find((m) => m.toAddress === "knut@example.test")!.textBody,
    );
    const page = await server.fetch(`/i/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Fjordvik bibliotek");
    expect(html).not.toContain("Mari");
    const answer = await server.post(`/i/${token}`, { response: "accepted" });
    expect(answer.status).toBe(200);
    const leaderView = await (
      await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })
    ).text();
    expect(leaderView).toMatch(/Knut Fjelltun<\/td><td[^>]*>Kommer/);
    const ics = await server.fetch(`/i/${token}/calendar.ics`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const parsed = parseIcs(await ics.text());
    expect(parsed.event.getFirstProperty("attendee")!.getParameter("partstat")).toBe("ACCEPTED");
    const actions = (
      await server.database.db.select().from(auditLog).where(eq(auditLog.subjectType, "invitation"))
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining(["invitation.open", "invitation.respond", "invitation.calendar"]),
    );
  });

  it("refuses unknown, tampered and bad answers", async () => {
    const token = tokenIn(
      (await mail()).find((m) => m.toAddress === "knut@example.test")!.textBody,
    );
    expect((await server.fetch(`/i/${token.slice(0, -2)}xx`)).status).toBe(404);
    expect((await server.fetch("/i/short")).status).toBe(404);
    expect((await server.fetch(`/i/${"a".repeat(5000)}`)).status).toBe(404);
    expect((await server.post(`/i/${token}`, { response: "maybe-later" })).status).toBe(400);
    expect((await server.post(`/i/${token}x`, { response: "accepted" })).status).toBe(404);
  });

  it("stops working once expired", async () => {
    const message = (await mail()).find((m) => m.toAddress === "knut@example.test")!;
    const token = tokenIn(message.textBody);
    const [invitation] = await server.database.db
      .select()
      .from(invitations)
      .where(eq(invitations.id, message.invitationId!));
    await server.database.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, invitation!.id));
    expect((await server.fetch(`/i/${token}`)).status).toBe(404);
    expect((await server.fetch(`/i/${token}/calendar.ics`)).status).toBe(404);
    expect((await server.post(`/i/${token}`, { response: "declined" })).status).toBe(404);
    await server.database.db
      .update(invitations)
      .set({ expiresAt: invitation!.expiresAt })
      .where(eq(invitations.id, invitation!.id));
    expect((await server.fetch(`/i/${token}`)).status).toBe(200);
  });

  it("lets an account user answer inside Broen", async () => {
    const response = await server.post(
      `/meetings/${meetingId}`,
      { intent: "respond", response: "tentative" },
      cookie.nav,
    );
    expect(response.status).toBe(200);
    expect(
      await (await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })).text(),
    ).toMatch(/Omar[^<]*<\/td><td[^>]*>Kanskje/);
    // But not change the meeting.
    expect(
      (await server.post(`/meetings/${meetingId}/edit`, { intent: "cancel" }, cookie.nav)).status,
    ).toBe(403);
  });

  it("gives a member without e-mail a link through the leader, and replaces links", async () => {
    const version = async () =>
      (await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId)))[0]!;
    const m = await version();
    const form = meetingForm({
      intent: "update",
      memberId: [relativeId, navMemberId, friendId],
      leaderId: [await server.userId(DEMO.leader)],
      version: String(m.version),
    });
    const updated = await server.post(`/meetings/${meetingId}/edit`, form, cookie.leader);
    expect(updated.status).toBe(302);
    const view = await (
      await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })
    ).text();
    expect(view).toContain("Ingen e-post");
    const invitationId = /name="invitationId" value="([0-9a-f-]{36})"/.exec(
      view.slice(view.indexOf("Venn Uten Epost")),
    )![1]!;
    const first = await server.post(
      `/meetings/${meetingId}`,
      { intent: "new-link", invitationId },
      cookie.leader,
    );
    const firstLink = tokenIn(await first.text());
    expect((await server.fetch(`/i/${firstLink}`)).status).toBe(200);
    const second = await server.post(
      `/meetings/${meetingId}`,
      { intent: "new-link", invitationId },
      cookie.leader,
    );
    const secondLink = tokenIn(await second.text());
    expect(secondLink).not.toBe(firstLink);
    expect((await server.fetch(`/i/${firstLink}`)).status).toBe(404);
    expect((await server.fetch(`/i/${secondLink}`)).status).toBe(200);
  });
});

describe("changing a meeting", () => {
  it("is its own page, for those who manage the meeting; the meeting page only links to it", async () => {
    const edit = `/meetings/${meetingId}/edit`;
    const leaderView = await (
      await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })
    ).text();
    expect(leaderView).toContain(`href="${edit}"`);
    expect(leaderView).toContain(nb["meeting.editLink"]);
    expect(leaderView).not.toContain('name="startedFrom"'); // the form is not on the page
    expect(leaderView).not.toContain(nb["meeting.cancel"]);
    const navView = await (
      await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.nav })
    ).text();
    expect(navView).not.toContain(`href="${edit}"`);

    const page = await server.fetch(edit, { cookie: cookie.leader });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="startedFrom"');
    expect(html).toContain(nb["meeting.cancel"]);
    expect((await server.fetch(edit, { cookie: cookie.leader2 })).status).toBe(200);
    // As the meeting page: without the permission 403, a leader of another network 404.
    for (const who of ["nav", "housing", "admin"] as const) {
      expect((await server.fetch(edit, { cookie: cookie[who] })).status, who).toBe(403);
    }
    await server.createUser("annen.nettverksleder@fjordvik.test", ["leader"]);
    const outsider = await server.cookieFor("annen.nettverksleder@fjordvik.test");
    expect((await server.fetch(edit, { cookie: outsider })).status).toBe(404);
    expect((await server.post(edit, { intent: "cancel" }, outsider)).status).toBe(404);
    expect(
      (await server.fetch(`/meetings/${crypto.randomUUID()}/edit`, { cookie: cookie.leader }))
        .status,
    ).toBe(404);

    // The meeting page no longer takes the form's intents; the edit page refuses others.
    const before = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    for (const intent of ["update", "cancel"]) {
      const old = await server.post(`/meetings/${meetingId}`, { intent }, cookie.leader);
      expect(old.status, intent).toBe(400);
    }
    expect((await server.post(edit, { intent: "respond" }, cookie.leader)).status).toBe(400);
    // Bad input: 400 with the field's message, nothing saved.
    const bad = await server.post(
      edit,
      meetingForm({
        intent: "update",
        date: "",
        memberId: [relativeId, navMemberId],
        leaderId: [await server.userId(DEMO.leader)],
        version: String(before.version),
      }),
      cookie.leader,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('aria-invalid="true"');
    const after = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(after.version).toBe(before.version);
    expect(after.status).toBe("scheduled");
  });

  it("sends the leader back to the meeting page, which says what was done", async () => {
    const notice = await (
      await server.fetch(`/meetings/${meetingId}?changed=saved`, { cookie: cookie.leader })
    ).text();
    expect(notice).toMatch(/role="status" id="changed" tabindex="-1">Møtet er lagret/);
    const other = await (
      await server.fetch(`/meetings/${meetingId}?changed=toString`, { cookie: cookie.leader })
    ).text();
    expect(other).not.toContain('id="changed"');
  });

  it("raises SEQUENCE and re-sends on a material change, not on a title change", async () => {
    const before = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    const queued = (await mail()).length;
    const retitled = await server.post(
      `/meetings/${meetingId}/edit`,
      meetingForm({
        intent: "update",
        internalTitle: "Nytt navn",
        memberId: [relativeId, navMemberId, friendId],
        leaderId: [await server.userId(DEMO.leader)],
        version: String(before.version),
      }),
      cookie.leader,
    );
    expect(retitled.status).toBe(302);
    const mid = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(mid.sequence).toBe(before.sequence);
    expect((await mail()).length).toBe(queued);
    const moved = await server.post(
      `/meetings/${meetingId}/edit`,
      meetingForm({
        intent: "update",
        time: "12:30",
        memberId: [relativeId, navMemberId, friendId],
        leaderId: [await server.userId(DEMO.leader)],
        version: String(mid.version),
      }),
      cookie.leader,
    );
    expect(moved.status).toBe(302);
    const after = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(after.sequence).toBe(before.sequence + 1);
    const updates = (await mail()).slice(queued);
    expect(updates).toHaveLength(2);
    for (const update of updates) {
      const ics = parseIcs(update.calendar!);
      expect(ics.sequence).toBe(after.sequence);
      expect(String(ics.event.getFirstPropertyValue("dtstart"))).toMatch(/T12:30:00/);
    }
  });

  it("tells the second of two simultaneous editors what changed, and overwrites nothing", async () => {
    const current = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    const page = await (
      await server.fetch(`/meetings/${meetingId}/edit`, { cookie: cookie.leader2 })
    ).text();
    const startedFrom = /name="startedFrom" value="([^"]+)"/
      .exec(page)![1]!
      .replace(/&quot;/g, '"');
    const common = {
      intent: "update",
      memberId: [relativeId, navMemberId, friendId],
      leaderId: [await server.userId(DEMO.leader)],
      version: String(current.version),
      startedFrom,
    };
    const first = await server.post(
      `/meetings/${meetingId}/edit`,
      meetingForm({ ...common, place: "Rådhuset, rom 4", time: "12:30" }),
      cookie.leader,
    );
    expect(first.status).toBe(302);
    const second = await server.post(
      `/meetings/${meetingId}/edit`,
      meetingForm({ ...common, internalTitle: "Min versjon", time: "12:30" }),
      cookie.leader2,
    );
    expect(second.status).toBe(409);
    const text = await second.text();
    expect(text).toContain("Noen andre har endret møtet");
    expect(text).toContain("Endret av den andre: Sted");
    const saved = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(saved.place).toBe("Rådhuset, rom 4");
    expect(saved.internalTitle).not.toBe("Min versjon");
  });

  it("revokes a removed member's link and sends them a cancellation", async () => {
    const current = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    const knutToken = tokenIn(
      (await mail()).filter((m) => m.toAddress === "knut@example.test").at(-1)!.textBody,
    );
    expect((await server.fetch(`/i/${knutToken}`)).status).toBe(200);
    const queued = (await mail()).length;
    const response = await server.post(
      `/meetings/${meetingId}/edit`,
      meetingForm({
        intent: "update",
        time: "12:30",
        place: current.place!,
        memberId: [navMemberId, friendId],
        leaderId: [await server.userId(DEMO.leader)],
        version: String(current.version),
      }),
      cookie.leader,
    );
    expect(response.status).toBe(302);
    expect((await server.fetch(`/i/${knutToken}`)).status).toBe(404);
    const cancel = (await mail()).slice(queued).find((m) => m.toAddress === "knut@example.test")!;
    expect(cancel.calendarMethod).toBe("CANCEL");
    const ics = parseIcs(cancel.calendar!);
    expect(ics.method).toBe("CANCEL");
    expect(ics.sequence).toBeGreaterThan(current.sequence);
  });

  it("cancels for everyone with the same UID, a higher SEQUENCE and STATUS:CANCELLED", async () => {
    const current = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    const navToken = tokenIn(
      (await mail()).filter((m) => m.toAddress === DEMO.nav).at(-1)!.textBody,
    );
    const queued = (await mail()).length;
    expect(
      (await server.post(`/meetings/${meetingId}/edit`, { intent: "cancel" }, cookie.leader))
        .status,
    ).toBe(302);
    const cancels = (await mail()).slice(queued);
    expect(cancels.map((m) => m.toAddress)).toEqual([DEMO.nav]);
    const ics = parseIcs(cancels[0]!.calendar!);
    expect(ics.method).toBe("CANCEL");
    expect(ics.event.getFirstPropertyValue("uid")).toBe(current.icalUid);
    expect(ics.sequence).toBe(current.sequence + 1);
    expect(ics.event.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(await (await server.fetch(`/i/${navToken}`)).text()).toContain("Møtet er avlyst");
    expect((await server.post(`/i/${navToken}`, { response: "accepted" })).status).toBe(404);
    expect(
      (await server.post(`/meetings/${meetingId}/edit`, { intent: "cancel" }, cookie.leader))
        .status,
    ).toBe(400);
  });
});

describe("series", () => {
  it("creates every-N-weeks meetings, K times or until the plan's revision date", async () => {
    const leaderId = await server.userId(DEMO.leader);
    const counted = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({
        kind: "follow_up_meeting",
        date: "2027-01-05",
        leaderId: [leaderId],
        repeatEveryWeeks: "2",
        repeatCount: "3",
      }),
      cookie.leader,
    );
    expect(counted.status).toBe(302);
    const first = (
      await server.database.db
        .select()
        .from(meetings)
        .where(eq(meetings.id, /\/meetings\/([0-9a-f-]{36})/.exec(location(counted))![1]!))
    )[0]!;
    const inSeries = await server.database.db
      .select()
      .from(meetings)
      .where(eq(meetings.seriesId, first.seriesId!))
      .orderBy(asc(meetings.startsAt));
    expect(inSeries.map((m) => m.startsAt.toISOString())).toEqual([
      "2027-01-05T09:00:00.000Z",
      "2027-01-19T09:00:00.000Z",
      "2027-02-02T09:00:00.000Z",
    ]);
    expect(new Set(inSeries.map((m) => m.icalUid)).size).toBe(3);

    const untilRevision = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({
        kind: "follow_up_meeting",
        date: "2027-02-01",
        leaderId: [leaderId],
        repeatEveryWeeks: "1",
        repeatUntilRevision: "on",
      }),
      cookie.leader,
    );
    const firstUntil = (
      await server.database.db
        .select()
        .from(meetings)
        .where(eq(meetings.id, /\/meetings\/([0-9a-f-]{36})/.exec(location(untilRevision))![1]!))
    )[0]!;
    const untilSeries = await server.database.db
      .select()
      .from(meetings)
      .where(eq(meetings.seriesId, firstUntil.seriesId!));
    expect(untilSeries).toHaveLength(5); // 1, 8, 15, 22 February and 1 March 2027
  });
});

describe("bad meeting input", () => {
  const leader = async () => [await server.userId(DEMO.leader)];
  const cases: [string, Record<string, string | string[]>, RegExp][] = [
    ["an impossible date", { date: "2027-02-30" }, /gyldig dato/],
    ["more than two years ahead", { date: "2031-01-01" }, /to år/],
    ["a duration over 12 hours", { durationMinutes: "800" }, /høyst 12 timer/],
    ["a negative duration (end before start)", { durationMinutes: "-30" }, /minst 15/],
    ["a time skipped by summer time", { date: "2027-03-28", time: "02:30" }, /finnes ikke/],
    ["a 100 kB title", { internalTitle: "x".repeat(100_000) }, /for lang/],
    ["CRLF in the place", { place: "Rom 1\r\nBCC: x@y" }, /ikke er tillatt/],
    ["script in the title", { internalTitle: "<script>alert(1)</script>" }, /ikke er tillatt/],
    ["a duplicate member", { memberId: ["RELATIVE", "RELATIVE"] }, /to ganger/],
    [
      "an unknown member",
      { memberId: ["00000000-0000-4000-8000-000000000000"] },
      /finnes ikke i nettverket/,
    ],
    ["a javascript: video link", { videoLink: "javascript:alert(1)", place: "" }, /https/],
    ["no place and no video link", { place: "", videoLink: "" }, /sted, videolenke/],
  ];
  it.each(cases)("refuses %s with 400 and saves nothing", async (_name, overrides, text) => {
    const before = (await server.database.db.select().from(meetings)).length;
    const fields = Object.fromEntries(
      Object.entries(overrides).map(([k, v]) => [
        k,
        Array.isArray(v) ? v.map((x) => (x === "RELATIVE" ? relativeId : x)) : v,
      ]),
    );
    const response = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({ leaderId: await leader(), ...fields }),
      cookie.leader,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(text);
    expect((await server.database.db.select().from(meetings)).length).toBe(before);
  });

  it("shows a refused form again with what was typed (without JavaScript)", async () => {
    const response = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({
        leaderId: await leader(),
        durationMinutes: "2000",
        place: "Kafé Solsiden",
        internalTitle: "Oppfølging etter sommeren",
      }),
      cookie.leader,
    );
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('value="Kafé Solsiden"');
    expect(page).toContain('value="Oppfølging etter sommeren"');
    expect(page).toContain('value="2000"');
    expect(page).toContain('value="2027-01-14"');

    const person = await server.post(
      "/persons/new",
      { name: "Ola Nordmann", email: "ikke-en-epost" },
      cookie.leader,
    );
    expect(person.status).toBe(400);
    expect(await person.text()).toContain('value="Ola Nordmann"');
  });

  it("answers planning in a network the user does not manage with 404", async () => {
    const response = await server.post(
      `/meetings/new?networkId=${networkId}`,
      meetingForm({ leaderId: [await server.userId(DEMO.coordinator)] }),
      cookie.housing,
    );
    expect(response.status).toBe(403);
    const other = await server.createUser("fremmed.leder@fjordvik.test", ["leader"]);
    expect(other).toBeTruthy();
    const outsider = await server.cookieFor("fremmed.leder@fjordvik.test");
    expect(
      (await server.fetch(`/meetings/new?networkId=${networkId}`, { cookie: outsider })).status,
    ).toBe(404);
    expect((await server.fetch(`/meetings/${meetingId}`, { cookie: outsider })).status).toBe(404);
  });
});

describe("calendar subscription feeds", () => {
  const feedLink = async (who: string) => {
    const response = await server.post("/account", { intent: "create-feed" }, cookie[who]);
    expect(response.status).toBe(200);
    const link = /(http:\/\/[^<\s]+\/calendar\/[A-Za-z0-9_-]+\.ics)/.exec(
      await response.text(),
    )?.[1];
    expect(link).toBeTruthy();
    return new URL(link!).pathname;
  };

  it("publishes the user's meetings with neutral titles and no attendees", async () => {
    const path = await feedLink("leader");
    const response = await server.fetch(path);
    expect(response.status).toBe(200);
    const text = await response.text();
    const calendar = new ICAL.Component(ICAL.parse(text));
    // A subscription is no iTIP message: no METHOD, and so no method= in its type (issue 10).
    expect(calendar.getFirstPropertyValue("method")).toBeNull();
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const events = calendar.getAllSubcomponents("vevent");
    expect(events.length).toBeGreaterThanOrEqual(9);
    expect(text).not.toMatch(/ATTENDEE|ORGANIZER/);
    expect(text).not.toContain("Mari");
    expect(text).not.toContain("Nettverksmøte med");
    const uids = events.map((e) => e.getFirstPropertyValue("uid"));
    const own = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(uids).toContain(own.icalUid);
  });

  it("shows a partner only the meetings they are invited to, and outsiders none", async () => {
    const navFeed = await (await server.fetch(await feedLink("nav"))).text();
    const housingFeed = await (await server.fetch(await feedLink("housing"))).text();
    const own = (
      await server.database.db.select().from(meetings).where(eq(meetings.id, meetingId))
    )[0]!;
    expect(navFeed).toContain(own.icalUid);
    expect(housingFeed).not.toContain("BEGIN:VEVENT");
  });

  it("stops working when renewed or deleted", async () => {
    const first = await feedLink("leader2");
    const second = await feedLink("leader2");
    expect((await server.fetch(first)).status).toBe(404);
    expect((await server.fetch(second)).status).toBe(200);
    await server.post("/account", { intent: "revoke-feed" }, cookie.leader2);
    expect((await server.fetch(second)).status).toBe(404);
    expect((await server.fetch("/calendar/not-a-real-token-at-all-xxxxxxxx.ics")).status).toBe(404);
  });
});

describe("the meetings list", () => {
  it("filters by tab, network and kind, and pages", async () => {
    const upcoming = await (await server.fetch("/meetings", { cookie: cookie.leader })).text();
    expect(upcoming).toContain("Oppfølgingsmøte");
    const cancelled = await (
      await server.fetch("/meetings?tab=cancelled", { cookie: cookie.leader })
    ).text();
    expect(cancelled).toContain(`/meetings/${meetingId}`);
    expect(upcoming).not.toContain(`/meetings/${meetingId}"`);
    const byKind = await (
      await server.fetch("/meetings?kind=evaluation_meeting", { cookie: cookie.leader })
    ).text();
    expect(byKind).toContain("Ingen møter her");
    expect((await server.fetch("/meetings?page=2", { cookie: cookie.leader })).status).toBe(200);
    for (const bad of [
      "page=0",
      "page=abc",
      "network=x",
      "kind=party",
      "view=year",
      "date=2027-02-30",
    ]) {
      expect((await server.fetch(`/meetings?${bad}`, { cookie: cookie.leader })).status, bad).toBe(
        400,
      );
    }
  });

  it("shows a month and a week as calendar tables", async () => {
    const month = await (
      await server.fetch("/meetings?view=month&date=2027-01-14", { cookie: cookie.leader })
    ).text();
    expect(month).toContain("<caption");
    expect(month).toContain("januar 2027");
    expect(month).toMatch(/Oppfølgingsmøte|Nettverksmøte med|Nytt navn/);
    const week = await (
      await server.fetch("/meetings?view=week&date=2027-01-05", { cookie: cookie.leader })
    ).text();
    expect(week).toContain("<caption");
  });
});

describe("the outbox without SMTP", () => {
  it("shows admins each message as it would be sent, and nobody else", async () => {
    const [first] = await mail();
    const list = await (await server.fetch("/admin/outbox", { cookie: cookie.admin })).text();
    expect(list).toContain("Ingen e-postserver er satt opp");
    expect(list).toContain(`/admin/outbox/${first!.id}`);
    const detail = await (
      await server.fetch(`/admin/outbox/${first!.id}`, { cookie: cookie.admin })
    ).text();
    expect(detail).toContain("BEGIN:VCALENDAR");
    expect(detail).toContain("METHOD:REQUEST");
    expect(
      (await server.fetch(`/admin/outbox/${first!.id}`, { cookie: cookie.leader })).status,
    ).toBe(403);
    expect((await server.fetch("/admin/outbox/999999", { cookie: cookie.admin })).status).toBe(404);
    expect((await server.fetch("/admin/outbox/abc", { cookie: cookie.admin })).status).toBe(404);
  });
});

describe("a member leaving the network", () => {
  it("is uninvited from every coming meeting with a CANCEL, and their links stop working", async () => {
    const navLinks = (await mail())
      .filter((m) => m.toAddress === DEMO.nav && m.calendarMethod === "REQUEST")
      .map((m) => tokenIn(m.textBody));
    const queued = (await mail()).length;
    const response = await server.post(
      `/networks/${networkId}`,
      { intent: "remove-member", memberId: navMemberId },
      cookie.leader,
    );
    expect(response.status).toBe(200);
    const cancels = (await mail()).slice(queued);
    expect(cancels.length).toBe(8); // the two series (3 + 5); the cancelled meeting needs none
    for (const cancel of cancels) {
      expect(cancel.toAddress).toBe(DEMO.nav);
      const ics = parseIcs(cancel.calendar!);
      expect(ics.method).toBe("CANCEL");
      // Uninviting one attendee is not cancelling the meeting (RFC 5546 3.2.5).
      expect(ics.event.getFirstPropertyValue("status")).not.toBe("CANCELLED");
    }
    for (const token of navLinks) expect((await server.fetch(`/i/${token}`)).status).toBe(404);
  });
});

describe("every calendar the outbox holds", () => {
  it("follows the RFC 5546 rules of its METHOD, and the part's method is that METHOD", async () => {
    const calendars = (await mail()).filter((m) => m.calendar !== null);
    // Invitations, updates, uninvitations (edit and leaving the network) and a cancellation.
    expect(new Set(calendars.map((m) => m.calendarMethod))).toEqual(new Set(["REQUEST", "CANCEL"]));
    for (const message of calendars) {
      const contentType = `text/calendar; charset=utf-8; method=${message.calendarMethod}`;
      expect(itipViolations(message.calendar!, { contentType }), message.subject).toEqual([]);
    }
  });
});
