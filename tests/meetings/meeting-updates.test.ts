import ICAL from "ical.js";
import { and, asc, eq, isNull } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, meetingLeaders, meetings, outbox } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Issue 10, items 1–3 (ADR 011): every change to what an invitee's calendar shows reaches them
 * as an update with a higher SEQUENCE; a change of time resets answers (kept as the previous
 * answer) and asks again; each member gets the e-mail that fits them (invitation, update,
 * uninvitation) whatever else the same save changed. Read from the outbox, parsed with ical.js
 * and checked in the raw calendar text.
 */

let server: TestServer;
const cookie: Record<string, string> = {};
let networkId = "";
let personId = "";
const member: Record<"knut" | "nav" | "siri", string> = { knut: "", nav: "", siri: "" };
const KNUT = "knut@example.test";
const SIRI = "siri@example.test";
const PERSON = "Mari Fjelltun";
let leader = "";
let leader2 = "";

type Mail = typeof outbox.$inferSelect;
const db = () => server.database.db;
const location = (r: Response) => r.headers.get("location") ?? "";
const allMail = () => db().select().from(outbox).orderBy(asc(outbox.id));
const tokenIn = (body: string) => /\/i\/([A-Za-z0-9_-]+)/.exec(body)?.[1] ?? "";

/** The e-mails queued while `action` runs. */
async function mailFrom(action: () => Promise<unknown>): Promise<Mail[]> {
  const before = (await allMail()).length;
  await action();
  return (await allMail()).slice(before);
}
const to = (mail: Mail[], address: string) => mail.filter((m) => m.toAddress === address);

/** A message's calendar part: read by ical.js, and as raw text unfolded byte-wise (RFC 5545 3.1). */
function calendarOf(message: Mail) {
  const bytes = Buffer.from(message.calendar!, "utf8");
  const text = bytes.toString("utf8");
  expect(text.endsWith("\r\n")).toBe(true);
  expect(/[^\r]\n/.test(text)).toBe(false); // every line ends in CRLF
  const raw = Buffer.from(bytes.toString("latin1").replace(/\r\n[ \t]/g, ""), "latin1").toString(
    "utf8",
  );
  const calendar = new ICAL.Component(ICAL.parse(text));
  const event = calendar.getFirstSubcomponent("vevent")!;
  const attendee = event.getFirstProperty("attendee")!;
  const organizer = event.getFirstProperty("organizer")!;
  return {
    raw,
    method: calendar.getFirstPropertyValue("method"),
    sequence: Number(event.getFirstPropertyValue("sequence")),
    summary: String(event.getFirstPropertyValue("summary")),
    status: event.getFirstPropertyValue("status"),
    dtstart: String(event.getFirstPropertyValue("dtstart")),
    dtend: String(event.getFirstPropertyValue("dtend")),
    uid: event.getFirstPropertyValue("uid"),
    organizer: String(organizer.getFirstValue()).toLowerCase(),
    organizerName: organizer.getParameter("cn"),
    partstat: attendee.getParameter("partstat"),
    rsvp: attendee.getParameter("rsvp"),
  };
}

async function meetingRow(id: string) {
  return (await db().select().from(meetings).where(eq(meetings.id, id)))[0]!;
}

/** Plans a meeting through the form (Knut and Omar from NAV invited) and returns its id. */
async function plan(fields: Record<string, string | string[]> = {}): Promise<string> {
  const form = {
    intent: "create",
    kind: "network_meeting",
    date: "2027-04-14",
    time: "10:00",
    durationMinutes: "90",
    place: "Fjordvik bibliotek, møterom 2",
    videoLink: "",
    internalTitle: "Nettverksmøte med Mari",
    calendarTitle: "Møte – Broen",
    memberId: [member.knut, member.nav],
    leaderId: [leader],
    ...fields,
  };
  const response = await server.post(
    `/meetings/new?networkId=${networkId}`,
    entries(form),
    cookie.leader,
  );
  expect(response.status).toBe(302);
  return /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
}

function entries(form: Record<string, string | string[] | undefined>): [string, string][] {
  return Object.entries(form).flatMap(([k, v]) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]],
  );
}

