import { and, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import type { InvitationResponse } from "../../../db/enums";
import { invitations, meetings } from "../../../db/schema";

/*
 * Answers to invitations (ADR 011). An answer holds for the time it was given for: when the
 * start or end of a meeting changes, every answer is reset to "needs action" and kept as the
 * member's previous answer, with the time it was for, until they answer again. Both ways of
 * answering (the invitation link and the meeting page) save through saveAnswer.
 */

export type GivenAnswer = Exclude<InvitationResponse, "needs_action">;

/** The time an answer is given for, as answer forms carry it back: start and duration. */
export function answerSlot(meeting: { startsAt: Date; durationMinutes: number }): string {
  return `${meeting.startsAt.toISOString()}/${meeting.durationMinutes}`;
}

/**
 * Saves a member's answer in `tx`. The meeting row is read FOR SHARE, so an answer cannot slip
 * in between a time change and its reset. `slot` is the time the member saw when answering
 * (answerSlot); an answer for a time the meeting no longer has is refused ("outdated"), and
 * so is one to a cancelled meeting.
 */
export async function saveAnswer(
  tx: Database,
  answer: { invitationId: string; meetingId: string; response: GivenAnswer; slot?: string },
): Promise<
  | { saved: true; startsAt: Date; durationMinutes: number }
  | { saved: false; reason: "outdated" | "cancelled" }
> {
  const [meeting] = await tx
    .select({
      startsAt: meetings.startsAt,
      durationMinutes: meetings.durationMinutes,
      status: meetings.status,
    })
    .from(meetings)
    .where(eq(meetings.id, answer.meetingId))
    .for("share");
  if (!meeting || meeting.status === "cancelled") return { saved: false, reason: "cancelled" };
  if (answer.slot !== undefined && answer.slot !== answerSlot(meeting)) {
    return { saved: false, reason: "outdated" };
  }
  await tx
    .update(invitations)
    .set({
      response: answer.response,
      respondedAt: new Date(),
      // Answered again: the earlier answer (in the audit log) no longer needs showing.
      previousResponse: null,
      previousRespondedAt: null,
      previousStartsAt: null,
      previousDurationMinutes: null,
    })
    .where(eq(invitations.id, answer.invitationId));
  return { saved: true, startsAt: meeting.startsAt, durationMinutes: meeting.durationMinutes };
}

export interface ResetAnswer {
  invitationId: string;
  response: InvitationResponse;
  respondedAt: string | null;
}

/**
 * After the meeting's start or end changed: every current answer goes back to "needs action"
 * and is kept as the previous answer for the time `before`. An invitation already waiting for a
 * new answer keeps the previous answer it has (the last one the member actually gave). Returns
 * the answers reset, for the audit entry of the change.
 */
export async function resetAnswers(
  tx: Database,
  meetingId: string,
  before: { startsAt: Date; durationMinutes: number },
): Promise<ResetAnswer[]> {
  // SET expressions read the row as it was, so previous_* take the old answer.
  const rows = await tx
    .update(invitations)
    .set({
      previousResponse: sql`${invitations.response}`,
      previousRespondedAt: sql`${invitations.respondedAt}`,
      previousStartsAt: before.startsAt,
      previousDurationMinutes: before.durationMinutes,
      response: "needs_action",
      respondedAt: null,
    })
    .where(
      and(
        eq(invitations.meetingId, meetingId),
        isNull(invitations.revokedAt),
        ne(invitations.response, "needs_action"),
      ),
    )
    .returning({
      invitationId: invitations.id,
      response: invitations.previousResponse,
      respondedAt: invitations.previousRespondedAt,
    });
  return rows.map((r) => ({
    invitationId: r.invitationId,
    response: r.response!,
    respondedAt: r.respondedAt?.toISOString() ?? null,
  }));
}

/** The answer an invitation had before the time last changed, as pages show it; or null. */
export function previousAnswer(invitation: {
  previousResponse: InvitationResponse | null;
  previousRespondedAt: Date | null;
  previousStartsAt: Date | null;
  previousDurationMinutes: number | null;
}) {
  if (!invitation.previousResponse || !invitation.previousStartsAt) return null;
  return {
    response: invitation.previousResponse,
    respondedAt: invitation.previousRespondedAt?.toISOString() ?? null,
    startsAt: invitation.previousStartsAt.toISOString(),
    durationMinutes: invitation.previousDurationMinutes ?? 0,
  };
}
