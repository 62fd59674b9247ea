import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  meetingLeaders,
  meetings,
  minutesCorrections,
  minutesReviews,
  minutesVersions,
  networkMembers,
  users,
} from "../../../db/schema";
import { PERSON_REF, type Ref } from "../agenda/document";
import { announceAccessChange } from "../access/access-events.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { documentStateNow } from "../documents/state.server";
import { managedMeeting } from "../meetings/meetings.server";
import { invitationActorLabel, type CurrentInvitation } from "../access/invitations.server";
import { attendanceLines, markedAttendance, meetingParticipants } from "./attendance.server";
import { tellMembers } from "./notify.server";
import { renderMinutes } from "./render.server";
import {
  auditPlanSnapshot,
  hasPlanSnapshot,
  readPlanNow,
  storePlanSnapshot,
} from "../plan/plan-history.server";
import type { RenderedMinutes, ReviewLine } from "./types";

/*
 * The minutes of a meeting (ADR 015): versions made by closing the meeting, reviewed by the
 * person, locked by a leader, corrected by new versions. A version's content is written once
 * (the database refuses any other update; migration 0009); only the lock is set, once.
 */

type Context = { clientIp: string };

/** The minutes are in a state that does not allow this (the message key says which). */
export class MinutesStateError extends Error {
  override name = "MinutesStateError";
  constructor(
    readonly reason:
      | "cancelled"
      | "noVersion"
      | "locked"
      | "notLatest"
      | "notReviewed"
      | "notLocked"
      | "notPerson",
  ) {
    super(reason);
  }
}

export type VersionRow = typeof minutesVersions.$inferSelect;

/** The newest version of a meeting's minutes, or null. */
export async function latestVersion(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<VersionRow | null> {
  const [row] = await db
    .select()
    .from(minutesVersions)
    .where(eq(minutesVersions.meetingId, meetingId))
    .orderBy(desc(minutesVersions.version))
    .limit(1);
  return row ?? null;
}

/** Whether a correction was opened after version `version` of the meeting was locked. */
async function correctionOpen(meetingId: string, version: number, db: Database) {
  const [row] = await db
    .select({ id: minutesCorrections.id })
    .from(minutesCorrections)
    .where(
      and(eq(minutesCorrections.meetingId, meetingId), eq(minutesCorrections.fromVersion, version)),
    );
  return !!row;
}

/** Names of everyone a document of this meeting may refer to (person, members, accounts). */
async function refNames(meetingId: string, personName: string, db: Database) {
  const [meeting] = await db
    .select({ networkId: meetings.networkId })
    .from(meetings)
    .where(eq(meetings.id, meetingId));
  const names = new Map<Ref, string>([[PERSON_REF, personName]]);
  const members = await db
    .select({ id: networkMembers.id, name: networkMembers.name, userId: networkMembers.userId })
    .from(networkMembers)
    .where(eq(networkMembers.networkId, meeting!.networkId));
  for (const m of members) names.set(`member:${m.id}`, m.name);
  return { names, memberUserIds: members.flatMap((m) => (m.userId ? [m.userId] : [])) };
}

/**
 * Closes the meeting into minutes: makes the next version from the agenda as it is now, with
 * attendance and the meeting's facts, and returns its number. Idempotent: while the newest
 * version is not locked, or is locked without an open correction, it returns that version and
 * makes nothing (a second click, two leaders at once). Only for those who manage the meeting
 * (else the 404 answer); throws MinutesStateError("cancelled") for a cancelled meeting.
 */
export async function closeMeeting(
  user: SessionUser,
  context: Context,
  meetingId: string,
): Promise<{ version: number; created: boolean }> {
  const access = await managedMeeting(user, meetingId);
  const meeting = access.found.meeting;
  if (meeting.status === "cancelled") throw new MinutesStateError("cancelled");
  const { db } = getDatabase();
  const existing = await latestVersion(meetingId, db);
  if (existing && !(existing.lockedAt && (await correctionOpen(meetingId, existing.version, db))))
    return { version: existing.version, created: false };
  // Read outside the transaction: the realtime server answers from its loaded document.
  const state = await documentStateNow(`agenda:${meetingId}`);
  return db.transaction(async (tx) => {
    const participants = await meetingParticipants(meetingId, tx);
    const { names, memberUserIds } = await refNames(meetingId, participants.personName, tx);
    const accountIds = [...new Set([...participants.leaders.map((l) => l.id), ...memberUserIds])];
    const accounts = accountIds.length
      ? await tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, accountIds))
      : [];
    for (const a of accounts) names.set(`user:${a.id}`, a.name);
    const closedAt = new Date();
    const rendered = renderMinutes(state, {
      meeting: {
        title: meeting.internalTitle,
        kind: meeting.kind,
        startsAt: meeting.startsAt.toISOString(),
        durationMinutes: meeting.durationMinutes,
        place: meeting.place,
        videoLink: meeting.videoLink,
        leaders: participants.leaders.map((l) => l.name),
      },
      attendance: attendanceLines(participants, await markedAttendance(meetingId, tx)),
      names,
      closedBy: user.name,
      closedAt,
    });
    const version = (existing?.version ?? 0) + 1;
    const [inserted] = await tx
      .insert(minutesVersions)
      .values({ meetingId, version, state, rendered, closedByUserId: user.id, closedAt })
      .onConflictDoNothing()
      .returning({ version: minutesVersions.version });
    // Another leader made this version in the same moment: theirs is the one.
    if (!inserted) return { version, created: false };
    await recordAudit(
      auditActor(user, context),
      {
        action: "minutes.close",
        subjectType: "meeting",
        subjectId: meetingId,
        personId: access.personId,
        details: { version },
      },
      tx,
    );
    return { version, created: true };
  });
}

