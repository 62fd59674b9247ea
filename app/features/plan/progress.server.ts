import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { lifeAreas, type LifeArea, type PlanPart } from "../../../db/enums";
import { meetings, progressNotes } from "../../../db/schema";
import { osloToday } from "../../utils/oslo-time";
import type { SessionUser } from "../accounts/session.server";
import { notFound } from "../access/access.server";
import {
  invitationActorLabel,
  invitationMayWrite,
  type CurrentInvitation,
} from "../access/invitations.server";
import { auditActor, recordAudit, recordAuditNow, type AuditActor } from "../audit/audit.server";
import { once, type FormClaim } from "../forms/once.server";
import { planVisibility } from "./plan-history.server";

/*
 * The person's own measure of progress (issue 12, ADR 020): how things are going in the areas
 * they choose, on a plain 1–5 scale with words, and in their own words. Not a diagnosis and
 * not a clinical score. The person (through their link) and the leaders write and read every
 * note; a partner reads only the areas their consent for the plan covers now.
 */

/** Who is asking: a user (a leader records, a partner reads) or the person's own link. */
export type ProgressAsker =
  { kind: "user"; user: SessionUser } | { kind: "invitation"; invitation: CurrentInvitation };

type Context = { clientIp: string };

export interface ProgressNote {
  id: string;
  area: LifeArea;
  /** 1 (hard) to 5 (going well); the page gives each step words. */
  scale: number;
  inMyWords: string;
  /** ISO instant. */
  notedAt: string;
  /** "meeting": a leader wrote it with the person; "link": the person wrote it. */
  via: "meeting" | "link";
  /** When the meeting it was noted in or for started (ISO instant), or null. */
  meetingStartsAt: string | null;
}

/** A meeting of the network a leader may note progress for. */
export interface ProgressMeeting {
  id: string;
  startsAt: string;
}

/** The plain words for each step of the scale (message keys progress.scale1 … scale5). */
export const PROGRESS_SCALE = [1, 2, 3, 4, 5] as const;

interface Decision {
  networkId: string;
  personId: string;
  /** May write notes: leaders who manage the network, and the person through their link. */
  writes: boolean;
  visible: ReadonlySet<PlanPart> | "all";
  actor: AuditActor;
}

async function decide(
  asker: ProgressAsker,
  context: Context,
  networkId: string,
  db: Database,
): Promise<Decision> {
  if (asker.kind === "invitation") {
    const invitation = asker.invitation;
    // Only the person's own, current link; a relative's or partner's link reads nothing here.
    if (invitation.networkId !== networkId || !invitationMayWrite(invitation, "plan")) notFound();
    return {
      networkId,
      personId: invitation.personId,
      writes: true,
      visible: "all",
      actor: { label: invitationActorLabel(invitation), ip: context.clientIp },
    };
  }
  const { personId, visible } = await planVisibility(asker.user, networkId, db);
  return {
    networkId,
    personId,
    writes: visible === "all",
    visible,
    actor: auditActor(asker.user, context),
  };
}

/**
 * Every note of a network's plan that `asker` may see, oldest first: all for leaders and the
 * person, the areas a partner's consent covers now for a partner (none without consent).
 * Throws the 404 answer for anyone who may not see the network. The read is audited.
 */
