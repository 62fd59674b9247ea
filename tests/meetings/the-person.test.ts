import { and, asc, desc, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XmlElement, XmlText } from "yjs";
import { auditLog, invitations, networkMembers, outbox } from "../../db/schema";
import { agendaFromState } from "../../app/features/documents/agenda.server";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { accessUserById } from "../../app/features/accounts/session.server";
import { updatePerson } from "../../app/features/people/people.server";
import { localeCookie } from "../../app/i18n/locale.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, rawUpgrade, until } from "../support/realtime";

/*
 * Issue 11: the person at the centre takes part in their own meetings (ADR 013). They are a
 * member of each of their networks, invited by default, first in the answers; through their
 * own link they read and write the agenda without consent, and what they do is logged as them.
 */

let server: TestServer;
const cookie: Record<string, string> = {};
let personId = "";
let networkId = "";
let personMemberId = "";
let relativeId = "";
let navMemberId = "";
const MARKER = "Lederens punkt";

const db = () => server.database.db;
const location = (r: Response) => r.headers.get("location") ?? "";

function meetingForm(memberIds: string[], date: string): [string, string][] {
  return [
    ["intent", "create"],
    ["kind", "network_meeting"],
    ["date", date],
    ["time", "10:00"],
    ["durationMinutes", "60"],
    ["place", "Fjordvik bibliotek"],
    ["internalTitle", "Møte om Mari"],
    ["calendarTitle", "Møte – Broen"],
    ...memberIds.map((id): [string, string] => ["memberId", id]),
  ];
}

async function createMeeting(memberIds: string[], date: string): Promise<string> {
  const response = await server.post(
    `/meetings/new?networkId=${networkId}`,
    [...meetingForm(memberIds, date), ["leaderId", await server.userId(DEMO.leader)]],
    cookie.leader,
  );
  expect(response.status).toBe(302);
  return /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
}

async function invitationOf(meetingId: string, memberId: string) {
  const [row] = await db()
    .select()
    .from(invitations)
    .where(and(eq(invitations.meetingId, meetingId), eq(invitations.memberId, memberId)));
  return row ?? null;
}