/**
 * Who is giving a review. `meeting`: a leader records the answer the person gave together with
 * them in the meeting. `invitation`: the holder of a personal link (wired when invitations can
 * be the person's; see isPersonOf).
 */
export type ReviewAsker =
  { kind: "meeting"; user: SessionUser } | { kind: "invitation"; invitation: CurrentInvitation };

/**
 * THE one answer to "is this asker the person of this meeting" for reviews. A leader who
 * manages the meeting and records the answer as given by the person in the meeting counts as
 * the person for that review; so does the person's own personal link (ADR 013).
 */
export async function isPersonOf(asker: ReviewAsker, meetingId: string): Promise<boolean> {
  if (asker.kind === "meeting") {
    await managedMeeting(asker.user, meetingId);
    return true;
  }
  // The person's own current link to this meeting (ADR 013); never once it is cancelled.
  const { invitation } = asker;
  return invitation.isPerson && invitation.meeting.id === meetingId && !invitation.cancelled;
}

/**
 * Saves the person's review of version `version`: an approval, or a comment (disagreement
 * included) kept exactly as written. Throws MinutesStateError: notPerson, noVersion, locked,
 * notLatest. Logged (without the text).
 */
export async function reviewMinutes(
  asker: ReviewAsker,
  context: Context,
  meetingId: string,
  review: { version: number; approved: boolean; comment: string | null },
): Promise<void> {
  if (!(await isPersonOf(asker, meetingId))) throw new MinutesStateError("notPerson");
  const access = asker.kind === "meeting" ? await managedMeeting(asker.user, meetingId) : null;
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    const latest = await latestVersion(meetingId, tx);
    if (!latest) throw new MinutesStateError("noVersion");
    if (latest.version !== review.version) throw new MinutesStateError("notLatest");
    if (latest.lockedAt) throw new MinutesStateError("locked");
    await tx.insert(minutesReviews).values({
      versionId: latest.id,
      approved: review.approved,
      comment: review.comment,
      givenVia: asker.kind === "meeting" ? "meeting" : "link",
      recordedByUserId: asker.kind === "meeting" ? asker.user.id : null,
      invitationId: asker.kind === "invitation" ? asker.invitation.invitation.id : null,
    });
    await recordAudit(
      asker.kind === "meeting"
        ? auditActor(asker.user, context)
        : {
            label: invitationActorLabel(asker.invitation),
            municipalityId: asker.invitation.municipalityId,
            ip: context.clientIp,
          },
      {
        action: "minutes.review",
        subjectType: "meeting",
        subjectId: meetingId,
        personId:
          access?.personId ?? (asker.kind === "invitation" ? asker.invitation.personId : undefined),
        details: { version: latest.version, approved: review.approved, via: asker.kind },
      },
      tx,
    );
  });
}

/**
 * Locks version `version`: from then on it never changes, the agenda is read-only, and
 * members with consent for "minutes" are told (same transaction). It must have the person's
 * review, or `unreviewedReason` says why not. A second click on a locked version changes
 * nothing. Throws MinutesStateError: noVersion, notLatest, notReviewed.
 */
export async function lockMinutes(
  user: SessionUser,
  context: Context,
  meetingId: string,
  version: number,
  unreviewedReason: string | null,
): Promise<{ locked: boolean }> {
  const access = await managedMeeting(user, meetingId);
  const { db } = getDatabase();
  const networkId = access.found.meeting.networkId;
  // The plan as it stands at the lock (ADR 020), read outside the transaction like the agenda
  // at close; only the first lock of a meeting stores it.
  const plan = (await hasPlanSnapshot(meetingId, db)) ? null : await readPlanNow(networkId);
  return db.transaction(async (tx) => {
    // Two locks at once (a double click, two leaders) wait here for each other, so the second
    // sees the first's lock and changes nothing (the versions' trigger would refuse it).
    await tx
      .select({ id: minutesVersions.id })
      .from(minutesVersions)
      .where(eq(minutesVersions.meetingId, meetingId))
      .for("update");
    const latest = await latestVersion(meetingId, tx);
    if (!latest) throw new MinutesStateError("noVersion");
    if (latest.version !== version) throw new MinutesStateError("notLatest");
    if (latest.lockedAt) return { locked: false };
    if (plan && (await storePlanSnapshot(tx, { networkId, meetingId, plan }))) {
      await auditPlanSnapshot(tx, user, context, { meetingId, personId: access.personId });
    }
    const [review] = await tx
      .select({ id: minutesReviews.id })
      .from(minutesReviews)
      .where(eq(minutesReviews.versionId, latest.id))
      .limit(1);
    if (!review && !unreviewedReason) throw new MinutesStateError("notReviewed");
    await tx
      .update(minutesVersions)
      .set({
        lockedAt: new Date(),
        lockedByUserId: user.id,
        unreviewedReason: review ? null : unreviewedReason,
      })
      .where(eq(minutesVersions.id, latest.id));
    // Open editors of the agenda become readers at once (realtime recheck).
    await announceAccessChange(tx, { personId: access.personId });
    const told = await tellMembers(tx, {
      id: meetingId,
      municipalityId: user.municipalityId,
    });
    await recordAudit(
      auditActor(user, context),
      {
        action: "minutes.lock",
        subjectType: "meeting",
        subjectId: meetingId,
        personId: access.personId,
        details: { version, reviewed: !!review, told },
      },
      tx,
    );
    return { locked: true };
  });
}