/** Saves the meeting's edit form as it stands now, with `changes`, as the leader. */
async function save(
  meetingId: string,
  changes: Record<string, string | string[] | undefined> = {},
) {
  const m = await meetingRow(meetingId);
  const start = DateTime.fromJSDate(m.startsAt, { zone: "Europe/Oslo" });
  const leaders = await db()
    .select({ userId: meetingLeaders.userId })
    .from(meetingLeaders)
    .where(eq(meetingLeaders.meetingId, meetingId));
  const current = await db()
    .select({ memberId: invitations.memberId })
    .from(invitations)
    .where(and(eq(invitations.meetingId, meetingId), isNull(invitations.revokedAt)));
  const form = {
    intent: "update",
    version: String(m.version),
    kind: m.kind,
    date: start.toISODate()!,
    time: start.toFormat("HH:mm"),
    durationMinutes: String(m.durationMinutes),
    place: m.place ?? "",
    videoLink: m.videoLink ?? "",
    internalTitle: m.internalTitle,
    calendarTitle: m.calendarTitle,
    detailsInInvites: m.detailsInInvites ? "on" : undefined,
    memberId: current.map((c) => c.memberId),
    leaderId: leaders.map((l) => l.userId),
    ...changes,
  };
  const response = await server.post(`/meetings/${meetingId}/edit`, entries(form), cookie.leader);
  // Saved: back to the meeting page, which says so (meeting-edit.server.ts).
  expect(response.status, await response.clone().text()).toBe(302);
  expect(response.headers.get("location")).toBe(`/meetings/${meetingId}?changed=saved#changed`);
  return response;
}

/** The personal link of a member's latest e-mail about a meeting. */
async function linkOf(meetingId: string, address: string) {
  const mine = (await allMail()).filter(
    (m) => m.meetingId === meetingId && m.toAddress === address,
  );
  return tokenIn(mine.at(-1)!.textBody);
}

async function invitationOf(meetingId: string, memberId: string) {
  return (
    await db()
      .select()
      .from(invitations)
      .where(and(eq(invitations.meetingId, meetingId), eq(invitations.memberId, memberId)))
  )[0]!;
}

const leaderPage = async (meetingId: string, lang?: string) =>
  (
    await server.fetch(`/meetings/${meetingId}`, {
      cookie: lang ? `${cookie.leader}; ${lang}` : cookie.leader,
    })
  ).text();

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leader = await server.userId(DEMO.leader);
  leader2 = await server.userId(DEMO.leader2);
  const person = await server.post("/persons/new", { name: PERSON }, cookie.leader);
  personId = location(person).split("/").pop()!;
  const network = await server.post(
    location(person),
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", leader],
      ["leaderId", leader2],
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
    email: KNUT,
    wantsInvited: "yes",
  });
  await add({
    userId: await server.userId(DEMO.nav),
    relation: "nav",
    circle: "services",
    wantsInvited: "yes",
  });
  await add({
    name: "Siri Fjelltun",
    relation: "relative",
    circle: "family_friends",
    email: SIRI,
    wantsInvited: "no",
  });
  const page = await (
    await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader })
  ).text();
  const ids = [...page.matchAll(/id="member-([0-9a-f-]{36})"/g)].map((m) => m[1]!);
  const names = [...page.matchAll(/id="member-name-[0-9a-f-]{36}">([^<]+)/g)].map((m) => m[1]!);
  member.knut = ids[names.indexOf("Knut Fjelltun")]!;
  member.nav = ids[names.findIndex((n) => n.startsWith("Omar"))]!;
  member.siri = ids[names.indexOf("Siri Fjelltun")]!;
});
afterAll(() => server.close());

