import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  invitations,
  meetings,
  networkLeaders,
  networkMembers,
  networks,
  outbox,
  planActions,
} from "../../db/schema";
import {
  invitationToken,
  publicBaseUrl,
} from "../../app/features/meetings/invitation-links.server";
import {
  remindActions,
  runReminders,
  type ActionReminderRow,
} from "../../app/features/mail/reminders.server";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * Reminders through the outbox (both databases; issue 12): a meeting tomorrow, a plan due for
 * revision, an action due in three days or overdue; neutral texts; never twice; none for
 * whoever turned them off (a user on the account page, a link holder on the invitation page).
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let now: Date;
let personMemberId: string;
let navUserId: string;
let leaderId: string;
const RELATIVE_ADDRESS = "per.paaminnelse@example.test";
const PERSON_ADDRESS = "siri.paaminnelse@example.test";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  navUserId = await server.userId(DEMO.nav);
  leaderId = await server.userId(DEMO.leader);
  const { db } = server.database;
  const [meeting] = await db
    .select({ startsAt: meetings.startsAt })
    .from(meetings)
    .where(eq(meetings.id, docs.meetingId));
  // "Now" is the day before the demo meeting, at the same clock time.
  now = new Date(meeting!.startsAt.getTime() - 24 * 3_600_000);
  await db
    .update(networkMembers)
    .set({ email: RELATIVE_ADDRESS })
    .where(eq(networkMembers.id, docs.relativeMemberId));
  const [person] = await db
    .update(networkMembers)
    .set({ email: PERSON_ADDRESS })
    .where(and(eq(networkMembers.networkId, docs.networkId), eq(networkMembers.isPerson, true)))
    .returning({ id: networkMembers.id });
  personMemberId = person!.id;
  const leaders = await db
    .select()
    .from(networkLeaders)
    .where(eq(networkLeaders.networkId, docs.networkId));
  if (!leaders.some((l) => l.userId === leaderId))
    await db.insert(networkLeaders).values({ networkId: docs.networkId, userId: leaderId });
});

afterAll(async () => {
  await server?.close();
});

const mailTo = (address: string) =>
  server.database.db.select().from(outbox).where(eq(outbox.toAddress, address));
const addDays = (date: string, days: number) => {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
};
/** Nothing in a reminder names the person, their plan or the kind of meeting. */
const neutral = (message: { subject: string; textBody: string; htmlBody: string }) => {
  const all = `${message.subject}\n${message.textBody}\n${message.htmlBody}`;
  for (const word of ["Siri", "Havdal", "nettverksmøte", "Nettverksmøte", "ansvarsgruppe"])
    expect(all).not.toContain(word);
};

describe("a meeting tomorrow", () => {
  it("reminds each invitee with an address once, with their link and nothing else", async () => {
    const first = await runReminders(now, server.database.db);
    expect(first.meetings).toBeGreaterThanOrEqual(2);
    const [relative] = await mailTo(RELATIVE_ADDRESS);
    expect(relative!.subject).toContain("Påminnelse: møte i morgen");
    expect(relative!.textBody).toContain(invitationToken(docs.relativeInvitationId, 1));
    expect(`${relative!.subject}\n${relative!.textBody}`).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    neutral(relative!);
    expect(await mailTo(DEMO.nav)).toHaveLength(1);
    const second = await runReminders(now, server.database.db);
    expect(second.meetings).toBe(0);
    expect(await mailTo(RELATIVE_ADDRESS)).toHaveLength(1);
    // Two runs at once (several processes) send nothing more either.
    await Promise.all([
      runReminders(now, server.database.db),
      runReminders(now, server.database.db),
    ]);
    expect(await mailTo(RELATIVE_ADDRESS)).toHaveLength(1);
  });

  it("does not remind someone who declined, nor about a meeting two days away", async () => {
    const { db } = server.database;
    await db
      .update(invitations)
      .set({ response: "declined" })
      .where(eq(invitations.id, docs.navInvitationId));
    const earlier = new Date(now.getTime() - 24 * 3_600_000);
    expect((await runReminders(earlier, db)).meetings).toBe(0);
    await db
      .update(invitations)
      .set({ response: "needs_action" })
      .where(eq(invitations.id, docs.navInvitationId));
  });
});

