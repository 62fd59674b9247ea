import { z } from "zod";
import type { SessionUser } from "../accounts/session.server";
import { validate } from "../../utils/forms.server";
import { badRequest } from "../../utils/forms.server";
import { intentForm } from "../../utils/validation.server";
import { setOfferingStatus, verifyOffering } from "./offerings.server";

/*
 * The one-step actions on an offering, shared by its page and the stale list: "still correct"
 * (verify), pause, retire and make active again. Pause and retire ask first on the page
 * (components/confirm.tsx); the server takes the intent itself and checks access every time.
 */
const Intent = intentForm(["verify", "pause", "retire", "activate"]);

export type StatusActionResult =
  | { ok: true; done: "verify" | "pause" | "retire" | "activate"; offeringId: string }
  | ReturnType<typeof badRequest>;

/** Runs the posted intent on `offeringId`; a bad intent is a 400 with a clear message. */
export async function runStatusAction(
  user: SessionUser,
  context: { clientIp: string },
  form: FormData,
  offeringId: string,
): Promise<StatusActionResult> {
  const parsed = validate(Intent, { intent: form.get("intent") });
  if (!parsed.ok) return badRequest(parsed.errors);
  const { intent } = parsed.value;
  if (intent === "verify") await verifyOffering(user, context, offeringId);
  else {
    const status = ({ pause: "paused", retire: "retired", activate: "active" } as const)[intent];
    await setOfferingStatus(user, context, offeringId, status);
  }
  return { ok: true, done: intent, offeringId };
}

/** The posted offering id of a list's action form (the stale list): a uuid, else null. */
export const postedOfferingId = (form: FormData): string | null => {
  const value = form.get("offeringId");
  return typeof value === "string" && z.uuid().safeParse(value).success ? value : null;
};