describe("what an invitee's calendar shows (10.1)", () => {
  it("a new calendar title alone reaches every invitee as an update with a higher SEQUENCE", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    const sent = await mailFrom(() => save(id, { calendarTitle: "Samtale – Broen" }));
    expect(sent.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of sent) {
      expect(message.calendarMethod).toBe("REQUEST");
      expect(message.subject).toBe("Endret / Changed: Samtale – Broen");
      expect(message.textBody).toContain("er endret");
      const ics = calendarOf(message);
      expect(ics.method).toBe("REQUEST");
      expect(ics.uid).toBe(before.icalUid);
      expect(ics.sequence).toBe(before.sequence + 1);
      expect(ics.summary).toBe("Samtale – Broen");
      expect(ics.raw).toContain(`\r\nSEQUENCE:${before.sequence + 1}\r\n`);
      expect(ics.raw).toContain("\r\nSUMMARY:Samtale – Broen\r\n");
    }
    expect((await meetingRow(id)).sequence).toBe(before.sequence + 1);
  });

  it("switching details on and off again: each an update, and off replaces the detailed title everywhere", async () => {
    const id = await plan();
    const start = await meetingRow(id);
    const on = await mailFrom(() => save(id, { detailsInInvites: "on" }));
    expect(on.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of on) {
      const ics = calendarOf(message);
      expect(ics.sequence).toBe(start.sequence + 1);
      // What the choice promises: the Broen title, the person's name and the kind of meeting.
      expect(ics.summary).toBe(`Nettverksmøte med Mari (${PERSON}, Nettverksmøte)`);
    }
    const knutLink = await linkOf(id, KNUT);
    const off = await mailFrom(() => save(id, { detailsInInvites: undefined }));
    expect(off.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of off) {
      const ics = calendarOf(message);
      expect(ics.method).toBe("REQUEST");
      expect(ics.sequence).toBe(start.sequence + 2);
      expect(ics.summary).toBe("Møte – Broen");
      for (const text of [message.subject, message.textBody, message.htmlBody, ics.raw]) {
        expect(text).not.toContain(PERSON); // (Knut Fjelltun, the attendee, shares the surname)
        expect(text).not.toMatch(/Mari|nettverksmøte/i);
      }
    }
    // The invitation page and its calendar file say the same.
    const page = await (await server.fetch(`/i/${knutLink}`)).text();
    expect(page).not.toContain(PERSON);
    const file = await (await server.fetch(`/i/${knutLink}/calendar.ics`)).text();
    expect(file).not.toMatch(/Mari|nettverksmøte/i);
    expect(file).toContain(`SEQUENCE:${start.sequence + 2}\r\n`);
    // An unrelated later change goes out with the neutral title.
    const later = await mailFrom(() => save(id, { durationMinutes: "60" }));
    expect(later).toHaveLength(2);
    for (const message of later) {
      const ics = calendarOf(message);
      expect(ics.summary).toBe("Møte – Broen");
      expect(ics.sequence).toBe(start.sequence + 3);
      expect(ics.raw).not.toMatch(/Mari|nettverksmøte/i);
    }
  });

  it.each([
    ["the Broen title", { internalTitle: "Oppfølging etter sommeren" }],
    ["the meeting kind", { kind: "follow_up_meeting" }],
  ])(
    "with details shown, a change of %s is an update; with details hidden it sends nothing",
    async (_name, change) => {
      const shown = await plan({ detailsInInvites: "on" });
      const before = await meetingRow(shown);
      const sent = await mailFrom(() => save(shown, change));
      expect(sent).toHaveLength(2);
      for (const message of sent) {
        const ics = calendarOf(message);
        expect(ics.sequence).toBe(before.sequence + 1);
        expect(ics.summary).toContain(PERSON);
        expect(ics.summary).toMatch(/Oppfølging/);
      }
      const hidden = await plan();
      const hiddenBefore = await meetingRow(hidden);
      expect(await mailFrom(() => save(hidden, change))).toEqual([]);
      expect((await meetingRow(hidden)).sequence).toBe(hiddenBefore.sequence);
    },
  );

  it.each([
    [
      "place",
      { place: "Rådhuset, rom 4" },
      (ics: ReturnType<typeof calendarOf>) =>
        expect(ics.raw).toContain("LOCATION:Rådhuset\\, rom 4"),
    ],
    [
      "video link",
      { videoLink: "https://video.example.test/rom-7" },
      (ics: ReturnType<typeof calendarOf>) =>
        expect(ics.raw).toContain("https://video.example.test/rom-7"),
    ],
    [
      "duration",
      { durationMinutes: "45" },
      (ics: ReturnType<typeof calendarOf>) => expect(ics.dtend).toMatch(/T10:45:00/),
    ],
    [
      "date",
      { date: "2027-04-21" },
      (ics: ReturnType<typeof calendarOf>) => expect(ics.dtstart).toMatch(/^2027-04-21T10:00:00/),
    ],
  ])(
    "a new %s is an update with a higher SEQUENCE for every invitee",
    async (_name, change, check) => {
      const id = await plan();
      const before = await meetingRow(id);
      const sent = await mailFrom(() => save(id, change));
      expect(sent.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
      for (const message of sent) {
        const ics = calendarOf(message);
        expect(ics.sequence).toBe(before.sequence + 1);
        check(ics);
      }
    },
  );

  it("a change of leaders is an update: a new organizer, or another leader beside the same one", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    const organizer = await mailFrom(() => save(id, { leaderId: [leader2] }));
    expect(organizer).toHaveLength(2);
    for (const message of organizer) {
      const ics = calendarOf(message);
      expect(ics.sequence).toBe(before.sequence + 1);
      expect(ics.organizer).toBe(`mailto:${DEMO.leader2}`);
      expect(ics.organizerName).toBe("Sofie Lundheim");
    }
    const another = await mailFrom(() => save(id, { leaderId: [leader2, leader] }));
    expect(another).toHaveLength(2);
    for (const message of another) {
      const ics = calendarOf(message);
      expect(ics.sequence).toBe(before.sequence + 2);
      // The first leader by name organizes; the invitation page lists both.
      expect(ics.organizer).toBe(`mailto:${DEMO.leader}`);
    }
    const page = await (await server.fetch(`/i/${await linkOf(id, KNUT)}`)).text();
    expect(page).toContain("Lars Bakkevik");
    expect(page).toContain("Sofie Lundheim");
  });

  it("a change calendars do not show (the Broen title while details are hidden) sends nothing and keeps SEQUENCE", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    expect(await mailFrom(() => save(id, { internalTitle: "Internt arbeidsnavn" }))).toEqual([]);
    expect((await meetingRow(id)).sequence).toBe(before.sequence);
  });

  it("renaming the person updates the coming meetings that show the name, and no others", async () => {
    const shown = await plan({ detailsInInvites: "on", date: "2027-05-03" });
    const hidden = await plan({ date: "2027-05-04" });
    const past = await plan({ detailsInInvites: "on", date: "2027-05-05" });
    // A meeting that has ended is history: its calendars are left alone.
    await db()
      .update(meetings)
      .set({ startsAt: new Date("2025-01-10T09:00:00Z") })
      .where(eq(meetings.id, past));
    const seq = {
      shown: (await meetingRow(shown)).sequence,
      hidden: (await meetingRow(hidden)).sequence,
      past: (await meetingRow(past)).sequence,
    };
    const sent = await mailFrom(async () => {
      const response = await server.post(
        `/persons/${personId}`,
        { intent: "update", name: "Mari Fjelltun Berg" },
        cookie.leader,
      );
      expect(response.status).toBe(200);
    });
    // Other meetings of this person planned by earlier tests show details too; count ours.
    const forShown = sent.filter((m) => m.meetingId === shown);
    expect(forShown.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of forShown) {
      const ics = calendarOf(message);
      expect(ics.sequence).toBe(seq.shown + 1);
      expect(ics.summary).toContain("Mari Fjelltun Berg");
    }
    expect(sent.filter((m) => m.meetingId === hidden || m.meetingId === past)).toEqual([]);
    expect((await meetingRow(hidden)).sequence).toBe(seq.hidden);
    expect((await meetingRow(past)).sequence).toBe(seq.past);
    const [logged] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "person.update"), eq(auditLog.subjectId, personId)));
    expect((logged!.details as { meetingsUpdated: string[] }).meetingsUpdated).toContain(shown);
    // Put the name back for the other tests (the rename is itself announced again).
    await server.post(`/persons/${personId}`, { intent: "update", name: PERSON }, cookie.leader);
  });
});