describe("a plan due for revision", () => {
  it("reminds the network's leaders once per revision date", async () => {
    const { db } = server.database;
    const today = osloToday(now);
    await db
      .update(networks)
      .set({ planRevisionOn: addDays(today, 30) })
      .where(eq(networks.id, docs.networkId));
    expect((await runReminders(now, db)).revisions).toBe(0);
    await db
      .update(networks)
      .set({ planRevisionOn: addDays(today, 7) })
      .where(eq(networks.id, docs.networkId));
    expect((await runReminders(now, db)).revisions).toBeGreaterThanOrEqual(1);
    const toLeader = (await mailTo(DEMO.leader)).filter((m) => m.subject.includes("revideres"));
    expect(toLeader).toHaveLength(1);
    expect(toLeader[0]!.textBody).toContain(`/networks/${docs.networkId}`);
    // The date in words ("mandag 7. desember"), never ISO.
    expect(`${toLeader[0]!.subject}\n${toLeader[0]!.textBody}`).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    const inWords = new Intl.DateTimeFormat("nb", {
      weekday: "long",
      day: "numeric",
      month: "long",
      timeZone: "UTC",
    }).format(new Date(`${addDays(today, 7)}T00:00:00Z`));
    expect(toLeader[0]!.textBody).toContain(inWords);
    neutral(toLeader[0]!);
    expect((await runReminders(now, db)).revisions).toBe(0);
  });
});

