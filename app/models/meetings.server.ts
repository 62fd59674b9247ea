import { and, asc, desc, eq, gte, inArray, isNull, lt, sql } from "drizzle-orm";
import { getDatabase } from "../../db/client";
import type { InvitationResponse, MeetingKind } from "../../db/enums";
import {
  invitations,
  meetingLeaders,
  meetings,
  networkMembers,
  networks,
  persons,
  users,
} from "../../db/schema";
import { networkAccess, notFound, visibleNetworks } from "./access.server";
import { auditActor, recordAudit } from "./audit.server";
import type { SessionUser } from "./session.server";

type Context = { clientIp: string };

export class MeetingChoiceError extends Error {
  constructor(readonly field: "memberId" | "leaderId" | "repeat") {
    super(field);
  }
}

export class MeetingCancelledError extends Error {}

/** The fields whose change is material for calendars (RFC 5546: raise SEQUENCE, re-send). */
export const MATERIAL = ["startsAt", "durationMinutes", "place", "videoLink"] as const;

/** The fields a leader edits, compared to tell a second editor what the first one changed. */
export const EDITABLE = [
  ...MATERIAL,
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

/** Who may see a meeting: those who manage its network, and invited account users. */
export async function meetingAccess(user: SessionUser, meetingId: string) {
  const { db } = getDatabase();
  const [meeting] = await db
    .select({ networkId: meetings.networkId })
    .from(meetings)
    .where(eq(meetings.id, meetingId));
  if (!meeting) return { level: "none" as const };
  const access = await networkAccess(user, meeting.networkId);
  if (access.level === "manage") return { level: "manage" as const, personId: access.personId! };
  const [own] = await db
    .select({ invitationId: invitations.id })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .where(
      and(
        eq(invitations.meetingId, meetingId),
        eq(networkMembers.userId, user.id),
        isNull(invitations.revokedAt),
        isNull(networkMembers.removedAt),
      ),
    );
  if (own && access.level === "member")
    return {
      level: "invitee" as const,
      personId: access.personId!,
      invitationId: own.invitationId,
    };
  return { level: "none" as const };
}

/** A meeting as the user may see it, with the replies for those who manage it; logged. */
export async function viewMeeting(user: SessionUser, context: Context, meetingId: string) {
  const access = await meetingAccess(user, meetingId);
  if (access.level === "none") notFound();
  const { db } = getDatabase();
  const [row] = await db
    .select({ meeting: meetings, personName: persons.name, networkKind: networks.kind })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(meetings.id, meetingId));
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
      hasEmail: sql<boolean>`coalesce(${networkMembers.email}, ${users.email}) is not null`,
      response: invitations.response,
      respondedAt: invitations.respondedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .where(eq(invitations.meetingId, meetingId))
    .orderBy(asc(networkMembers.name));
  await recordAudit(auditActor(user, context), {
    action: "meeting.view",
    subjectType: "meeting",
    subjectId: meetingId,
    personId: access.personId,
  });
  const current = invited.filter((i) => !i.revokedAt);
  return {
    manage: access.level === "manage",
    meeting: row!.meeting,
    personName: row!.personName,
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
          .where(
            and(
              eq(networkMembers.userId, user.id),
              isNull(invitations.revokedAt),
              isNull(networkMembers.removedAt),
            ),
          )
      ).map((r) => r.id)
    : [];
  if (managedNetworkIds.length === 0 && invitedMeetingIds.length === 0) return [];
  const now = new Date();
  const visible = sql`(${managedNetworkIds.length ? inArray(meetings.networkId, managedNetworkIds) : sql`false`} or ${invitedMeetingIds.length ? inArray(meetings.id, invitedMeetingIds) : sql`false`})`;
  const conditions = [visible];
  if (filter.networkId) conditions.push(eq(meetings.networkId, filter.networkId));
  if (filter.kind) conditions.push(eq(meetings.kind, filter.kind));
  if (filter.from) conditions.push(gte(meetings.startsAt, filter.from));
  if (filter.to) conditions.push(lt(meetings.startsAt, filter.to));
  if (filter.tab === "cancelled") conditions.push(eq(meetings.status, "cancelled"));
  else if (filter.tab !== "all") {
    conditions.push(eq(meetings.status, "scheduled"));
    conditions.push(
      filter.tab === "upcoming"
        ? gte(meetings.startsAt, new Date(now.getTime() - 60 * 60_000))
        : lt(meetings.startsAt, now),
    );
  }
  const rows = await db
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
      filter.tab === "upcoming" || filter.tab === "all"
        ? asc(meetings.startsAt)
        : desc(meetings.startsAt),
    )
    .limit(Math.min(filter.limit ?? 500, 2000))
    .offset(filter.offset ?? 0);
  return rows.map((r) => ({ ...r, manage: managedNetworkIds.includes(r.networkId) }));
}

/** An account user's own answer to a meeting they are invited to. */
export async function respondAsUser(
  user: SessionUser,
  context: Context,
  meetingId: string,
  response: Exclude<InvitationResponse, "needs_action">,
) {
  const access = await meetingAccess(user, meetingId);
  if (access.level !== "invitee") notFound();
  await getDatabase().db.transaction(async (tx) => {
    await tx
      .update(invitations)
      .set({ response, respondedAt: new Date() })
      .where(eq(invitations.id, access.invitationId));
    await recordAudit(
      auditActor(user, context),
      {
        action: "invitation.respond",
        subjectType: "invitation",
        subjectId: access.invitationId,
        personId: access.personId,
        details: { response },
      },
      tx,
    );
  });
}
