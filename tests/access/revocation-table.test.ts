import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  calendarFeeds,
  consents,
  invitations,
  meetings,
  networkLeaders,
  networkMembers,
  networks,
  personLeaders,
  persons,
  roleAssignments,
  sessions,
  units,
  users,
} from "../../db/schema";
import { accessUserById, logOut } from "../../app/features/accounts/session.server";
import { setActive, setRoles } from "../../app/features/accounts/users.server";
import { withdrawConsent } from "../../app/features/consent/consent.server";
import { cancelMeeting, updateMeeting } from "../../app/features/meetings/changes.server";
import {
  invitationTokenHash,
  invitationToken,
} from "../../app/features/meetings/invitation-links.server";
import { newInvitationLink } from "../../app/features/meetings/invitations.server";
import { snapshotOf } from "../../app/features/meetings/meetings.server";
import { removeMember } from "../../app/features/networks/members.server";
import { setNetworkLeaders } from "../../app/features/networks/networks.server";
import { personMemberValues } from "../../app/features/networks/person-member.server";
import { setPersonLeaders, updatePerson } from "../../app/features/people/people.server";
import { auditActor } from "../../app/features/audit/audit.server";
import { newToken } from "../../app/utils/tokens.server";
import { osloToday } from "../../app/utils/oslo-time";
import { XmlElement, XmlText } from "yjs";
import { agendaFromState } from "../../app/features/documents/agenda.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, rawUpgrade, until, type Client } from "../support/realtime";

/*
 * THE ACCESS TABLE (docs/access.md): for every change that can take access away, every way in
 * is tried before the change (it must work: "open") and after it (it must give the outcome in
 * the table). A row whose change did nothing therefore fails (the person's consent row expects
 * "open" on purpose: it fails if their link ever needs consent). Open sockets must be closed
 * with the documented code within one second of the change.
 *
 * Outcomes: "open" (works as before), "refused" (404/401/403, or a redirect to the login),
 * "no agenda" (the page, without the agenda), "cancelled" (only the cancellation: the page says
 * so, the .ics is a METHOD:CANCEL, the feed has STATUS:CANCELLED), "4401"/"4403" (an open
 * socket closed with that code), "—" (this way in does not exist for this asker).
 */

type Outcome = "open" | "refused" | "no agenda" | "cancelled" | "4401" | "4403" | "—";
type Way = "page" | "ics" | "feed" | "oldTicket" | "openSocket" | "newSocket";
type Asker = "partner" | "link" | "partnerLink" | "person" | "leader" | "coordinator";

interface Fixture {
  personId: string;
  networkId: string;
  meetingId: string;
  partnerMemberId: string;
  relativeMemberId: string;
  partnerInvitationId: string;
  relativeInvitationId: string;
  /** The person's own member row and invitation (ADR 013): their link needs no consent. */
  personMemberId: string;
  personInvitationId: string;
  leaderId: string;
  leader2Id: string;
  coordinatorId: string;
  partnerId: string;
  coordinatorUnitId: string;
  cookies: Record<"partner" | "leader" | "coordinator", string>;
  feeds: Record<"partner" | "leader" | "coordinator", string>;
  agendaConsent: Record<"partner" | "relative", string>;
}

interface Row {
  change: string;
  asker: Asker;
  /** What the fixture needs beyond the default (leader2 leads the network, etc.). */
  setup?: (f: Fixture) => Promise<void>;
  revoke: (f: Fixture) => Promise<void>;
  expect: Partial<Record<Way, Outcome>>;
}

let server: TestServer;
const context = { clientIp: "127.0.0.1" };
const MARKER = "Tabellens dagsorden";
const db = () => server.database.db;
const user = async (id: string) => (await accessUserById(id))!;
const yesterday = () => new Date(Date.parse(osloToday()) - 86_400_000).toISOString().slice(0, 10);