beforeAll(async () => {
  server = await startTestServer();
  cookie.leader = await server.cookieFor(DEMO.leader);
  cookie.nav = await server.cookieFor(DEMO.nav);
  const person = await server.post(
    "/persons/new",
    { name: "Mari Fjelltun", email: "mari@example.test" },
    cookie.leader,
  );
  personId = location(person).split("/").pop()!;
  const network = await server.post(
    location(person),
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", await server.userId(DEMO.leader)],
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
  const members = await db()
    .select()
    .from(networkMembers)
    .where(eq(networkMembers.networkId, networkId));
  personMemberId = members.find((m) => m.isPerson)!.id;
  relativeId = members.find((m) => m.name === "Knut Fjelltun")!.id;
  navMemberId = members.find((m) => m.relation === "nav")!.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("the person as a member of their own network", () => {
  it("is made with the network, with the person's name and e-mail, once", async () => {
    const rows = await db()
      .select()
      .from(networkMembers)
      .where(and(eq(networkMembers.networkId, networkId), eq(networkMembers.isPerson, true)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: "Mari Fjelltun", email: "mari@example.test" });
    // The seeded demo network has its person too (every network has exactly one).
    const all = await db().select().from(networkMembers).where(eq(networkMembers.isPerson, true));
    expect(new Set(all.map((m) => m.networkId)).size).toBe(all.length);
  });

  it("is not on the network map and cannot be edited, removed or given consent as a member", async () => {
    const page = await (
      await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader })
    ).text();
    expect(page).toContain(`member-${relativeId}`);
    expect(page).not.toContain(`member-${personMemberId}`);
    const attempts: Record<string, string>[] = [
      { intent: "remove-member", memberId: personMemberId },
      {
        intent: "update-member",
        memberId: personMemberId,
        name: "Noen andre",
        relation: "friend",
        circle: "family_friends",
      },
      {
        intent: "record-consent",
        memberId: personMemberId,
        content: "agenda",
        givenOn: "2026-11-01",
        method: "verbal_in_meeting",
      },
    ];
    for (const fields of attempts) {
      const response = await server.post(`/networks/${networkId}`, fields, cookie.leader);
      expect(response.status, fields.intent).toBe(404);
    }
    const [row] = await db()
      .select()
      .from(networkMembers)
      .where(eq(networkMembers.id, personMemberId));
    expect(row).toMatchObject({ name: "Mari Fjelltun", removedAt: null });
  });

  it("follows the person's own details when they change", async () => {
    const leader = (await accessUserById(await server.userId(DEMO.leader)))!;
    await updatePerson(leader, { clientIp: "127.0.0.1" }, personId, {
      name: "Mari Fjelltun",
      preferredName: null,
      phone: "+47 400 00 222",
      email: "mari.ny@example.test",
      preferredChannel: null,
      language: null,
      unitId: null,
    });
    const [row] = await db()
      .select()
      .from(networkMembers)
      .where(eq(networkMembers.id, personMemberId));
    expect(row).toMatchObject({ phone: "+47 400 00 222", email: "mari.ny@example.test" });
  });
});

describe("planning a meeting", () => {
  it("offers 'Inviter Mari' first and ticked (bokmål) / 'Invite Mari' (English)", async () => {
    const html = await (
      await server.fetch(`/meetings/new?networkId=${networkId}`, { cookie: cookie.leader })
    ).text();
    expect(html).toContain("Inviter Mari");
    const boxes = [...html.matchAll(/<input([^>]*name="memberId"[^>]*)>/g)].map((m) => ({
      value: /value="([^"]+)"/.exec(m[1]!)?.[1],
      checked: /checked/.test(m[1]!),
      id: /id="([^"]+)"/.exec(m[1]!)?.[1],
    }));
    expect(boxes).toHaveLength(3);
    expect(boxes[0]).toMatchObject({ value: personMemberId, checked: true });
    // The label belongs to the person's own box.
    expect(html).toMatch(new RegExp(`<label[^>]*for="${boxes[0]!.id}"[^>]*>Inviter Mari</label>`));
    const english = await (
      await server.fetch(`/meetings/new?networkId=${networkId}`, {
        cookie: `${cookie.leader}; ${(await localeCookie.serialize("en")).split(";")[0]}`,
      })
    ).text();
    expect(english).toContain("Invite Mari");
  });

  it("invites the person like a member without an account: a link and an e-mail to them", async () => {
    const meetingId = await createMeeting([personMemberId, relativeId, navMemberId], "2027-02-01");
    expect(await invitationOf(meetingId, personMemberId)).toMatchObject({ revokedAt: null });
    const sent = await db().select().from(outbox).orderBy(asc(outbox.id));
    const toPerson = sent.filter((m) => m.toAddress === "mari.ny@example.test");
    expect(toPerson).toHaveLength(1);
    expect(toPerson[0]!.textBody).toMatch(/\/i\/[A-Za-z0-9_-]{20,}/);
  });

  it("shows the person first in the answers, labelled as the person", async () => {
    const meetingId = await createMeeting([relativeId, navMemberId, personMemberId], "2027-02-02");
    const html = await (
      await server.fetch(`/meetings/${meetingId}`, { cookie: cookie.leader })
    ).text();
    const answers = html.slice(html.indexOf('id="answers-title"'));
    const rows = [...answers.matchAll(/<tr><td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
      m[1]!.replace(/<!-- -->/g, ""),
    );
    expect(rows[0]).toBe("Mari Fjelltun (hovedperson)");
    expect(rows.slice(1)).toEqual(expect.arrayContaining(["Knut Fjelltun"]));
    expect(rows).toHaveLength(3);
  });

  it("leaves the person out when the leader unticks them, and invites them when ticked again", async () => {
    const meetingId = await createMeeting([relativeId], "2027-02-03");
    expect(await invitationOf(meetingId, personMemberId)).toBeNull();
    const page = await (
      await server.fetch(`/meetings/${meetingId}/edit`, { cookie: cookie.leader })
    ).text();
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    const response = await server.post(
      `/meetings/${meetingId}/edit`,
      [
        ...meetingForm([relativeId, personMemberId], "2027-02-03").map(
          ([k, v]): [string, string] => (k === "intent" ? [k, "update"] : [k, v]),
        ),
        ["leaderId", await server.userId(DEMO.leader)],
        ["version", version],
      ],
      cookie.leader,
    );
    expect(response.status).toBe(302);
    expect(await invitationOf(meetingId, personMemberId)).toMatchObject({ revokedAt: null });
  });
});