describe("answers after a change of time (10.2)", () => {
  it("resets accepted and tentative answers, asks again with RSVP=TRUE, and keeps the old answer", async () => {
    const id = await plan();
    const knutLink = await linkOf(id, KNUT);
    expect((await server.post(`/i/${knutLink}`, { response: "accepted" })).status).toBe(200);
    expect(
      (
        await server.post(
          `/meetings/${id}`,
          { intent: "respond", response: "tentative" },
          cookie.nav,
        )
      ).status,
    ).toBe(200);
    expect(await leaderPage(id)).toMatch(/Knut Fjelltun<\/td><td[^>]*>Kommer/);
    const before = await meetingRow(id);

    const sent = await mailFrom(() => save(id, { date: "2027-04-21" }));
    expect(sent.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of sent) {
      const ics = calendarOf(message);
      expect(ics.method).toBe("REQUEST");
      expect(ics.sequence).toBe(before.sequence + 1);
      expect(ics.dtstart).toMatch(/^2027-04-21T10:00:00/);
      expect(ics.partstat).toBe("NEEDS-ACTION");
      expect(String(ics.rsvp).toUpperCase()).toBe("TRUE");
      expect(ics.raw).toMatch(/\r\nATTENDEE;[^\r\n]*PARTSTAT=NEEDS-ACTION[^\r\n]*\r\n/);
      expect(ics.raw).toMatch(/\r\nATTENDEE;[^\r\n]*RSVP=TRUE[^\r\n]*\r\n/);
      expect(ics.raw).not.toMatch(/ACCEPTED|TENTATIVE/);
      expect(message.textBody).toContain("svar på nytt");
      expect(message.textBody).toContain("please reply again");
    }

    const knut = await invitationOf(id, member.knut);
    expect(knut.response).toBe("needs_action");
    expect(knut.respondedAt).toBeNull();
    expect(knut.previousResponse).toBe("accepted");
    expect(knut.previousRespondedAt).not.toBeNull();
    expect(knut.previousStartsAt!.toISOString()).toBe(before.startsAt.toISOString());
    expect(knut.previousDurationMinutes).toBe(before.durationMinutes);
    expect((await invitationOf(id, member.nav)).previousResponse).toBe("tentative");

    // The history: the change's audit entry names each answer it reset.
    const [entry] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "meeting.update"), eq(auditLog.subjectId, id)));
    const reset = (entry!.details as { answersReset: { invitationId: string; response: string }[] })
      .answersReset;
    expect(reset.map((r) => r.response).sort()).toEqual(["accepted", "tentative"]);
    expect(reset.map((r) => r.invitationId)).toContain(knut.id);

    // The leader sees that the answers were for the old time.
    const page = await leaderPage(id);
    expect(page).not.toMatch(/Knut Fjelltun<\/td><td[^>]*>Kommer/);
    expect(page).toMatch(/Knut Fjelltun<\/td><td[^>]*>Ikke svart/);
    expect(page).toContain("Svar som ble gitt før endringen, gjaldt det gamle tidspunktet");
    expect(page).toContain("Svarte «Kommer» for det gamle tidspunktet");
    expect(page).toContain("Svarte «Kanskje» for det gamle tidspunktet");
    const english = await server.post("/language", { locale: "en", redirectTo: "/" });
    const lang = english.headers.get("set-cookie")!.split(";")[0]!;
    const inEnglish = await leaderPage(id, lang);
    expect(inEnglish).toContain("Replies given before the change were for the old time");
    expect(inEnglish).toContain("Replied “Attending” for the old time");

    // The member's own pages and calendar file.
    const own = await (await server.fetch(`/i/${knutLink}`)).text();
    expect(own).toContain("Du svarte «Kommer» for det gamle tidspunktet");
    const file = await (await server.fetch(`/i/${knutLink}/calendar.ics`)).text();
    const parsed = new ICAL.Component(ICAL.parse(file)).getFirstSubcomponent("vevent")!;
    expect(parsed.getFirstProperty("attendee")!.getParameter("partstat")).toBe("NEEDS-ACTION");
    expect(file.replace(/\r\n[ \t]/g, "")).toMatch(/PARTSTAT=NEEDS-ACTION[^\r\n]*RSVP=TRUE/);
    const navPage = await (await server.fetch(`/meetings/${id}`, { cookie: cookie.nav })).text();
    expect(navPage).toContain("Du svarte «Kanskje» for det gamle tidspunktet");
  });

  it("refuses an answer given for the old time, from the link page and the meeting page", async () => {
    const id = await plan();
    const knutLink = await linkOf(id, KNUT);
    const oldPage = await (await server.fetch(`/i/${knutLink}`)).text();
    const oldSlot = /name="answerFor" value="([^"]+)"/.exec(oldPage)![1]!;
    const navOld = await (await server.fetch(`/meetings/${id}`, { cookie: cookie.nav })).text();
    const navSlot = /name="answerFor" value="([^"]+)"/.exec(navOld)![1]!;
    await save(id, { time: "14:00" });
    const late = await server.post(`/i/${knutLink}`, { response: "accepted", answerFor: oldSlot });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("Tidspunktet for møtet ble endret");
    const lateNav = await server.post(
      `/meetings/${id}`,
      { intent: "respond", response: "declined", answerFor: navSlot },
      cookie.nav,
    );
    expect(lateNav.status).toBe(409);
    expect((await invitationOf(id, member.knut)).response).toBe("needs_action");
    expect((await invitationOf(id, member.nav)).response).toBe("needs_action");
    // From the page as it is now, the answer is taken.
    const newSlot = /name="answerFor" value="([^"]+)"/.exec(
      await (await server.fetch(`/i/${knutLink}`)).text(),
    )![1]!;
    expect(newSlot).not.toBe(oldSlot);
    expect(
      (await server.post(`/i/${knutLink}`, { response: "accepted", answerFor: newSlot })).status,
    ).toBe(200);
    expect((await invitationOf(id, member.knut)).response).toBe("accepted");
  });

  it("keeps the answer actually given through a second move, and shows it no more once answered again", async () => {
    const id = await plan();
    const knutLink = await linkOf(id, KNUT);
    await server.post(`/i/${knutLink}`, { response: "declined" });
    const first = await meetingRow(id);
    await save(id, { time: "12:00" });
    await save(id, { time: "13:00" });
    const waiting = await invitationOf(id, member.knut);
    expect(waiting.previousResponse).toBe("declined");
    expect(waiting.previousStartsAt!.toISOString()).toBe(first.startsAt.toISOString());

    expect((await server.post(`/i/${knutLink}`, { response: "accepted" })).status).toBe(200);
    const answered = await invitationOf(id, member.knut);
    expect(answered.response).toBe("accepted");
    expect(answered.previousResponse).toBeNull();
    expect(answered.previousStartsAt).toBeNull();
    const page = await leaderPage(id);
    expect(page).toMatch(/Knut Fjelltun<\/td><td[^>]*>Kommer/);
    expect(page).not.toContain("gjaldt det gamle tidspunktet");
    // Every answer stays in the audit log.
    const answers = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "invitation.respond"), eq(auditLog.subjectId, answered.id)))
      .orderBy(asc(auditLog.id));
    expect(answers.map((a) => (a.details as { response: string }).response)).toEqual([
      "declined",
      "accepted",
    ]);
    expect((answers[0]!.details as { forStartsAt: string }).forStartsAt).toBe(
      first.startsAt.toISOString(),
    );
  });

  it("a new duration resets answers too; a new place does not", async () => {
    const id = await plan();
    const knutLink = await linkOf(id, KNUT);
    await server.post(`/i/${knutLink}`, { response: "accepted" });
    const moved = await mailFrom(() => save(id, { place: "Rådhuset, rom 4" }));
    expect(calendarOf(to(moved, KNUT)[0]!).partstat).toBe("ACCEPTED");
    expect(to(moved, KNUT)[0]!.textBody).not.toContain("svar på nytt");
    expect((await invitationOf(id, member.knut)).response).toBe("accepted");
    const longer = await mailFrom(() => save(id, { durationMinutes: "120" }));
    expect(calendarOf(to(longer, KNUT)[0]!).partstat).toBe("NEEDS-ACTION");
    expect((await invitationOf(id, member.knut)).previousResponse).toBe("accepted");
  });
});

