import { and, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  invitations,
  meetings,
  networkLeaders,
  networkMembers,
  networks,
  persons,
  planActions,
  reminderOptOuts,
  remindersSent,
  users,
} from "../../../db/schema";
import { osloDayEnd, osloDayStart, osloToday } from "../../utils/oslo-time";
import { recordAudit, type AuditActor } from "../audit/audit.server";
import { invitationUrl, publicBaseUrl } from "../meetings/invitation-links.server";
import { dayText, meetingTimeText } from "../meetings/meeting-time";
import { remindStalledBridges } from "../bridges/bridge-nudge.server";
import { enqueueEmail, textAsHtml } from "./outbox.server";

/*
 * Reminders through the outbox (issue 12, ADR 020): a meeting tomorrow, a plan whose revision
 * date is near, and an action due in three days or overdue. Written neutrally like invitations:
 * a neutral subject, a time and a link, never the person's name, a goal, an action's text or
 * the kind of meeting. Each (kind, what, whom) is sent once (reminders_sent), so the job can run
 * as often as it likes, in several processes at once. Whoever turned reminders off
 * (reminder_opt_outs) gets none.
 */

export type ReminderKind =
  "meeting_tomorrow" | "plan_revision" | "action_due" | "action_overdue" | "bridge_stalled";

/** Days before a plan's revision date that its leaders are reminded. */
export const REVISION_NOTICE_DAYS = 14;
/** Days before an action's due date that its responsible is reminded. */
export const ACTION_NOTICE_DAYS = 3;

/** Who receives a reminder: `user:<id>` or `member:<id>`, with their address. */
export interface Recipient {
  key: string;
  address: string;
  name: string | null;
  /** Where their own tasks are: /tasks for an account, /i/<token>/tasks for a link holder. */
  tasksUrl?: string;
}

export interface Reminder {
  kind: ReminderKind;
  /** What it is about: a meeting id, `<networkId>:<date>`, `<actionId>:<due>`. */
  subject: string;
  to: Recipient;
  municipalityId: string | null;
  personId: string | null;
  meetingId?: string | null;
  invitationId?: string | null;
  mail: { subject: string; text: string };
}

const addDays = (date: string, days: number) => {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
};

/**
 * Puts one reminder in the outbox unless it was sent before: claims (kind, subject, recipient)
 * and queues the e-mail in one transaction, audited. Returns whether it was queued. Also used
 * by other features' reminders (bridges/bridge-nudge.server.ts).
 */
export async function sendReminder(db: Database, reminder: Reminder): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .insert(remindersSent)
      .values({ kind: reminder.kind, subject: reminder.subject, recipient: reminder.to.key })
      .onConflictDoNothing()
      .returning({ kind: remindersSent.kind });
    if (!claimed) return false;
    const html = textAsHtml(reminder.mail.text, publicBaseUrl());
    const outboxId = await enqueueEmail(tx, {
      municipalityId: reminder.municipalityId,
      to: { address: reminder.to.address, name: reminder.to.name },
      subject: reminder.mail.subject,
      text: reminder.mail.text,
      html,
      meetingId: reminder.meetingId ?? null,
      invitationId: reminder.invitationId ?? null,
    });
    await tx
      .update(remindersSent)
      .set({ outboxId })
      .where(
        and(
          eq(remindersSent.kind, reminder.kind),
          eq(remindersSent.subject, reminder.subject),
          eq(remindersSent.recipient, reminder.to.key),
        ),
      );
    await recordAudit(
      { label: "system", municipalityId: reminder.municipalityId },
      {
        action: "reminder.send",
        subjectType: reminder.kind,
        subjectId: reminder.subject.slice(0, 36),
        ...(reminder.personId ? { personId: reminder.personId } : {}),
        details: { kind: reminder.kind, recipient: reminder.to.key },
      },
      tx,
    );
    return true;
  });
}

