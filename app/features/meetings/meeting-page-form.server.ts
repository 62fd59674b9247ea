import { z } from "zod";
import { invitationResponses } from "../../../db/enums";
import { message } from "../../utils/validation";
import { intentForm } from "../../utils/validation.server";
import { EDITABLE, type MeetingSnapshot } from "./meetings.server";

/** The buttons of a meeting's page (changing or cancelling it is on its edit page). */
export const MeetingPageIntent = intentForm(["new-link", "show-link", "respond", "attendance"]);

/** The version of the meeting the edit form was filled in from. */
export const MeetingVersion = z.object({
  version: z.coerce
    .number()
    .int()
    .positive({ error: message("form.invalidChoice") }),
});

/** The invitation whose personal link is replaced, or shown. */
export const InvitationLinkFor = z.object({
  invitationId: z.uuid({ error: message("form.invalidChoice") }),
});

/**
 * An answer to an invitation (on the meeting page or the invitation link's page), with the
 * time the member saw when answering (answers.server.ts answerSlot; optional for old pages).
 */
export const InvitationAnswer = z.object({
  answerFor: z
    .string()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
  response: z.enum(
    invitationResponses.filter((r) => r !== "needs_action") as [
      "accepted",
      "tentative",
      "declined",
    ],
    { error: message("form.invalidChoice") },
  ),
});

/** The meeting as the editor saw it when the form was filled in (a hidden JSON field). */
export function startedFrom(raw: string | undefined): Partial<MeetingSnapshot> | null {
  try {
    const parsed = JSON.parse(raw ?? "") as unknown;
    if (!parsed || typeof parsed !== "object") return null;
    return Object.fromEntries(
      EDITABLE.map((field) => [field, String((parsed as Record<string, unknown>)[field] ?? "")]),
    ) as Partial<MeetingSnapshot>;
  } catch {
    return null;
  }
}