describe("which e-mail each member gets from one save (10.3)", () => {
  it("a member added in the save that moves the time gets an invitation; the others an update", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    const sent = await mailFrom(() =>
      save(id, { time: "15:00", memberId: [member.knut, member.nav, member.siri] }),
    );
    const [siri] = to(sent, SIRI);
    expect(to(sent, SIRI)).toHaveLength(1);
    expect(siri!.subject).toBe("Møte – Broen");
    expect(siri!.textBody).toMatch(/^Du er invitert til et møte\./);
    expect(siri!.textBody).toContain("You are invited to a meeting.");
    expect(siri!.textBody).not.toMatch(/endret|changed|svar på nytt/i);
    const ics = calendarOf(siri!);
    expect(ics.method).toBe("REQUEST");
    expect(ics.dtstart).toMatch(/T15:00:00/);
    expect(ics.sequence).toBe(before.sequence + 1);
    expect(ics.partstat).toBe("NEEDS-ACTION");
    for (const other of [...to(sent, KNUT), ...to(sent, DEMO.nav)]) {
      expect(other.textBody).toMatch(/^Et møte du er invitert til, er endret\./);
      expect(other.subject).toBe("Endret / Changed: Møte – Broen");
    }
    expect(sent).toHaveLength(3);
  });

  it("a member added when nothing else changes gets an invitation, the others nothing, SEQUENCE stays", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    const sent = await mailFrom(() =>
      save(id, { memberId: [member.knut, member.nav, member.siri] }),
    );
    expect(sent.map((m) => m.toAddress)).toEqual([SIRI]);
    expect(sent[0]!.textBody).toMatch(/^Du er invitert til et møte\./);
    expect(calendarOf(sent[0]!).sequence).toBe(before.sequence);
  });

  it("a member removed in the save that moves the time gets an uninvitation, not an update", async () => {
    const id = await plan();
    const before = await meetingRow(id);
    const sent = await mailFrom(() => save(id, { time: "08:30", memberId: [member.nav] }));
    const knut = to(sent, KNUT);
    expect(knut).toHaveLength(1);
    expect(knut[0]!.calendarMethod).toBe("CANCEL");
    expect(knut[0]!.subject).toBe("Ikke lenger invitert / No longer invited: Møte – Broen");
    expect(knut[0]!.textBody).toMatch(/^Du er ikke lenger invitert til dette møtet\./);
    expect(knut[0]!.textBody).not.toMatch(/avlyst|endret|\/i\//);
    const ics = calendarOf(knut[0]!);
    expect(ics.method).toBe("CANCEL");
    expect(ics.status).not.toBe("CANCELLED"); // the meeting goes on (RFC 5546 3.2.5)
    expect(ics.raw).not.toContain("STATUS:CANCELLED");
    expect(ics.sequence).toBe(before.sequence + 1);
    expect(to(sent, DEMO.nav)[0]!.textBody).toMatch(/^Et møte du er invitert til, er endret\./);
  });

  it("a member invited again gets an invitation that outranks the uninvitation they hold", async () => {
    const id = await plan();
    const removed = await mailFrom(() => save(id, { memberId: [member.nav] }));
    const cancelSequence = calendarOf(to(removed, KNUT)[0]!).sequence;
    const sent = await mailFrom(() =>
      save(id, { place: "Rådhuset, rom 4", memberId: [member.nav, member.knut] }),
    );
    const knut = to(sent, KNUT);
    expect(knut).toHaveLength(1);
    expect(knut[0]!.textBody).toMatch(/^Du er invitert til et møte\./);
    const ics = calendarOf(knut[0]!);
    expect(ics.method).toBe("REQUEST");
    expect(ics.sequence).toBeGreaterThan(cancelSequence);
    expect(ics.partstat).toBe("NEEDS-ACTION");
    // Invited again with nothing else changed: still above the CANCEL.
    const again = await plan();
    const out = await mailFrom(() => save(again, { memberId: [member.nav] }));
    const held = calendarOf(to(out, KNUT)[0]!).sequence;
    const back = await mailFrom(() => save(again, { memberId: [member.nav, member.knut] }));
    expect(back.map((m) => m.toAddress)).toEqual([KNUT]);
    expect(calendarOf(back[0]!).sequence).toBeGreaterThan(held);
  });

  it("a member leaving the network gets an uninvitation for each coming meeting", async () => {
    const id = await plan({ memberId: [member.knut, member.nav, member.siri] });
    const before = await meetingRow(id);
    const sent = await mailFrom(() =>
      server.post(
        `/networks/${networkId}`,
        { intent: "remove-member", memberId: member.siri },
        cookie.leader,
      ),
    );
    const mine = sent.filter((m) => m.meetingId === id);
    expect(mine.map((m) => m.toAddress)).toEqual([SIRI]);
    expect(mine[0]!.subject).toBe("Ikke lenger invitert / No longer invited: Møte – Broen");
    expect(mine[0]!.textBody).toMatch(/^Du er ikke lenger invitert til dette møtet\./);
    const ics = calendarOf(mine[0]!);
    expect(ics.method).toBe("CANCEL");
    expect(ics.sequence).toBe(before.sequence + 1);
    expect((await meetingRow(id)).sequence).toBe(before.sequence + 1);
  });

  it("cancelling the meeting is a cancellation for everyone still invited", async () => {
    const id = await plan();
    const sent = await mailFrom(() =>
      server.post(`/meetings/${id}/edit`, { intent: "cancel" }, cookie.leader),
    );
    expect(sent.map((m) => m.toAddress).sort()).toEqual([KNUT, DEMO.nav].sort());
    for (const message of sent) {
      expect(message.subject).toBe("Avlyst / Cancelled: Møte – Broen");
      expect(calendarOf(message).status).toBe("CANCELLED");
    }
  });
});