const ROWS: Row[] = [
  {
    change: "consent withdrawn",
    asker: "partner",
    revoke: async (f) => withdraw(f, f.partnerMemberId, f.agendaConsent.partner),
    // The partner's meeting page and feed carry time and place, which the invitation itself is.
    expect: { page: "open", feed: "open", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "consent withdrawn",
    asker: "link",
    revoke: async (f) => withdraw(f, f.relativeMemberId, f.agendaConsent.relative),
    expect: {
      page: "no agenda",
      ics: "open",
      oldTicket: "refused",
      openSocket: "4403",
      newSocket: "refused",
    },
  },
  {
    change: "consent expired (the Oslo date passed; nothing announces it)",
    asker: "partner",
    revoke: async (f) => expireConsent(f.agendaConsent.partner),
    expect: { page: "open", feed: "open", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "consent expired (the Oslo date passed; nothing announces it)",
    asker: "link",
    revoke: async (f) => expireConsent(f.agendaConsent.relative),
    expect: {
      page: "no agenda",
      ics: "open",
      oldTicket: "refused",
      openSocket: "4403",
      newSocket: "refused",
    },
  },
  {
    change: "member removed",
    asker: "partner",
    revoke: async (f) =>
      removeMember(await user(f.leaderId), context, f.networkId, f.partnerMemberId),
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "member removed",
    asker: "link",
    revoke: async (f) =>
      removeMember(await user(f.leaderId), context, f.networkId, f.relativeMemberId),
    expect: linkRefused(),
  },
  {
    change: "member uninvited",
    asker: "partner",
    revoke: async (f) => uninvite(f, f.partnerMemberId),
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "member uninvited",
    asker: "link",
    revoke: async (f) => uninvite(f, f.relativeMemberId),
    expect: linkRefused(),
  },
  {
    change: "new invitation link",
    asker: "link",
    revoke: async (f) => {
      await newInvitationLink(await user(f.leaderId), context, f.meetingId, f.relativeInvitationId);
    },
    expect: linkRefused(),
  },
  {
    change: "meeting cancelled",
    asker: "partner",
    revoke: async (f) => cancelMeeting(await user(f.leaderId), context, f.meetingId),
    expect: { page: "cancelled", feed: "cancelled", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "meeting cancelled",
    asker: "link",
    revoke: async (f) => cancelMeeting(await user(f.leaderId), context, f.meetingId),
    expect: {
      page: "cancelled",
      ics: "cancelled",
      oldTicket: "refused",
      openSocket: "4403",
      newSocket: "refused",
    },
  },
  {
    change: "agenda consents withdrawn (the person needs none)",
    asker: "person",
    revoke: async (f) => {
      await withdraw(f, f.partnerMemberId, f.agendaConsent.partner);
      await withdraw(f, f.relativeMemberId, f.agendaConsent.relative);
    },
    // Their own meeting's agenda is theirs: nothing of it depends on consent.
    expect: { page: "open", ics: "open", oldTicket: "open", openSocket: "open", newSocket: "open" },
  },
  {
    change: "member uninvited",
    asker: "person",
    revoke: async (f) => uninvite(f, f.personMemberId),
    expect: linkRefused(),
  },
  {
    change: "new invitation link",
    asker: "person",
    revoke: async (f) => {
      await newInvitationLink(await user(f.leaderId), context, f.meetingId, f.personInvitationId);
    },
    expect: linkRefused(),
  },
  {
    change: "meeting cancelled",
    asker: "person",
    revoke: async (f) => cancelMeeting(await user(f.leaderId), context, f.meetingId),
    expect: {
      page: "cancelled",
      ics: "cancelled",
      oldTicket: "refused",
      openSocket: "4403",
      newSocket: "refused",
    },
  },
  {
    change: "network leaders changed",
    asker: "leader",
    setup: async (f) => {
      await db().insert(networkLeaders).values({ networkId: f.networkId, userId: f.leader2Id });
    },
    revoke: async (f) =>
      setNetworkLeaders(await user(f.leaderId), context, f.networkId, [f.leaderId]),
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "person leaders changed",
    asker: "leader",
    setup: async (f) => {
      await db().insert(personLeaders).values({ personId: f.personId, userId: f.leader2Id });
    },
    revoke: async (f) =>
      setPersonLeaders(await user(f.leaderId), context, f.personId, [f.leaderId]),
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "person moved to another unit",
    asker: "coordinator",
    revoke: async (f) => {
      const [elsewhere] = await db()
        .insert(units)
        .values({ municipalityId: (await user(f.leaderId)).municipalityId, name: "Annen enhet" })
        .returning({ id: units.id });
      const [person] = await db().select().from(persons).where(eq(persons.id, f.personId));
      await updatePerson(await user(f.leaderId), context, f.personId, {
        name: person!.name,
        preferredName: person!.preferredName,
        phone: person!.phone,
        email: person!.email,
        preferredChannel: person!.preferredChannel,
        language: person!.language,
        unitId: elsewhere!.id,
      });
    },
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "user deactivated",
    asker: "partner",
    revoke: async (f) => deactivate(f),
    expect: { page: "refused", feed: "refused", openSocket: "4401", newSocket: "refused" },
  },
  {
    change: "user deactivated",
    asker: "partnerLink",
    revoke: async (f) => deactivate(f),
    expect: linkRefused(),
  },
  {
    change: "roles changed (partner role taken away)",
    asker: "partner",
    revoke: async (f) => takeRoles(f),
    expect: { page: "refused", feed: "refused", openSocket: "4403", newSocket: "refused" },
  },
  {
    change: "roles changed (partner role taken away)",
    asker: "partnerLink",
    revoke: async (f) => takeRoles(f),
    expect: linkRefused(),
  },
  {
    change: "logout",
    asker: "partner",
    revoke: async (f) => {
      const [session] = await db()
        .select({ idHash: sessions.idHash })
        .from(sessions)
        .where(eq(sessions.userId, f.partnerId));
      const partner = (await accessUserById(f.partnerId))!;
      await logOut({ ...partner, sessionIdHash: session!.idHash }, context);
    },
    // A calendar subscription is not a session: it lives until revoked on the account page.
    expect: { page: "refused", feed: "open", openSocket: "4401", newSocket: "refused" },
  },
  {
    change: "session idle timeout (nothing announces it)",
    asker: "partner",
    revoke: async (f) => {
      await db()
        .update(sessions)
        .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
        .where(eq(sessions.userId, f.partnerId));
    },
    expect: { page: "refused", feed: "open", openSocket: "4401", newSocket: "refused" },
  },
  {
    change: "session absolute timeout (nothing announces it)",
    asker: "partner",
    revoke: async (f) => {
      await db()
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.userId, f.partnerId));
    },
    expect: { page: "refused", feed: "open", openSocket: "4401", newSocket: "refused" },
  },
];

function linkRefused(): Row["expect"] {
  return {
    page: "refused",
    ics: "refused",
    oldTicket: "refused",
    openSocket: "4403",
    newSocket: "refused",
  };
}

async function withdraw(f: Fixture, memberId: string, consentId: string) {
  const leader = await user(f.leaderId);
  await withdrawConsent(
    auditActor(leader, context),
    { id: memberId, personId: f.personId },
    consentId,
  );
}

async function expireConsent(consentId: string) {
  await db()
    .update(consents)
    .set({ givenOn: "2026-01-01", expiresOn: yesterday() })
    .where(eq(consents.id, consentId));
}

async function uninvite(f: Fixture, memberId: string) {
  const leader = await user(f.leaderId);
  const [meeting] = await db().select().from(meetings).where(eq(meetings.id, f.meetingId));
  const result = await updateMeeting(leader, context, f.meetingId, {
    expectedVersion: meeting!.version,
    startedFrom: snapshotOf(meeting!),
    input: {
      kind: meeting!.kind,
      startsAt: meeting!.startsAt,
      durationMinutes: meeting!.durationMinutes,
      place: meeting!.place,
      videoLink: meeting!.videoLink,
      internalTitle: meeting!.internalTitle,
      calendarTitle: meeting!.calendarTitle,
      detailsInInvites: meeting!.detailsInInvites,
      memberIds: [f.partnerMemberId, f.relativeMemberId, f.personMemberId].filter(
        (id) => id !== memberId,
      ),
      leaderIds: [f.leaderId],
    },
  });
  expect(result.ok).toBe(true);
}

async function takeRoles(f: Fixture) {
  const admin = await server.userId(DEMO.admin);
  await setRoles(auditActor(await user(admin), context), f.partnerId, {
    roles: [],
    partnerOrganisationId: null,
  });
}

async function deactivate(f: Fixture) {
  const admin = await server.userId(DEMO.admin);
  await setActive(auditActor(await user(admin), context), f.partnerId, false);
}

/** A person of the demo municipality with a network, a partner, a relative and a meeting. */
async function makeFixture(): Promise<Fixture> {
  const leaderId = await server.userId(DEMO.leader);
  const leader2Id = await server.userId(DEMO.leader2);
  const coordinatorId = await server.userId(DEMO.coordinator);
  // A partner of its own per row: rows deactivate and strip roles.
  const email = `partner-${crypto.randomUUID().slice(0, 8)}@fjordvik.test`;
  const coordinator = await user(coordinatorId);
  const nav = await user(await server.userId(DEMO.nav));
  const [partner] = await db()
    .insert(users)
    .values({
      municipalityId: nav.municipalityId,
      email,
      name: "Partner i tabellen",
      partnerOrganisationId: nav.partnerOrganisationId,
    })
    .returning({ id: users.id });
  const partnerId = partner!.id;
  await db()
    .insert(roleAssignments)
    .values({ userId: partnerId, role: "partner", municipalityId: nav.municipalityId });
  const coordinatorUnitId = coordinator.assignments.find((a) => a.role === "coordinator")!.unitId!;
  const municipalityId = coordinator.municipalityId;
  const [person] = await db()
    .insert(persons)
    .values({ municipalityId, unitId: coordinatorUnitId, name: `Tabell ${email.slice(8, 16)}` })
    .returning({ id: persons.id });
  const personId = person!.id;
  await db().insert(personLeaders).values({ personId, userId: leaderId });
  const [network] = await db()
    .insert(networks)
    .values({ personId, kind: "network_meeting_group" })
    .returning({ id: networks.id });
  const networkId = network!.id;
  await db().insert(networkLeaders).values({ networkId, userId: leaderId });
  const [partnerMember, relativeMember, personMember] = await db()
    .insert(networkMembers)
    .values([
      {
        networkId,
        name: "Partner i tabellen",
        userId: partnerId,
        relation: "nav",
        circle: "services",
      },
      {
        networkId,
        name: "Pårørende i tabellen",
        email: "rel@example.test",
        relation: "relative",
        circle: "family_friends",
      },
      personMemberValues(networkId, { name: "Tabellperson", phone: null, email: null }),
    ] as (typeof networkMembers.$inferInsert)[])
    .returning({ id: networkMembers.id });
  const agendaConsent = async (memberId: string) =>
    (
      await db()
        .insert(consents)
        .values({
          memberId,
          content: "agenda",
          givenOn: osloToday(),
          method: "verbal_in_meeting",
          recordedByUserId: leaderId,
        })
        .returning({ id: consents.id })
    )[0]!.id;
  const [meeting] = await db()
    .insert(meetings)
    .values({
      networkId,
      kind: "network_meeting",
      startsAt: new Date(Date.now() + 2 * 86_400_000),
      durationMinutes: 60,
      internalTitle: "Tabellmøte",
      calendarTitle: "Møte",
      icalUid: `${crypto.randomUUID()}@broen.test`,
      createdByUserId: leaderId,
    })
    .returning({ id: meetings.id });
  const meetingId = meeting!.id;
  const invite = async (memberId: string) => {
    const id = crypto.randomUUID();
    await db()
      .insert(invitations)
      .values({
        id,
        meetingId,
        memberId,
        tokenHash: invitationTokenHash(id, 1),
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      });
    return id;
  };
  const feed = async (userId: string) => {
    const { token, hash } = newToken();
    await db()
      .insert(calendarFeeds)
      .values({ userId, tokenHash: hash })
      .onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash: hash } });
    return token;
  };
  const f: Fixture = {
    personId,
    networkId,
    meetingId,
    partnerMemberId: partnerMember!.id,
    relativeMemberId: relativeMember!.id,
    partnerInvitationId: await invite(partnerMember!.id),
    relativeInvitationId: await invite(relativeMember!.id),
    personMemberId: personMember!.id,
    personInvitationId: await invite(personMember!.id),
    leaderId,
    leader2Id,
    coordinatorId,
    partnerId,
    coordinatorUnitId,
    cookies: {
      partner: await server.cookieFor(email),
      leader: await server.cookieFor(DEMO.leader2),
      coordinator: await server.cookieFor(DEMO.coordinator),
    },
    feeds: {
      partner: await feed(partnerId),
      leader: await feed(leader2Id),
      coordinator: await feed(coordinatorId),
    },
    agendaConsent: {
      partner: await agendaConsent(partnerMember!.id),
      relative: await agendaConsent(relativeMember!.id),
    },
  };
  return f;
}

