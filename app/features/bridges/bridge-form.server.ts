import { z } from "zod";
import {
  BRIDGE_NOTE_MAX,
  bridgeCompanions,
  bridgeStatuses,
  type BridgeCompanion,
  type BridgeStatus,
} from "../../../db/bridge-enums";
import { isPlausibleDate } from "../../utils/oslo-time";
import { message } from "../../utils/validation";

/*
 * The bridge forms (issue 13), checked on the server only (ADR 001): propose an offering, and
 * add the next step. Messages are packed i18n keys.
 */

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A short note: at most BRIDGE_NOTE_MAX characters, line breaks allowed, no control characters. */
const note = () =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim())
    .refine(
      (value) => value.length <= BRIDGE_NOTE_MAX,
      message("bridge.noteTooLong", { max: BRIDGE_NOTE_MAX }),
    )
    .refine((value) => !CONTROL.test(value), message("form.invalidChars"));

/** An id of a goal or action inside the plan documents (nanoid-like), or empty for none. */
const entryId = () =>
  z
    .string()
    .optional()
    .transform((value) => value || null)
    .refine(
      (value) => value === null || /^[A-Za-z0-9_-]{1,64}$/.test(value),
      message("bridge.unknownEntry"),
    );

export const ProposeBridgeForm = z.object({
  offeringId: z.uuid({ error: message("bridge.chooseOffering") }),
  goalId: entryId(),
  actionId: entryId(),
  note: note(),
});
export type ProposeBridge = z.output<typeof ProposeBridgeForm>;

/** A step as the server stores it (visit and companion only for "visit_agreed"). */
export interface BridgeStep {
  status: BridgeStatus;
  happenedOn: string;
  visitOn: string | null;
  companion: BridgeCompanion | null;
  note: string;
}

/**
 * The next step of a bridge: a status other than "suggested" (that is the first step), the Oslo
 * date it happened (a real date, not after `today`), a note, and for "visit_agreed" the date of
 * the first visit (not before the step's date) and who goes along.
 */
export function bridgeStepForm(today: string) {
  return z
    .object({
      status: z.enum(
        bridgeStatuses.filter((s) => s !== "suggested") as [BridgeStatus, ...BridgeStatus[]],
        {
          error: message("bridge.chooseStatus"),
        },
      ),
      happenedOn: z
        .string({ error: message("form.required") })
        .refine((value) => isPlausibleDate(value), message("form.invalidDate"))
        .refine((value) => value <= today, message("bridge.dateInFuture")),
      visitOn: z
        .string()
        .optional()
        .transform((value) => value || null)
        .refine((value) => value === null || isPlausibleDate(value), message("form.invalidDate")),
      companion: z
        .string()
        .optional()
        .transform((value) => value || null)
        .refine(
          (value) => value === null || (bridgeCompanions as readonly string[]).includes(value),
          message("form.invalidChoice"),
        )
        .transform((value) => value as BridgeCompanion | null),
      note: note(),
    })
    .superRefine((step, ctx) => {
      if (step.status !== "visit_agreed") return;
      if (!step.visitOn)
        ctx.addIssue({
          code: "custom",
          path: ["visitOn"],
          message: message("bridge.visitRequired"),
        });
      else if (step.visitOn < step.happenedOn)
        ctx.addIssue({ code: "custom", path: ["visitOn"], message: message("bridge.visitBefore") });
      if (!step.companion)
        ctx.addIssue({
          code: "custom",
          path: ["companion"],
          message: message("bridge.companionRequired"),
        });
    })
    .transform((step): BridgeStep =>
      step.status === "visit_agreed" ? step : { ...step, visitOn: null, companion: null },
    );
}

/** The bridge page's forms, by the button they were sent with. */
export const BridgeIntent = z.object({
  intent: z.enum(["step", "consent-give", "consent-withdraw", "link", "link-send"], {
    error: message("form.unknownIntent"),
  }),
});