export async function progressFor(
  asker: ProgressAsker,
  context: Context,
  networkId: string,
): Promise<{
  notes: ProgressNote[];
  writes: boolean;
  areas: LifeArea[];
  /** For leaders: the network's meetings (newest first), and today's meeting if there is one. */
  meetings: ProgressMeeting[];
  meetingToday: string | null;
}> {
  const { db } = getDatabase();
  const decision = await decide(asker, context, networkId, db);
  const areas = lifeAreas.filter(
    (area) => decision.visible === "all" || decision.visible.has(area),
  );
  const rows =
    areas.length === 0
      ? []
      : await db
          .select({ note: progressNotes, meetingStartsAt: meetings.startsAt })
          .from(progressNotes)
          .leftJoin(meetings, eq(meetings.id, progressNotes.meetingId))
          .where(and(eq(progressNotes.networkId, networkId), inArray(progressNotes.area, areas)))
          .orderBy(asc(progressNotes.notedAt), asc(progressNotes.id));
  // Leaders note progress with the person at a meeting (the person's link has no choice).
  const choices =
    decision.writes && asker.kind === "user" ? await networkMeetings(db, networkId) : [];
  const today = osloToday();
  await recordAuditNow(decision.actor, {
    action: "progress.view",
    subjectType: "network",
    subjectId: networkId,
    personId: decision.personId,
    details: { notes: rows.length },
  });
  return {
    writes: decision.writes,
    areas,
    meetings: choices.map((m) => ({ id: m.id, startsAt: m.startsAt.toISOString() })),
    meetingToday: choices.find((m) => osloToday(m.startsAt) === today)?.id ?? null,
    notes: rows.map(({ note: row, meetingStartsAt }) => ({
      id: row.id,
      area: row.area as LifeArea,
      scale: row.scale,
      inMyWords: row.inMyWords,
      notedAt: row.notedAt.toISOString(),
      via: row.recordedByInvitationId ? "link" : "meeting",
      meetingStartsAt: meetingStartsAt?.toISOString() ?? null,
    })),
  };
}

/** The network's meetings that are not cancelled, newest first (at most 50). */
function networkMeetings(db: Database, networkId: string) {
  return db
    .select({ id: meetings.id, startsAt: meetings.startsAt })
    .from(meetings)
    .where(and(eq(meetings.networkId, networkId), isNull(meetings.cancelledAt)))
    .orderBy(desc(meetings.startsAt))
    .limit(50);
}

/** A meeting id that is not one of this network's meetings. Routes answer 400. */
export class UnknownMeetingError extends Error {
  override name = "UnknownMeetingError";
}

/** A note from someone who may read but not write (a partner). Routes answer 403. */
export class ProgressRefusedError extends Error {
  override name = "ProgressRefusedError";
}

/**
 * Stores one note (already validated: ProgressForm) for the network's person, audited in the
 * same transaction, once per form claim (a second click stores nothing more). Leaders who
 * manage the network write with the person; the person writes through their own link.
 * Throws ProgressRefusedError for a partner, the 404 answer for anyone else. Returns its id.
 */
export async function recordProgress(
  asker: ProgressAsker,
  context: Context,
  networkId: string,
  note: { area: LifeArea; scale: number; inMyWords: string; meetingId?: string | null },
  claim?: FormClaim,
): Promise<string> {
  const { db } = getDatabase();
  const decision = await decide(asker, context, networkId, db);
  if (!decision.writes) throw new ProgressRefusedError("Only the person and the leaders write");
  // The meeting is a leader's choice; it must be one of this network's (any other is refused,
  // not quietly dropped, so a wrong form never files a note under another person's meeting).
  const meetingId = asker.kind === "user" ? (note.meetingId ?? null) : null;
  if (meetingId) {
    const [meeting] = await db
      .select({ id: meetings.id })
      .from(meetings)
      .where(and(eq(meetings.id, meetingId), eq(meetings.networkId, networkId)));
    if (!meeting) throw new UnknownMeetingError("Not a meeting of this network");
  }
  return db.transaction((tx) =>
    once(tx, claim, async () => {
      const [row] = await tx
        .insert(progressNotes)
        .values({
          networkId,
          area: note.area,
          scale: note.scale,
          inMyWords: note.inMyWords,
          meetingId,
          recordedByUserId: asker.kind === "user" ? asker.user.id : null,
          recordedByInvitationId:
            asker.kind === "invitation" ? asker.invitation.invitation.id : null,
        })
        .returning({ id: progressNotes.id });
      await recordAudit(
        decision.actor,
        {
          action: "progress.record",
          subjectType: "network",
          subjectId: networkId,
          personId: decision.personId,
          details: {
            area: note.area,
            via: asker.kind === "user" ? "meeting" : "link",
            meeting: meetingId,
          },
        },
        tx,
      );
      return row!.id;
    }),
  );
}
