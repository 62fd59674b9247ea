import { z } from "zod";
import { lifeAreas } from "../../../db/enums";
import { message } from "../../utils/validation";

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * The person's note of how things are going in one area (issue 12): the area, a step on the
 * plain 1–5 scale, and their own words, kept exactly as written (server only, ADR 001).
 */
export const ProgressForm = z.object({
  area: z.enum(lifeAreas, { error: message("progress.areaRequired") }),
  scale: z.coerce
    .number({ error: message("progress.scaleRequired") })
    .int({ error: message("progress.scaleRequired") })
    .min(1, { error: message("progress.scaleRequired") })
    .max(5, { error: message("progress.scaleRequired") }),
  inMyWords: z
    .string()
    .optional()
    .transform((value) => value ?? "")
    .refine((value) => value.length <= 2000, message("progress.wordsTooLong"))
    .refine((value) => !CONTROL.test(value), message("form.invalidChars")),
  /** The meeting the note was made in or for (a leader's choice), or empty for none. */
  meetingId: z
    .string()
    .optional()
    .transform((value) => value || null)
    .pipe(z.union([z.null(), z.uuid({ error: message("progress.meetingUnknown") })])),
});