/* ---------------------------------------------------------------------------------------- */
/* The ways in. Each answers with an outcome.                                               */

const isAccount = (asker: Asker): asker is "partner" | "leader" | "coordinator" =>
  asker === "partner" || asker === "leader" || asker === "coordinator";

function linkToken(f: Fixture, asker: Asker) {
  const invitationId =
    asker === "partnerLink"
      ? f.partnerInvitationId
      : asker === "person"
        ? f.personInvitationId
        : f.relativeInvitationId;
  return invitationToken(invitationId, 1);
}

async function page(f: Fixture, asker: Asker): Promise<Outcome> {
  const response = isAccount(asker)
    ? await server.fetch(`/meetings/${f.meetingId}`, {
        cookie: f.cookies[asker],
        redirect: "manual",
      })
    : await server.fetch(`/i/${linkToken(f, asker)}`);
  if (response.status !== 200) return "refused";
  const html = await response.text();
  if (/Avlyst|Møtet er avlyst/.test(html)) return "cancelled";
  if (isAccount(asker)) return "open";
  return html.includes(MARKER) ? "open" : "no agenda";
}

async function ics(f: Fixture, asker: Asker): Promise<Outcome> {
  if (isAccount(asker)) return "—";
  const response = await server.fetch(`/i/${linkToken(f, asker)}/calendar.ics`);
  if (response.status !== 200) return "refused";
  return (await response.text()).includes("METHOD:CANCEL") ? "cancelled" : "open";
}