/**
 * Opens a correction of the locked newest version: leaders may edit the agenda again until
 * they close the meeting into the next version. A second click opens nothing new. Throws
 * MinutesStateError: noVersion, notLocked.
 */
export async function openCorrection(
  user: SessionUser,
  context: Context,
  meetingId: string,
  reason: string,
): Promise<void> {
  const access = await managedMeeting(user, meetingId);
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    const latest = await latestVersion(meetingId, tx);
    if (!latest) throw new MinutesStateError("noVersion");
    if (!latest.lockedAt) throw new MinutesStateError("notLocked");
    const [opened] = await tx
      .insert(minutesCorrections)
      .values({ meetingId, fromVersion: latest.version, reason, openedByUserId: user.id })
      .onConflictDoNothing()
      .returning({ id: minutesCorrections.id });
    if (!opened) return;
    await recordAudit(
      auditActor(user, context),
      {
        action: "minutes.correction_open",
        subjectType: "meeting",
        subjectId: meetingId,
        personId: access.personId,
        details: { fromVersion: latest.version },
      },
      tx,
    );
  });
}

export interface VersionSummary {
  version: number;
  closedAt: string;
  lockedAt: string | null;
  reviews: number;
}

export interface MinutesVersionView {
  version: number;
  rendered: RenderedMinutes;
  lockedAt: string | null;
  unreviewedReason: string | null;
  reviews: ReviewLine[];
}

/**
 * The versions a reader may see (leaders: all; everyone else: locked ones only), newest first,
 * and the chosen one (`version`, default the newest visible) with its reviews. null when there
 * is none to show, or the chosen one is not visible.
 */
export async function readMinutes(
  meetingId: string,
  options: { lockedOnly: boolean; version?: number },
  db: Database = getDatabase().db,
): Promise<{ versions: VersionSummary[]; selected: MinutesVersionView } | null> {
  const rows = await db
    .select({
      id: minutesVersions.id,
      version: minutesVersions.version,
      closedAt: minutesVersions.closedAt,
      lockedAt: minutesVersions.lockedAt,
    })
    .from(minutesVersions)
    .where(eq(minutesVersions.meetingId, meetingId))
    .orderBy(desc(minutesVersions.version));
  const visible = options.lockedOnly ? rows.filter((r) => r.lockedAt) : rows;
  const chosen =
    options.version === undefined ? visible[0] : visible.find((r) => r.version === options.version);
  if (!chosen) return null;
  const reviews = await db
    .select()
    .from(minutesReviews)
    .where(
      inArray(
        minutesReviews.versionId,
        visible.map((r) => r.id),
      ),
    )
    .orderBy(asc(minutesReviews.createdAt));
  const [full] = await db.select().from(minutesVersions).where(eq(minutesVersions.id, chosen.id));
  return {
    versions: visible.map((r) => ({
      version: r.version,
      closedAt: r.closedAt.toISOString(),
      lockedAt: r.lockedAt?.toISOString() ?? null,
      reviews: reviews.filter((v) => v.versionId === r.id).length,
    })),
    selected: {
      version: full!.version,
      rendered: full!.rendered as RenderedMinutes,
      lockedAt: full!.lockedAt?.toISOString() ?? null,
      unreviewedReason: full!.unreviewedReason,
      reviews: reviews
        .filter((v) => v.versionId === chosen.id)
        .map((v) => ({
          approved: v.approved,
          comment: v.comment,
          givenVia: v.givenVia === "link" ? "link" : "meeting",
          at: v.createdAt.toISOString(),
        })),
    },
  };
}

/** Ids of the meeting's leaders (they are not told by e-mail: they locked the minutes). */
export async function meetingLeaderIds(meetingId: string, db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: meetingLeaders.userId })
    .from(meetingLeaders)
    .where(eq(meetingLeaders.meetingId, meetingId));
  return rows.map((r) => r.id);
}