describe("the person's own link", () => {
  let meetingId = "";
  let personToken = "";
  let relativeToken = "";

  beforeAll(async () => {
    meetingId = await createMeeting([personMemberId, relativeId, navMemberId], "2027-03-01");
    personToken = invitationToken((await invitationOf(meetingId, personMemberId))!.id, 1);
    relativeToken = invitationToken((await invitationOf(meetingId, relativeId))!.id, 1);
    // The leader writes the agenda; nobody has consent for it.
    const leader = connectClient(server.url, `agenda:${meetingId}`, { cookie: cookie.leader });
    try {
      await leader.synced();
      const paragraph = new XmlElement("paragraph");
      paragraph.insert(0, [new XmlText(MARKER)]);
      leader.doc.getXmlFragment("default").insert(0, [paragraph]);
      await until(async () => {
        const state = await server.realtime.readState(`agenda:${meetingId}`);
        return agendaFromState(state).length > 0 || undefined;
      }, "the server to hold the agenda");
    } finally {
      leader.destroy();
    }
  });

  it("shows the person the agenda without any consent; the relative, without consent, not", async () => {
    expect(await (await server.fetch(`/i/${personToken}`)).text()).toContain(MARKER);
    expect(await (await server.fetch(`/i/${relativeToken}`)).text()).not.toContain(MARKER);
  });

  it("gives the person an edit ticket, and what they write reaches the agenda", async () => {
    const response = await server.fetch(`/i/${personToken}/ticket`);
    expect(response.status).toBe(200);
    const ticket = (await response.json()) as { ticket: string; permission: string };
    expect(ticket.permission).toBe("edit");
    const person = connectClient(server.url, `agenda:${meetingId}`, { ticket: ticket.ticket });
    try {
      await person.synced();
      const paragraph = new XmlElement("paragraph");
      paragraph.insert(0, [new XmlText("Det jeg vil snakke om")]);
      person.doc.getXmlFragment("default").push([paragraph]);
      await until(async () => {
        const state = await server.realtime.readState(`agenda:${meetingId}`);
        return (
          JSON.stringify(agendaFromState(state)).includes("Det jeg vil snakke om") || undefined
        );
      }, "the person's words to reach the server's agenda");
      expect(person.permissionDenied).toEqual([]);
    } finally {
      person.destroy();
    }
  });

  it("gives a relative and a partner without consent nothing of the agenda", async () => {
    expect((await server.fetch(`/i/${relativeToken}/ticket`)).status).toBe(404);
    const partner = await rawUpgrade(server.url, `/realtime/agenda:${meetingId}`, {
      Origin: server.url,
      Cookie: cookie.nav!,
    });
    partner.socket?.terminate();
    expect(partner.status).toBe(403);
  });

  it("logs what the person does through their link as the person, and a relative as the invitation", async () => {
    const page = await (await server.fetch(`/i/${personToken}`)).text();
    const answerFor = /name="answerFor" value="([^"]+)"/.exec(page)![1]!;
    const answered = await server.post(`/i/${personToken}`, { answerFor, response: "accepted" });
    expect(answered.status).toBe(200);
    const personInvitationId = (await invitationOf(meetingId, personMemberId))!.id;
    await until(async () => {
      const rows = await db()
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.actorLabel, `person:${personId}`));
      return rows.some((r) => r.action === "document.open") || undefined;
    }, "the person's document.open entry");
    const byPerson = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.actorLabel, `person:${personId}`))
      .orderBy(desc(auditLog.id));
    expect(new Set(byPerson.map((r) => r.action))).toEqual(
      new Set(["invitation.open", "invitation.respond", "document.open"]),
    );
    for (const row of byPerson) {
      expect(row.personId).toBe(personId);
      expect(row.actorUserId).toBeNull();
    }
    expect(byPerson.find((r) => r.action === "invitation.respond")!.subjectId).toBe(
      personInvitationId,
    );
    expect(byPerson.find((r) => r.action === "document.open")!.details).toEqual({
      permission: "edit",
    });
    // Nothing through the person's link is logged under the invitation's name.
    const asInvitation = await db()
      .select()
      .from(auditLog)
      .where(like(auditLog.actorLabel, `invitation:${personInvitationId}%`));
    expect(asInvitation).toEqual([]);
    const relativeInvitationId = (await invitationOf(meetingId, relativeId))!.id;
    const byRelative = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.actorLabel, `invitation:${relativeInvitationId}`));
    expect(byRelative.map((r) => r.action)).toContain("invitation.open");
  });
});
