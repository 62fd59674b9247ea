import { z } from "zod";
import { message } from "../../utils/validation";
import { intentForm } from "../../utils/validation.server";

/*
 * The minutes page's forms (server only, like every zod rule: ADR 001). Texts written by people
 * — the person's comment, a reason — are kept exactly as written: only control characters
 * and undecodable input are refused.
 */

/** The buttons of the minutes page. */
export const MinutesIntent = intentForm(["close", "review", "lock", "correct"]);

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Text in someone's own words, several lines allowed, kept as written; "" when blank. */
const ownWords = (max: number) =>
  z
    .string()
    .optional()
    .transform((value) => value ?? "")
    .refine((value) => value.length <= max, message("minutes.reasonTooLong"))
    .refine((value) => !CONTROL.test(value), message("form.invalidChars"));

const version = z.coerce
  .number({ error: message("form.invalidChoice") })
  .int({ error: message("form.invalidChoice") })
  .positive({ error: message("form.invalidChoice") });

const reviewFields = {
  version,
  answer: z.enum(["approve", "comment"], { error: message("form.invalidChoice") }),
  comment: ownWords(10_000),
};

/** A comment is the point of answering "comment": it may not be blank. */
function commentGiven(value: { answer: string; comment: string }, ctx: z.RefinementCtx) {
  if (value.answer === "comment" && value.comment.trim() === "") {
    ctx.addIssue({
      code: "custom",
      path: ["comment"],
      message: message("minutes.commentRequired"),
    });
  }
}

/** The person's answer, recorded by a leader in the meeting. */
export const ReviewForm = z
  .object({
    ...reviewFields,
    inMeeting: z.literal("yes", { error: message("minutes.inMeetingRequired") }),
  })
  .superRefine(commentGiven);

/** The person's own answer, through their personal link. */
export const PersonReviewForm = z.object(reviewFields).superRefine(commentGiven);

/** Locking a version: with the person's answer, or with a reason and the understanding. */
export const LockForm = z
  .object({
    version,
    reason: ownWords(2000),
    understood: z.string().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.reason.trim() !== "" && value.understood !== "yes") {
      ctx.addIssue({
        code: "custom",
        path: ["understood"],
        message: message("minutes.understandRequired"),
      });
    }
  });

/** Opening a correction: what is to be corrected. */
export const CorrectionForm = z.object({
  reason: ownWords(2000).refine((value) => value.trim() !== "", message("form.required")),
});