async function feed(f: Fixture, asker: Asker): Promise<Outcome> {
  if (!isAccount(asker)) return "—";
  const response = await server.fetch(`/calendar/${f.feeds[asker]}.ics`);
  if (response.status !== 200) return "refused";
  const body = await response.text();
  const [meeting] = await db().select().from(meetings).where(eq(meetings.id, f.meetingId));
  const event = body.split("BEGIN:VEVENT").find((e) => e.includes(meeting!.icalUid));
  if (!event) return "refused";
  return event.includes("STATUS:CANCELLED") ? "cancelled" : "open";
}

async function ticketFor(f: Fixture, asker: Asker): Promise<string | null> {
  const response = await server.fetch(`/i/${linkToken(f, asker)}/ticket`);
  if (response.status !== 200) return null;
  return ((await response.json()) as { ticket: string }).ticket;
}

async function upgrade(f: Fixture, asker: Asker, ticket?: string | null): Promise<Outcome> {
  const path = `/realtime/agenda:${f.meetingId}`;
  const headers: Record<string, string> = { Origin: server.url };
  if (isAccount(asker)) headers.Cookie = f.cookies[asker];
  else if (!ticket) return "refused";
  const result = await rawUpgrade(server.url, ticket ? `${path}?ticket=${ticket}` : path, headers);
  result.socket?.terminate();
  return result.status === 101 ? "open" : "refused";
}

