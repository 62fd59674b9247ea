import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Database } from "../../../db/client";
import {
  invitations,
  meetingLeaders,
  meetingSeries,
  meetings,
  networkMembers,
} from "../../../db/schema";
import { OSLO } from "../../utils/oslo-time";
import type { SessionUser } from "../accounts/session.server";
import { announceAccessChange } from "../access/access-events.server";
import { cancelInTransaction, insertMeeting, MAX_SERIES } from "./changes.server";
import type { MeetingInput } from "./meeting-form.server";
import { MeetingCancelledError } from "./meetings.server";

/*
 * Follow-up series made "until the plan's revision" (meeting_series.until_on) follow the
 * revision date when a leader moves it (plan/plan-revision.server.ts): meetings after a new,
 * earlier date are cancelled (with a CANCEL to everyone invited); a later date continues the
 * series at its own rhythm, same weekday and Oslo wall-clock time, with the last meeting's
 * place, leaders and invitees. Only meetings still ahead are touched: what was held stays.
 */

export interface SeriesShift {
  /** Meetings still ahead that fall after the new date: cancelled when the shift is made. */
  cancel: { meetingId: string; seriesId: string; startsAt: Date }[];
  /** Meetings to add up to the new date, each copying `templateId` (its series' last meeting). */
  add: { seriesId: string; templateId: string; startsAt: Date }[];
  /** The series made until the revision date (their until_on becomes the new date). */
  seriesIds: string[];
}

export const NO_SHIFT: SeriesShift = { cancel: [], add: [], seriesIds: [] };

/**
 * What moving the revision date of `networkId` from `currentOn` to `revisionOn` (yyyy-mm-dd,
 * Oslo dates; a series runs to the end of its day) would do to the series that run until the
 * current revision (until_on = `currentOn`; a series that ended at an earlier revision, or that
 * a leader chose to keep, does not follow), seen at `now`. A cleared date (either null)
 * changes no series. Reads only; `tx` may be any handle.
 */
export async function seriesShift(
  tx: Database,
  networkId: string,
  currentOn: string | null,
  revisionOn: string | null,
  now: Date,
): Promise<SeriesShift> {
  if (!revisionOn || !currentOn) return NO_SHIFT;
  const until = DateTime.fromISO(revisionOn, { zone: OSLO }).endOf("day");
  const series = await tx
    .select({ id: meetingSeries.id, everyWeeks: meetingSeries.everyWeeks })
    .from(meetingSeries)
    .where(and(eq(meetingSeries.networkId, networkId), eq(meetingSeries.untilOn, currentOn)));
  if (series.length === 0) return NO_SHIFT;
  const rows = await tx
    .select({
      id: meetings.id,
      seriesId: meetings.seriesId,
      startsAt: meetings.startsAt,
      status: meetings.status,
    })
    .from(meetings)
    .where(
      inArray(
        meetings.seriesId,
        series.map((s) => s.id),
      ),
    )
    .orderBy(asc(meetings.startsAt));
  const shift: SeriesShift = { cancel: [], add: [], seriesIds: series.map((s) => s.id) };
  for (const { id: seriesId, everyWeeks } of series) {
    const own = rows.filter((m) => m.seriesId === seriesId);
    const first = own[0];
    const template = own.filter((m) => m.status !== "cancelled").at(-1);
    if (!first) continue;
    for (const m of own) {
      if (m.status !== "cancelled" && m.startsAt > now && DateTime.fromJSDate(m.startsAt) > until)
        shift.cancel.push({ meetingId: m.id, seriesId, startsAt: m.startsAt });
    }
    if (!template) continue;
    // After the last meeting not cancelled: a later date brings back meetings an earlier move
    // cancelled (the leader sees each date before confirming).
    const last = template.startsAt;
    const start = DateTime.fromJSDate(first.startsAt, { zone: OSLO });
    let count = own.filter((m) => m.status !== "cancelled").length;
    for (let i = 1; i < MAX_SERIES * 4 && count < MAX_SERIES; i++) {
      const next = start.plus({ weeks: everyWeeks * i });
      if (next > until) break;
      const startsAt = next.toJSDate();
      if (startsAt <= last || startsAt <= now) continue;
      shift.add.push({ seriesId, templateId: template.id, startsAt });
      count++;
    }
  }
  return shift;
}

/**
 * Makes `shift` in `tx` for `user` (who manages the network; the caller checked): cancels and
 * adds the meetings, each with its e-mails and audit row (details name the revision date), and
 * sets the series' until date to `revisionOn`. An added meeting keeps the last one's leaders
 * who may still lead (`mayLead`: leaderChoices, read before the transaction), or else `user`.
 * A meeting someone cancelled meanwhile is left as it is. Returns how many were cancelled and
 * added.
 */
export async function applySeriesShift(
  tx: Database,
  user: SessionUser,
  context: { clientIp: string },
  network: { networkId: string; personId: string },
  shift: SeriesShift,
  revisionOn: string,
  mayLead: ReadonlySet<string>,
): Promise<{ cancelled: number; added: number }> {
  const details = { revisionOn };
  let cancelled = 0;
  for (const { meetingId } of shift.cancel) {
    try {
      await cancelInTransaction(tx, user, context, meetingId, network.personId, details);
      cancelled++;
    } catch (error) {
      if (!(error instanceof MeetingCancelledError)) throw error;
    }
  }
  // What a series' new meetings copy from its last one, read once per series.
  const copied = new Map<string, Omit<MeetingInput, "startsAt"> | null>();
  const copyOf = async (templateId: string) => {
    if (copied.has(templateId)) return copied.get(templateId)!;
    const [template] = await tx.select().from(meetings).where(eq(meetings.id, templateId));
    let copy: Omit<MeetingInput, "startsAt"> | null = null;
    if (template) {
      const leaders = await tx
        .select({ userId: meetingLeaders.userId })
        .from(meetingLeaders)
        .where(eq(meetingLeaders.meetingId, templateId));
      const leaderIds = leaders.map((l) => l.userId).filter((id) => mayLead.has(id));
      // Invitees of the last meeting who are still members of the network.
      const invited = await tx
        .select({ memberId: invitations.memberId })
        .from(invitations)
        .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
        .where(
          and(
            eq(invitations.meetingId, templateId),
            isNull(invitations.revokedAt),
            isNull(networkMembers.removedAt),
          ),
        );
      copy = {
        kind: template.kind,
        durationMinutes: template.durationMinutes,
        place: template.place,
        videoLink: template.videoLink,
        internalTitle: template.internalTitle,
        calendarTitle: template.calendarTitle,
        detailsInInvites: template.detailsInInvites,
        memberIds: invited.map((i) => i.memberId),
        leaderIds: leaderIds.length > 0 ? leaderIds : [user.id],
      };
    }
    copied.set(templateId, copy);
    return copy;
  };
  for (const { seriesId, templateId, startsAt } of shift.add) {
    const copy = await copyOf(templateId);
    if (!copy) continue;
    await insertMeeting(tx, user, context, {
      networkId: network.networkId,
      personId: network.personId,
      seriesId,
      input: { ...copy, startsAt },
      details: { series: true, ...details },
    });
  }
  if (shift.seriesIds.length > 0)
    await tx
      .update(meetingSeries)
      .set({ untilOn: revisionOn })
      .where(inArray(meetingSeries.id, shift.seriesIds));
  if (cancelled > 0) await announceAccessChange(tx, { personId: network.personId });
  return { cancelled, added: shift.add.length };
}