describe("actions due and overdue", () => {
  it("reminds the responsible three days ahead and once overdue, never twice", async () => {
    const today = osloToday(now);
    const rows: ActionReminderRow[] = [
      {
        actionId: "act-due-soon-1",
        networkId: docs.networkId,
        responsible: `user:${navUserId}`,
        due: addDays(today, 3),
      },
      {
        actionId: "act-overdue-1",
        networkId: docs.networkId,
        responsible: "person",
        due: addDays(today, -2),
      },
      {
        actionId: "act-later-1",
        networkId: docs.networkId,
        responsible: `member:${docs.relativeMemberId}`,
        due: addDays(today, 5),
      },
      {
        actionId: "act-done-1",
        networkId: docs.networkId,
        responsible: "person",
        due: addDays(today, -1),
        done: true,
      },
      {
        actionId: "act-nobody-1",
        networkId: docs.networkId,
        responsible: null,
        due: addDays(today, 3),
      },
      // A member of another network is not reached through this one.
      {
        actionId: "act-foreign-1",
        networkId: crypto.randomUUID(),
        responsible: `member:${docs.relativeMemberId}`,
        due: addDays(today, 3),
      },
    ];
    expect(await remindActions(rows, now, server.database.db)).toBe(2);
    const nav = (await mailTo(DEMO.nav)).filter((m) => m.subject.includes("frist snart"));
    expect(nav).toHaveLength(1);
    const person = (await mailTo(PERSON_ADDRESS)).filter((m) => m.subject.includes("passert"));
    expect(person).toHaveLength(1);
    neutral(person[0]!);
    expect(await remindActions(rows, now, server.database.db)).toBe(0);
    // A new due date is a new reminder.
    rows[0] = { ...rows[0]!, due: addDays(today, 3) };
    rows[1] = { ...rows[1]!, due: addDays(today, -1) };
    expect(await remindActions(rows, now, server.database.db)).toBe(1);
    const sent = await server.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "reminder.send"),
          inArray(auditLog.subjectType, ["action_due", "action_overdue"]),
        ),
      );
    expect(sent).toHaveLength(3);
  });

  it("links to the recipient's own My tasks and says the date in words, never ISO", async () => {
    const { db } = server.database;
    const today = osloToday(now);
    const soon = addDays(today, 3);
    const late = addDays(today, -4);
    const rows: ActionReminderRow[] = [
      {
        actionId: "act-link-user",
        networkId: docs.networkId,
        responsible: `user:${navUserId}`,
        due: soon,
      },
      {
        actionId: "act-link-member",
        networkId: docs.networkId,
        responsible: `member:${docs.relativeMemberId}`,
        due: late,
      },
    ];
    expect(await remindActions(rows, now, db)).toBe(2);
    const words = (date: string, locale: string) =>
      new Intl.DateTimeFormat(locale, {
        weekday: "long",
        day: "numeric",
        month: "long",
        timeZone: "UTC",
      }).format(new Date(`${date}T00:00:00Z`));
    const [toNav] = (await mailTo(DEMO.nav)).filter((m) => m.textBody.includes(words(soon, "nb")));
    expect(toNav!.textBody).toContain(`${publicBaseUrl()}/tasks`);
    expect(toNav!.textBody).toContain(words(soon, "en-GB"));
    expect(toNav!.htmlBody).toContain(`href="${publicBaseUrl()}/tasks"`);
    const [toRelative] = (await mailTo(RELATIVE_ADDRESS)).filter((m) =>
      m.subject.includes("passert"),
    );
    const token = invitationToken(docs.relativeInvitationId, 1);
    expect(toRelative!.textBody).toContain(`${publicBaseUrl()}/i/${token}/tasks`);
    expect(toRelative!.textBody).toContain(words(late, "nb"));
    for (const mail of [toNav!, toRelative!]) {
      expect(mail.textBody).toContain("Slå dem av under «Min konto»");
      expect(`${mail.subject}\n${mail.textBody}`).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      neutral(mail);
    }
    // The link in the mail opens their tasks.
    expect((await server.fetch(`/i/${token}/tasks`)).status).toBe(200);
  });

  it("asks a member with no working link to get one from the leaders, with no dead link", async () => {
    const { db } = server.database;
    const soon = addDays(osloToday(now), 3);
    await db
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(eq(invitations.memberId, docs.relativeMemberId));
    try {
      const rows: ActionReminderRow[] = [
        {
          actionId: "act-no-link",
          networkId: docs.networkId,
          responsible: `member:${docs.relativeMemberId}`,
          due: soon,
        },
      ];
      expect(await remindActions(rows, now, db)).toBe(1);
      const [mail] = (await mailTo(RELATIVE_ADDRESS)).filter((m) =>
        m.subject.includes("frist snart"),
      );
      expect(mail!.textBody).toContain("Be den som leder møtene om en ny lenke");
      expect(mail!.textBody).toContain("Ask whoever leads the meetings for a new link");
      expect(mail!.textBody).not.toContain(publicBaseUrl());
      neutral(mail!);
    } finally {
      await db
        .update(invitations)
        .set({ revokedAt: null })
        .where(eq(invitations.memberId, docs.relativeMemberId));
    }
  });

  it("reminds from the action projection: open, not carried, due in three days or overdue", async () => {
    const { db } = server.database;
    const today = osloToday(now);
    const base = {
      documentName: `plan:${docs.networkId}:housing`,
      networkId: docs.networkId,
      source: "plan" as const,
      area: "housing" as const,
      what: "Søke om bostøtte",
      responsible: "person",
      responsibleIsPerson: true,
    };
    await db.insert(planActions).values([
      { ...base, actionId: "proj-due", due: addDays(today, 3), status: "open" },
      { ...base, actionId: "proj-done", due: addDays(today, -1), status: "done" },
      { ...base, actionId: "proj-carried", due: addDays(today, -1), status: "open", carried: true },
      { ...base, actionId: "proj-later", due: addDays(today, 4), status: "in_progress" },
    ]);
    const first = await runReminders(now, db);
    expect(first.actions).toBe(1);
    const mail = (await mailTo(PERSON_ADDRESS)).filter((m) => m.subject.includes("frist snart"));
    expect(mail).toHaveLength(1);
    neutral(mail[0]!);
    expect(mail[0]!.textBody).not.toContain("bostøtte");
    expect((await runReminders(now, db)).actions).toBe(0);
  });
});