/** Users and members who turned reminders off, among those given. */
export async function optedOut(
  db: Database,
  userIds: string[],
  memberIds: string[],
): Promise<{ users: Set<string>; members: Set<string> }> {
  const conditions = [
    ...(userIds.length ? [inArray(reminderOptOuts.userId, userIds)] : []),
    ...(memberIds.length ? [inArray(reminderOptOuts.memberId, memberIds)] : []),
  ];
  const rows = conditions.length
    ? await db
        .select({ userId: reminderOptOuts.userId, memberId: reminderOptOuts.memberId })
        .from(reminderOptOuts)
        .where(or(...conditions))
    : [];
  return {
    users: new Set(rows.flatMap((r) => (r.userId ? [r.userId] : []))),
    members: new Set(rows.flatMap((r) => (r.memberId ? [r.memberId] : []))),
  };
}

/** The last line of every reminder but the meeting one (which points to its own page). */
export const TURN_OFF =
  "Vil du ikke ha påminnelser? Slå dem av under «Min konto» i Broen, eller på invitasjonssiden om du bruker en lenke. / Do not want reminders? Turn them off under “My account” in Broen, or on your invitation page if you use a link.";

const TOMORROW = {
  subject: "Påminnelse: møte i morgen / Reminder: meeting tomorrow",
  text: (when: { nb: string; en: string }, url: string) =>
    [
      `Du er invitert til et møte i morgen, ${when.nb}.`,
      `Se detaljer og svar her: ${url}`,
      "",
      `You are invited to a meeting tomorrow, ${when.en}.`,
      `See the details and reply here: ${url}`,
      "",
      "Vil du ikke ha påminnelser? Du kan slå dem av på siden over. / Do not want reminders? You can turn them off on the page above.",
    ].join("\n"),
};

/**
 * Reminds every invitee with an address of a meeting that starts tomorrow (Oslo date of `now`
 * plus one), unless they declined, their invitation was withdrawn or they turned reminders off.
 * Neutral: the time and their personal link only. Returns how many were queued.
 */
export async function remindMeetingsTomorrow(now: Date, db: Database): Promise<number> {
  const tomorrow = addDays(osloToday(now), 1);
  const rows = await db
    .select({
      meetingId: meetings.id,
      startsAt: meetings.startsAt,
      durationMinutes: meetings.durationMinutes,
      invitationId: invitations.id,
      linkVersion: invitations.linkVersion,
      memberId: networkMembers.id,
      memberUserId: networkMembers.userId,
      name: networkMembers.name,
      memberEmail: networkMembers.email,
      userEmail: users.email,
      personId: networks.personId,
      municipalityId: persons.municipalityId,
    })
    .from(meetings)
    .innerJoin(invitations, eq(invitations.meetingId, meetings.id))
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .where(
      and(
        eq(meetings.status, "scheduled"),
        gte(meetings.startsAt, osloDayStart(tomorrow)),
        lt(meetings.startsAt, osloDayEnd(tomorrow)),
        isNull(invitations.revokedAt),
        isNull(networkMembers.removedAt),
        ne(invitations.response, "declined"),
      ),
    );
  const off = await optedOut(
    db,
    rows.flatMap((r) => (r.memberUserId ? [r.memberUserId] : [])),
    rows.map((r) => r.memberId),
  );
  let queued = 0;
  for (const row of rows) {
    const address = row.userEmail ?? row.memberEmail;
    if (!address) continue;
    if (off.members.has(row.memberId) || (row.memberUserId && off.users.has(row.memberUserId)))
      continue;
    const url = invitationUrl(row.invitationId, row.linkVersion);
    const sent = await sendReminder(db, {
      kind: "meeting_tomorrow",
      subject: row.meetingId,
      to: { key: `member:${row.memberId}`, address, name: row.name },
      municipalityId: row.municipalityId,
      personId: row.personId,
      meetingId: row.meetingId,
      invitationId: row.invitationId,
      mail: {
        subject: TOMORROW.subject,
        text: TOMORROW.text(meetingTimeText(row.startsAt, row.durationMinutes), url),
      },
    });
    if (sent) queued++;
  }
  return queued;
}

