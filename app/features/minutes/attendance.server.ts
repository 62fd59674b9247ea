import { and, asc, eq, isNull } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  invitations,
  meetingAttendance,
  meetingLeaders,
  meetings,
  networkMembers,
  networks,
  persons,
  users,
} from "../../../db/schema";
import { PERSON_REF } from "../agenda/document";
import { auditActor, recordAudit } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { managedMeeting } from "../meetings/meetings.server";
import type { AttendanceLine } from "./types";

/*
 * Who came to a meeting: the person, each invited member and each leader, marked by a leader.
 * Rows are keyed by the agenda's Ref, so minutes, agenda and attendance name people alike.
 */

/** A submitted participant is not one of the meeting's participants. */
export class AttendanceChoiceError extends Error {
  override name = "AttendanceChoiceError";
}

export interface Participants {
  personName: string;
  members: { memberId: string; name: string }[];
  leaders: { id: string; name: string }[];
}

/**
 * The attendance sheet: one line per participant (person first, then invited members, then
 * leaders), with what was marked (`present` null when nothing was). Pure.
 */
export function attendanceLines(
  participants: Participants,
  marked: ReadonlyMap<string, boolean>,
): AttendanceLine[] {
  const line = (ref: string, name: string, role: AttendanceLine["role"]): AttendanceLine => ({
    ref,
    name,
    role,
    present: marked.get(ref) ?? null,
  });
  return [
    line(PERSON_REF, participants.personName, "person"),
    ...participants.members.map((m) => line(`member:${m.memberId}`, m.name, "member")),
    ...participants.leaders.map((l) => line(`user:${l.id}`, l.name, "leader")),
  ];
}

/** What was marked for a meeting, by Ref. One query. */
export async function markedAttendance(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<Map<string, boolean>> {
  const rows = await db
    .select({ ref: meetingAttendance.ref, present: meetingAttendance.present })
    .from(meetingAttendance)
    .where(eq(meetingAttendance.meetingId, meetingId));
  return new Map(rows.map((r) => [r.ref, r.present]));
}

/** The meeting's participants: the person, members invited (not uninvited) and leaders. */
export async function meetingParticipants(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<Participants> {
  const [person] = await db
    .select({ name: persons.name })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(meetings.id, meetingId));
  const members = await invitedMembers(meetingId, { stillMembers: false }, db);
  const leaders = await leaderNames(meetingId, db);
  return { personName: person?.name ?? "", members, leaders };
}

/**
 * The members invited to a meeting (not uninvited), by name, without the person (who is
 * `person`, not a member: ADR 013). `stillMembers`: only those not removed from the network
 * since (the live agenda); attendance keeps everyone who was invited. Names only.
 */
export function invitedMembers(
  meetingId: string,
  options: { stillMembers: boolean },
  db: Database = getDatabase().db,
): Promise<{ memberId: string; name: string }[]> {
  return db
    .select({ memberId: networkMembers.id, name: networkMembers.name })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .where(
      and(
        eq(invitations.meetingId, meetingId),
        isNull(invitations.revokedAt),
        options.stillMembers ? isNull(networkMembers.removedAt) : undefined,
        eq(networkMembers.isPerson, false),
      ),
    )
    .orderBy(asc(networkMembers.name));
}

/** A meeting's leaders by name. */
export function leaderNames(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: users.id, name: users.name })
    .from(meetingLeaders)
    .innerJoin(users, eq(users.id, meetingLeaders.userId))
    .where(eq(meetingLeaders.meetingId, meetingId))
    .orderBy(asc(users.name));
}

/**
 * Marks who came: every participant named in `present` as present, every other participant
 * as absent. Only for those who manage the meeting (else the 404 answer). Throws
 * AttendanceChoiceError for a Ref that is not a participant of this meeting. Logged.
 */
export async function setAttendance(
  user: SessionUser,
  context: { clientIp: string },
  meetingId: string,
  present: readonly string[],
): Promise<void> {
  const access = await managedMeeting(user, meetingId);
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    const lines = attendanceLines(await meetingParticipants(meetingId, tx), new Map());
    const known = new Set(lines.map((l) => l.ref));
    for (const ref of present) if (!known.has(ref)) throw new AttendanceChoiceError(ref);
    const chosen = new Set(present);
    const recordedAt = new Date();
    for (const line of lines) {
      const values = {
        meetingId,
        ref: line.ref,
        present: chosen.has(line.ref),
        recordedByUserId: user.id,
        recordedAt,
      };
      await tx
        .insert(meetingAttendance)
        .values(values)
        .onConflictDoUpdate({
          target: [meetingAttendance.meetingId, meetingAttendance.ref],
          set: { present: values.present, recordedByUserId: user.id, recordedAt },
        });
    }
    await recordAudit(
      auditActor(user, context),
      {
        action: "attendance.set",
        subjectType: "meeting",
        subjectId: meetingId,
        personId: access.personId,
        details: { present: chosen.size, of: lines.length },
      },
      tx,
    );
  });
}
