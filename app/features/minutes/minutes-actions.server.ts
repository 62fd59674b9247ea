import { data } from "@remix-run/node";
import type { SessionUser } from "../accounts/session.server";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import type { MessageKey } from "../../i18n/nb";
import {
  closeMeeting,
  lockMinutes,
  MinutesStateError,
  openCorrection,
  reviewMinutes,
} from "./minutes.server";
import {
  CorrectionForm,
  LockForm,
  MinutesIntent,
  PersonReviewForm,
  ReviewForm,
} from "./minutes-form.server";
import { invitationByToken } from "../access/invitations.server";
import { isPersonOf } from "./minutes.server";

const STATE_MESSAGE: Record<MinutesStateError["reason"], MessageKey> = {
  cancelled: "minutes.stateCancelled",
  noVersion: "minutes.stateNoVersion",
  locked: "minutes.stateLocked",
  notLatest: "minutes.stateNotLatest",
  notReviewed: "minutes.reasonRequired",
  notLocked: "minutes.stateNotLocked",
  notPerson: "minutes.stateNotPerson",
};

export type MinutesDone = { ok: true; notice: MessageKey; version?: number };

/**
 * The minutes page's buttons for a leader (close, record the person's answer, lock, open a
 * correction): validates the form (400 with field errors), calls the feature, and turns a
 * state refusal into a 409 with a message. Access is checked by the feature functions.
 */
export async function minutesAction(
  manager: SessionUser,
  context: { clientIp: string },
  meetingId: string,
  form: FormData,
) {
  const fields = formFields(form);
  const intent = validate(MinutesIntent, fields);
  if (!intent.ok) return badRequest(intent.errors);
  try {
    switch (intent.value.intent) {
      case "close": {
        const { version } = await closeMeeting(manager, context, meetingId);
        return data<MinutesDone>({ ok: true, notice: "minutes.closed", version });
      }
      case "review": {
        const review = validate(ReviewForm, fields);
        if (!review.ok) return badRequest(review.errors, { values: fields });
        await reviewMinutes({ kind: "meeting", user: manager }, context, meetingId, {
          version: review.value.version,
          approved: review.value.answer === "approve",
          comment: review.value.comment === "" ? null : review.value.comment,
        });
        return data<MinutesDone>({ ok: true, notice: "minutes.reviewSaved" });
      }
      case "lock": {
        const lock = validate(LockForm, fields);
        if (!lock.ok) return badRequest(lock.errors, { values: fields });
        const reason = lock.value.reason.trim() === "" ? null : lock.value.reason;
        await lockMinutes(manager, context, meetingId, lock.value.version, reason);
        return data<MinutesDone>({ ok: true, notice: "minutes.locked" });
      }
      case "correct": {
        const correction = validate(CorrectionForm, fields);
        if (!correction.ok) return badRequest(correction.errors, { values: fields });
        await openCorrection(manager, context, meetingId, correction.value.reason);
        return data<MinutesDone>({ ok: true, notice: "minutes.correctionOpened" });
      }
    }
  } catch (error) {
    if (error instanceof MinutesStateError) {
      const field = error.reason === "notReviewed" ? "reason" : "intent";
      return data(
        { ok: false as const, errors: { [field]: [message(STATE_MESSAGE[error.reason])] } },
        { status: 409 },
      );
    }
    throw error;
  }
}

/**
 * The person's own review through their personal link `token`: 404 for a link that does not
 * work, 403 for a link that is not the person's (isPersonOf), 400 for a form error, 409 when
 * the version is locked or no longer the newest. Saves an approval or a comment as written.
 */
export async function reviewThroughLink(
  token: string,
  context: { clientIp: string },
  form: FormData,
) {
  const found = await invitationByToken(token);
  if (!found) throw new Response("Not found", { status: 404 });
  const asker = { kind: "invitation" as const, invitation: found };
  if (!(await isPersonOf(asker, found.meeting.id))) {
    throw new Response("Forbidden", { status: 403 });
  }
  const fields = formFields(form);
  const review = validate(PersonReviewForm, fields);
  if (!review.ok) return badRequest(review.errors, { values: fields });
  try {
    await reviewMinutes(asker, context, found.meeting.id, {
      version: review.value.version,
      approved: review.value.answer === "approve",
      comment: review.value.comment === "" ? null : review.value.comment,
    });
  } catch (error) {
    if (error instanceof MinutesStateError) {
      return data(
        { ok: false as const, errors: { intent: [message(STATE_MESSAGE[error.reason])] } },
        { status: 409 },
      );
    }
    throw error;
  }
  return data<MinutesDone>({ ok: true, notice: "minutes.reviewSaved" });
}