/**
 * Reminds the leaders of every network whose plan is to be revised within REVISION_NOTICE_DAYS
 * (from the Oslo date of `now`), once per revision date: a new date gives a new reminder.
 * Neutral: the date and a link to the network page (which only those with access can open).
 */
export async function remindPlanRevisions(now: Date, db: Database): Promise<number> {
  const today = osloToday(now);
  const rows = await db
    .select({
      networkId: networks.id,
      revisionOn: networks.planRevisionOn,
      personId: networks.personId,
      userId: users.id,
      name: users.name,
      email: users.email,
      municipalityId: users.municipalityId,
    })
    .from(networks)
    .innerJoin(networkLeaders, eq(networkLeaders.networkId, networks.id))
    .innerJoin(users, eq(users.id, networkLeaders.userId))
    .where(
      and(
        gte(networks.planRevisionOn, today),
        lte(networks.planRevisionOn, addDays(today, REVISION_NOTICE_DAYS)),
        eq(users.active, true),
      ),
    );
  const off = await optedOut(
    db,
    rows.map((r) => r.userId),
    [],
  );
  let queued = 0;
  for (const row of rows) {
    if (off.users.has(row.userId) || !row.revisionOn) continue;
    const url = new URL(`/networks/${row.networkId}`, publicBaseUrl()).href;
    const by = dayText(row.revisionOn, now);
    const sent = await sendReminder(db, {
      kind: "plan_revision",
      subject: `${row.networkId}:${row.revisionOn}`,
      to: { key: `user:${row.userId}`, address: row.email, name: row.name },
      municipalityId: row.municipalityId,
      personId: row.personId,
      mail: {
        subject: "Påminnelse: plan skal revideres / Reminder: plan revision",
        text: [
          `En plan du er leder for, skal revideres innen ${by.nb}.`,
          `Se Broen: ${url}`,
          "",
          `A plan you lead is due for revision by ${by.en}.`,
          `See Broen: ${url}`,
          "",
          TURN_OFF,
        ].join("\n"),
      },
    });
    if (sent) queued++;
  }
  return queued;
}

/** An action as the reminders need it (from the action projection, or any other source). */
export interface ActionReminderRow {
  actionId: string;
  networkId: string;
  /** The plan's Ref: `person`, `member:<id>` or `user:<id>` (documents/shapes.ts). */
  responsible: string | null;
  /** Oslo date YYYY-MM-DD, or null (no reminder). */
  due: string | null;
  /** Done actions get no reminder. */
  done?: boolean;
}

/**
 * Reminds the responsible of each action due in exactly ACTION_NOTICE_DAYS days
 * ("action_due") or overdue ("action_overdue"), once per action and due date (moving the date
 * gives a new reminder). The responsible is a user (their account's address), a member (their
 * account's or their own address) or the person (the network's person member). Neutral: no
 * text of the action, only that one is due (the date in words, "fredag 4. desember") and a link to
 * the recipient's own My tasks (/tasks with an account, /i/<token>/tasks through their newest
 * working personal link; when they have none, the mail asks them to get a new link from whoever
 * leads the meetings rather than pointing at a page they cannot use). Returns how many were
 * queued.
 * Takes the rows from the caller so it can be wired to the projection of actions.
 */
