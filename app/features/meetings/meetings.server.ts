import { and, asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { MeetingKind } from "../../../db/enums";
import {
  invitations,
  meetingLeaders,
  meetings,
  networkMembers,
  networks,
  persons,
  users,
} from "../../../db/schema";
import { networkAccess, notFound, visibleNetworks } from "../access/access.server";
import { currentInvitation, invitationIsCurrent } from "../access/invitations.server";
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { saveAnswer, type GivenAnswer } from "./answers.server";

type Context = { clientIp: string };

/** A chosen member is not a current member, or a series cannot repeat until the revision. */
export class MeetingChoiceError extends Error {
  constructor(readonly field: "memberId" | "repeat") {
    super(field);
  }
}

export class MeetingCancelledError extends Error {}

/** An answer given for a time the meeting no longer has (it was moved meanwhile). */
export class AnswerOutdatedError extends Error {}

/**
 * The fields a leader edits, compared to tell a second editor what the first one changed.
 * (Which changes reach calendars is decided from what calendars show: updates.server.ts.)
 */
export const EDITABLE = [
  "startsAt",
  "durationMinutes",
  "place",
  "videoLink",
  "kind",
  "internalTitle",
  "calendarTitle",
  "detailsInInvites",
] as const;

export type MeetingSnapshot = Record<(typeof EDITABLE)[number], string>;

export function snapshotOf(meeting: {
  startsAt: Date;
  durationMinutes: number;
  place: string | null;
  videoLink: string | null;
  kind: MeetingKind;
  internalTitle: string;
  calendarTitle: string;
  detailsInInvites: boolean;
}): MeetingSnapshot {
  return {
    startsAt: meeting.startsAt.toISOString(),
    durationMinutes: String(meeting.durationMinutes),
    place: meeting.place ?? "",
    videoLink: meeting.videoLink ?? "",
    kind: meeting.kind,
    internalTitle: meeting.internalTitle,
    calendarTitle: meeting.calendarTitle,
    detailsInInvites: String(meeting.detailsInInvites),
  };
}

/**
 * Who may see a meeting: those who manage its network, and partners with an account whose
 * invitation is current (access/invitations.server.ts; a cancelled meeting shows only that).
 */
export async function meetingAccess(user: SessionUser, meetingId: string) {
  const { db } = getDatabase();
  // The meeting with its network and person in one query: the access decision and the page
  // read the same row.
  const [found] = await db
    .select({ meeting: meetings, personId: networks.personId, personName: persons.name })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(meetings.id, meetingId));
  if (!found) return { level: "none" as const };
  const { meeting, personId } = found;
  const access = await networkAccess(user, meeting.networkId, personId);
  if (access.level === "manage") {
    return { level: "manage" as const, personId, networkId: meeting.networkId, found };
  }
  if (access.level !== "member") return { level: "none" as const };
  const own = await currentInvitation({ userId: user.id, meetingId }, db);
  if (!own) return { level: "none" as const };
  return {
    level: "invitee" as const,
    personId,
    networkId: meeting.networkId,
    found,
    invitationId: own.invitation.id,
    invitation: own,
  };
}

/**
 * The one answer to "may this user manage this meeting": those who manage its network.
 * Returns the meeting's network and person; throws the 404 answer otherwise.
 */
export async function managedMeeting(user: SessionUser, meetingId: string) {
  const access = await meetingAccess(user, meetingId);
  if (access.level !== "manage") notFound();
  return access;
}