function connect(f: Fixture, asker: Asker, ticket: string | null): Client {
  return connectClient(
    server.url,
    `agenda:${f.meetingId}`,
    isAccount(asker) ? { cookie: f.cookies[asker] } : { ticket: ticket! },
  );
}

/* ---------------------------------------------------------------------------------------- */

beforeAll(async () => {
  // The timer recheck finds what nothing announces (expiry, timeouts) well within a second.
  server = await startTestServer({ REALTIME_RECHECK_MS: "150" });
  // The agenda every row's meeting starts with, so pages can tell whether it is shown.
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("every way in × every way access ends (docs/access.md)", () => {
  it.each(ROWS.map((row) => [`${row.change} — ${row.asker}`, row] as const))(
    "%s",
    async (_name, row) => {
      const f = await makeFixture();
      await row.setup?.(f);
      await writeAgenda(f);
      const ways = Object.keys(row.expect) as Way[];

      // Before the change every way in works.
      const ticket = isAccount(row.asker) ? null : await ticketFor(f, row.asker);
      const socket = connect(f, row.asker, ticket);
      try {
        await socket.synced();
        const before = await observe(f, row.asker, ways, ticket, socket);
        expect(before).toEqual(Object.fromEntries(ways.map((way) => [way, "open"])));

        const changedAt = performance.now();
        await row.revoke(f);
        // An open socket must be closed within one second of the change.
        if (row.expect.openSocket && row.expect.openSocket !== "open") {
          await until(() => socket.closeCodes[0], "the open socket to close", 5000);
          expect(performance.now() - changedAt).toBeLessThan(1000);
        }
        const after = await observe(f, row.asker, ways, ticket, socket);
        expect(after).toEqual(row.expect);
      } finally {
        socket.destroy();
      }
    },
  );
});

async function observe(
  f: Fixture,
  asker: Asker,
  ways: Way[],
  ticket: string | null,
  socket: Client,
): Promise<Partial<Record<Way, Outcome>>> {
  const seen: Partial<Record<Way, Outcome>> = {};
  for (const way of ways) {
    switch (way) {
      case "page":
        seen.page = await page(f, asker);
        break;
      case "ics":
        seen.ics = await ics(f, asker);
        break;
      case "feed":
        seen.feed = await feed(f, asker);
        break;
      case "oldTicket":
        seen.oldTicket = await upgrade(f, asker, ticket);
        break;
      case "openSocket":
        seen.openSocket = socket.closeCodes.length
          ? (String(socket.closeCodes[0]) as Outcome)
          : "open";
        break;
      case "newSocket":
        seen.newSocket = await upgrade(
          f,
          asker,
          isAccount(asker) ? undefined : await ticketFor(f, asker),
        );
        break;
    }
  }
  return seen;
}

/** Writes the marker into the meeting's agenda as its leader (a real client, edit rights). */
async function writeAgenda(f: Fixture) {
  const cookie = await server.cookieFor(DEMO.leader);
  const writer = connectClient(server.url, `agenda:${f.meetingId}`, { cookie });
  try {
    await writer.synced();
    const paragraph = new XmlElement("paragraph");
    paragraph.insert(0, [new XmlText(MARKER)]);
    writer.doc.getXmlFragment("default").insert(0, [paragraph]);
    await until(async () => {
      const state = await server.realtime.readState(`agenda:${f.meetingId}`);
      return agendaFromState(state).length > 0 || undefined;
    }, "the server to hold the agenda");
  } finally {
    writer.destroy();
  }
}