export async function remindActions(
  rows: ActionReminderRow[],
  now: Date,
  db: Database = getDatabase().db,
): Promise<number> {
  const today = osloToday(now);
  const soon = addDays(today, ACTION_NOTICE_DAYS);
  const due = rows.filter(
    (row) => !row.done && row.due && row.responsible && (row.due === soon || row.due < today),
  );
  if (due.length === 0) return 0;
  const userIds = new Set<string>();
  const memberIds = new Set<string>();
  const personNetworks = new Set<string>();
  for (const row of due) {
    const [kind, id] = row.responsible!.split(":");
    if (kind === "user" && id) userIds.add(id);
    else if (kind === "member" && id) memberIds.add(id);
    else if (kind === "person") personNetworks.add(row.networkId);
  }
  const accountRows = userIds.size
    ? await db
        .select({ id: users.id, name: users.name, email: users.email, active: users.active })
        .from(users)
        .where(inArray(users.id, [...userIds]))
    : [];
  const memberConditions = [
    ...(memberIds.size ? [inArray(networkMembers.id, [...memberIds])] : []),
    ...(personNetworks.size
      ? [
          and(
            inArray(networkMembers.networkId, [...personNetworks]),
            eq(networkMembers.isPerson, true),
          ),
        ]
      : []),
  ];
  const memberRows = memberConditions.length
    ? await db
        .select({
          id: networkMembers.id,
          networkId: networkMembers.networkId,
          isPerson: networkMembers.isPerson,
          userId: networkMembers.userId,
          name: networkMembers.name,
          memberEmail: networkMembers.email,
          userEmail: users.email,
          removedAt: networkMembers.removedAt,
        })
        .from(networkMembers)
        .leftJoin(users, eq(users.id, networkMembers.userId))
        .where(or(...memberConditions))
    : [];
  // A member without an account reaches their tasks through their newest working link.
  const linkHolders = memberRows.filter((m) => !m.userId).map((m) => m.id);
  const links = linkHolders.length
    ? await db
        .select({
          memberId: invitations.memberId,
          id: invitations.id,
          linkVersion: invitations.linkVersion,
        })
        .from(invitations)
        .where(
          and(
            inArray(invitations.memberId, linkHolders),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, now),
          ),
        )
        .orderBy(desc(invitations.expiresAt))
    : [];
  const tasksUrlOf = (member: { id: string; userId: string | null }): string | undefined => {
    if (member.userId) return new URL("/tasks", publicBaseUrl()).href;
    const link = links.find((l) => l.memberId === member.id);
    return link ? `${invitationUrl(link.id, link.linkVersion)}/tasks` : undefined;
  };
  const networkRows = await db
    .select({
      id: networks.id,
      personId: networks.personId,
      municipalityId: persons.municipalityId,
    })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(inArray(networks.id, [...new Set(due.map((row) => row.networkId))]));
  const off = await optedOut(
    db,
    [...userIds, ...memberRows.flatMap((m) => (m.userId ? [m.userId] : []))],
    memberRows.map((m) => m.id),
  );
  const recipientOf = (row: ActionReminderRow): Recipient | null => {
    const [kind, id] = row.responsible!.split(":");
    if (kind === "user") {
      const account = accountRows.find((a) => a.id === id);
      if (!account?.active || off.users.has(account.id)) return null;
      return {
        key: `user:${account.id}`,
        address: account.email,
        name: account.name,
        tasksUrl: new URL("/tasks", publicBaseUrl()).href,
      };
    }
    const member = memberRows.find((m) =>
      kind === "person" ? m.isPerson && m.networkId === row.networkId : m.id === id,
    );
    if (!member || member.removedAt || member.networkId !== row.networkId) return null;
    if (off.members.has(member.id) || (member.userId && off.users.has(member.userId))) return null;
    const address = member.userEmail ?? member.memberEmail;
    return address
      ? { key: `member:${member.id}`, address, name: member.name, tasksUrl: tasksUrlOf(member) }
      : null;
  };
  let queued = 0;
  for (const row of due) {
    const to = recipientOf(row);
    const network = networkRows.find((n) => n.id === row.networkId);
    if (!to || !network) continue;
    const overdue = row.due! < today;
    const when = dayText(row.due!, now);
    const url = to.tasksUrl;
    // Without a working link nothing in Broen opens their tasks: say who can give them one.
    const see = url
      ? { nb: `Se oppgavene dine: ${url}`, en: `See your tasks: ${url}` }
      : {
          nb: "Be den som leder møtene om en ny lenke til oppgavene dine.",
          en: "Ask whoever leads the meetings for a new link to your tasks.",
        };
    const sent = await sendReminder(db, {
      kind: overdue ? "action_overdue" : "action_due",
      subject: `${row.actionId}:${row.due}`,
      to,
      municipalityId: network.municipalityId,
      personId: network.personId,
      mail: overdue
        ? {
            subject: "Påminnelse: en oppgave har passert fristen / Reminder: a task is overdue",
            text: [
              `En oppgave du har ansvar for, hadde frist ${when.nb}.`,
              see.nb,
              "",
              `A task you are responsible for was due ${when.en}.`,
              see.en,
              "",
              TURN_OFF,
            ].join("\n"),
          }
        : {
            subject: "Påminnelse: en oppgave har frist snart / Reminder: a task is due soon",
            text: [
              `En oppgave du har ansvar for, har frist ${when.nb}.`,
              see.nb,
              "",
              `A task you are responsible for is due ${when.en}.`,
              see.en,
              "",
              TURN_OFF,
            ].join("\n"),
          },
    });
    if (sent) queued++;
  }
  return queued;
}