/** A meeting as the user may see it, with the replies for those who manage it; logged. */
export async function viewMeeting(user: SessionUser, context: Context, meetingId: string) {
  const access = await meetingAccess(user, meetingId);
  if (access.level === "none") notFound();
  const { db } = getDatabase();
  const row = access.found;
  const leaders = await db
    .select({ id: users.id, name: users.name })
    .from(meetingLeaders)
    .innerJoin(users, eq(users.id, meetingLeaders.userId))
    .where(eq(meetingLeaders.meetingId, meetingId));
  const invited = await db
    .select({
      id: invitations.id,
      memberId: invitations.memberId,
      name: networkMembers.name,
      isPerson: networkMembers.isPerson,
      hasEmail: sql<boolean>`coalesce(${networkMembers.email}, ${users.email}) is not null`,
      response: invitations.response,
      respondedAt: invitations.respondedAt,
      previousResponse: invitations.previousResponse,
      previousRespondedAt: invitations.previousRespondedAt,
      previousStartsAt: invitations.previousStartsAt,
      previousDurationMinutes: invitations.previousDurationMinutes,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .where(eq(invitations.meetingId, meetingId))
    // The person first in the answers (ADR 013), then the others by name.
    .orderBy(desc(networkMembers.isPerson), asc(networkMembers.name));
  await recordAuditNow(auditActor(user, context), {
    action: "meeting.view",
    subjectType: "meeting",
    subjectId: meetingId,
    personId: access.personId,
  });
  const current = invited.filter((i) => !i.revokedAt);
  return {
    manage: access.level === "manage",
    meeting: row.meeting,
    personName: row.personName,
    leaders,
    invited:
      access.level === "manage" ? current : current.filter((i) => i.id === access.invitationId),
    ownInvitationId: access.level === "invitee" ? access.invitationId : null,
  };
}

export interface MeetingFilter {
  /** "all": every status and time (feeds), within from/to. */
  tab: "upcoming" | "past" | "cancelled" | "all";
  networkId?: string | null;
  kind?: MeetingKind | null;
  from?: Date;
  to?: Date;
  /** Paging for the list view; calendar views are bounded by their date range instead. */
  limit?: number;
  offset?: number;
}

/** Which parts of the list query a filter uses; one prepared query per combination. */
function listShape(filter: MeetingFilter) {
  return {
    tab: filter.tab,
    network: !!filter.networkId,
    kind: !!filter.kind,
    from: !!filter.from,
    to: !!filter.to,
  };
}
type ListShape = ReturnType<typeof listShape>;

/*
 * The list query with its values as placeholders, built once per database and shape: drizzle's
 * query building cost more than PostgreSQL answering it (issue 3). The visible networks and
 * invited meetings are array parameters (`= any($n)`), so the text does not vary with their
 * number and PostgreSQL keeps one prepared statement per shape.
 */
function buildListQuery(db: Database, shape: ListShape) {
  const conditions = [
    sql`(${meetings.networkId} = any(${sql.placeholder("managedNetworkIds")}) or ${meetings.id} = any(${sql.placeholder("invitedMeetingIds")}))`,
  ];
  if (shape.network) conditions.push(eq(meetings.networkId, sql.placeholder("networkId")));
  if (shape.kind) conditions.push(eq(meetings.kind, sql.placeholder("kind")));
  if (shape.from) conditions.push(gte(meetings.startsAt, sql.placeholder("from")));
  if (shape.to) conditions.push(lt(meetings.startsAt, sql.placeholder("to")));
  if (shape.tab === "cancelled") conditions.push(eq(meetings.status, "cancelled"));
  else if (shape.tab !== "all") {
    conditions.push(eq(meetings.status, "scheduled"));
    conditions.push(
      shape.tab === "upcoming"
        ? gte(meetings.startsAt, sql.placeholder("upcomingFrom"))
        : lt(meetings.startsAt, sql.placeholder("now")),
    );
  }
  return db
    .select({
      id: meetings.id,
      kind: meetings.kind,
      startsAt: meetings.startsAt,
      durationMinutes: meetings.durationMinutes,
      place: meetings.place,
      videoLink: meetings.videoLink,
      internalTitle: meetings.internalTitle,
      calendarTitle: meetings.calendarTitle,
      icalUid: meetings.icalUid,
      sequence: meetings.sequence,
      status: meetings.status,
      networkId: meetings.networkId,
      personName: persons.name,
    })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(and(...conditions))
    .orderBy(
      shape.tab === "upcoming" || shape.tab === "all"
        ? asc(meetings.startsAt)
        : desc(meetings.startsAt),
    )
    .limit(sql.placeholder("limit"))
    .offset(sql.placeholder("offset"))
    .prepare("list_meetings");
}
const listQueries = new WeakMap<Database, Map<string, ReturnType<typeof buildListQuery>>>();

function listQuery(db: Database, shape: ListShape) {
  let byShape = listQueries.get(db);
  if (!byShape) {
    byShape = new Map();
    listQueries.set(db, byShape);
  }
  const key = JSON.stringify(shape);
  let query = byShape.get(key);
  if (!query) {
    query = buildListQuery(db, shape);
    byShape.set(key, query);
  }
  return query;
}

/** Meetings in networks the user manages, and meetings they are invited to as a partner. */
export async function listMeetings(user: SessionUser, filter: MeetingFilter) {
  const networksSeen = await visibleNetworks(user);
  const managedNetworkIds = networksSeen.filter((n) => n.manage).map((n) => n.id);
  const { db } = getDatabase();
  const invitedMeetingIds = networksSeen.some((n) => n.member)
    ? (
        await db
          .select({ id: invitations.meetingId })
          .from(invitations)
          .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
          .where(and(eq(networkMembers.userId, user.id), invitationIsCurrent({ viaLink: false })))
      ).map((r) => r.id)
    : [];
  if (managedNetworkIds.length === 0 && invitedMeetingIds.length === 0) return [];
  const now = new Date();
  // Timestamps as ISO text, as drizzle's timestamp column would send them.
  const rows = await listQuery(db, listShape(filter)).execute({
    managedNetworkIds,
    invitedMeetingIds,
    networkId: filter.networkId ?? null,
    kind: filter.kind ?? null,
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    upcomingFrom: new Date(now.getTime() - 60 * 60_000).toISOString(),
    now: now.toISOString(),
    limit: Math.min(filter.limit ?? 500, 2000),
    offset: filter.offset ?? 0,
  });
  return rows.map((r) => ({ ...r, manage: managedNetworkIds.includes(r.networkId) }));
}

/** An account user's own answer to a meeting they are invited to, for the time `slot`. */
export async function respondAsUser(
  user: SessionUser,
  context: Context,
  meetingId: string,
  response: GivenAnswer,
  slot?: string,
) {
  const access = await meetingAccess(user, meetingId);
  if (access.level !== "invitee") notFound();
  if (access.invitation.cancelled) throw new MeetingCancelledError();
  await getDatabase().db.transaction(async (tx) => {
    const saved = await saveAnswer(tx, {
      invitationId: access.invitationId,
      meetingId,
      response,
      slot,
    });
    if (!saved.saved) {
      throw saved.reason === "cancelled" ? new MeetingCancelledError() : new AnswerOutdatedError();
    }
    await recordAudit(
      auditActor(user, context),
      {
        action: "invitation.respond",
        subjectType: "invitation",
        subjectId: access.invitationId,
        personId: access.personId,
        details: {
          response,
          forStartsAt: saved.startsAt.toISOString(),
          forDurationMinutes: saved.durationMinutes,
        },
      },
      tx,
    );
  });
}