describe("turned off", () => {
  it("sends nothing to a user who turned reminders off on the account page, until turned on", async () => {
    const { db } = server.database;
    const off = await server.post("/account", { intent: "reminders-off" }, cookie.nav);
    expect(off.status).toBe(200);
    expect(await off.text()).toContain("Du får ikke flere påminnelser.");
    expect(await (await server.fetch("/account", { cookie: cookie.nav })).text()).toContain(
      "Påminnelser er slått av.",
    );
    const today = osloToday(now);
    const row: ActionReminderRow = {
      actionId: "act-off-1",
      networkId: docs.networkId,
      responsible: `user:${navUserId}`,
      due: addDays(today, 3),
    };
    expect(await remindActions([row], now, db)).toBe(0);
    const leaderOff = await server.post("/account", { intent: "reminders-off" }, cookie.leader);
    expect(leaderOff.status).toBe(200);
    await db
      .update(networks)
      .set({ planRevisionOn: addDays(today, 8) })
      .where(eq(networks.id, docs.networkId));
    const before = (await mailTo(DEMO.leader)).length;
    await runReminders(now, db);
    expect(await mailTo(DEMO.leader)).toHaveLength(before);
    expect((await server.post("/account", { intent: "reminders-on" }, cookie.nav)).status).toBe(
      200,
    );
    expect(await remindActions([row], now, db)).toBe(1);
    expect(
      (await server.post("/account", { intent: "reminders-sideways" }, cookie.nav)).status,
    ).toBe(400);
  });

  it("sends nothing to a link holder who turned reminders off on their invitation page", async () => {
    const { db } = server.database;
    const token = invitationToken(docs.relativeInvitationId, 1);
    const off = await server.fetch(`/i/${token}/reminders`, {
      method: "POST",
      body: new URLSearchParams({ intent: "reminders-off" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      redirect: "manual",
    });
    expect(off.status).toBe(302);
    expect(await (await server.fetch(`/i/${token}`)).text()).toContain("Påminnelser er slått av.");
    const bad = await server.fetch(`/i/${token}/reminders`, {
      method: "POST",
      body: new URLSearchParams({ intent: "maybe" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      redirect: "manual",
    });
    expect(bad.status).toBe(400);
    const unknown = await server.fetch(`/i/not-a-link/reminders`, {
      method: "POST",
      body: new URLSearchParams({ intent: "reminders-off" }),
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      redirect: "manual",
    });
    expect(unknown.status).toBe(404);
    // A second meeting tomorrow: the relative, who turned reminders off, gets nothing.
    const [meeting] = await db
      .insert(meetings)
      .values({
        networkId: docs.networkId,
        kind: "follow_up_meeting",
        startsAt: new Date(now.getTime() + 25 * 3_600_000),
        durationMinutes: 60,
        internalTitle: "Oppfølging",
        icalUid: `${crypto.randomUUID()}@broen.test`,
      })
      .returning({ id: meetings.id });
    for (const memberId of [docs.relativeMemberId, personMemberId])
      await db.insert(invitations).values({
        meetingId: meeting!.id,
        memberId,
        tokenHash: crypto.randomUUID(),
        expiresAt: new Date(now.getTime() + 30 * 86_400_000),
      });
    const before = (await mailTo(RELATIVE_ADDRESS)).length;
    await runReminders(now, db);
    expect(await mailTo(RELATIVE_ADDRESS)).toHaveLength(before);
    expect((await mailTo(PERSON_ADDRESS)).filter((m) => m.meetingId === meeting!.id)).toHaveLength(
      1,
    );
  });
});