/**
 * One run of the reminder job at `now`: meetings tomorrow, plan revisions, and the actions of
 * the projection (ADR 019) that are due in ACTION_NOTICE_DAYS days or overdue, neither done nor
 * carried to another meeting, and bridges without change for 14 days (bridge-nudge.server.ts).
 * Idempotent. Returns how many of each were queued.
 */
export async function runReminders(
  now = new Date(),
  db: Database = getDatabase().db,
): Promise<{ meetings: number; revisions: number; actions: number; bridges: number }> {
  const today = osloToday(now);
  const actionRows = await db
    .select({
      actionId: planActions.actionId,
      networkId: planActions.networkId,
      responsible: planActions.responsible,
      due: planActions.due,
    })
    .from(planActions)
    .where(
      and(
        ne(planActions.status, "done"),
        eq(planActions.carried, false),
        or(eq(planActions.due, addDays(today, ACTION_NOTICE_DAYS)), lt(planActions.due, today)),
      ),
    );
  return {
    meetings: await remindMeetingsTomorrow(now, db),
    revisions: await remindPlanRevisions(now, db),
    actions: await remindActions(actionRows, now, db),
    bridges: await remindStalledBridges(now, db),
  };
}

/** Whose reminder setting: a signed-in user's, or a member's without an account (link page). */
export type ReminderOwner = { kind: "user"; userId: string } | { kind: "member"; memberId: string };

/** Whether `owner` turned reminders off. */
export async function remindersOff(
  owner: ReminderOwner,
  db: Database = getDatabase().db,
): Promise<boolean> {
  const [row] = await db
    .select({ at: reminderOptOuts.createdAt })
    .from(reminderOptOuts)
    .where(
      owner.kind === "user"
        ? eq(reminderOptOuts.userId, owner.userId)
        : eq(reminderOptOuts.memberId, owner.memberId),
    )
    .limit(1);
  return !!row;
}

/**
 * Turns reminders off (`off`) or on again for `owner`, audited in the same transaction with
 * `actor`. Setting what is already set changes nothing (and writes no audit entry).
 */
export async function setRemindersOff(
  owner: ReminderOwner,
  off: boolean,
  actor: AuditActor,
  personId: string | null = null,
): Promise<void> {
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    const where =
      owner.kind === "user"
        ? eq(reminderOptOuts.userId, owner.userId)
        : eq(reminderOptOuts.memberId, owner.memberId);
    const changed = off
      ? await tx
          .insert(reminderOptOuts)
          .values(owner.kind === "user" ? { userId: owner.userId } : { memberId: owner.memberId })
          .onConflictDoNothing()
          .returning({ at: reminderOptOuts.createdAt })
      : await tx.delete(reminderOptOuts).where(where).returning({ at: reminderOptOuts.createdAt });
    if (changed.length === 0) return;
    await recordAudit(
      actor,
      {
        action: "reminder.settings",
        subjectType: owner.kind,
        subjectId: owner.kind === "user" ? owner.userId : owner.memberId,
        ...(personId ? { personId } : {}),
        details: { off },
      },
      tx,
    );
  });
}
