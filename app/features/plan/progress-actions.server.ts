import { data } from "@remix-run/node";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { readFormClaim } from "../forms/once.server";
import { ProgressForm } from "./progress-form.server";
import {
  ProgressRefusedError,
  recordProgress,
  UnknownMeetingError,
  type ProgressAsker,
} from "./progress.server";

export type ProgressDone = { ok: true; notice: "progress.saved" };

/**
 * The form "how are things going" for a route: checks the one-time form token of `owner`
 * (400 when stale; a second post of the same form answers as the first and stores nothing),
 * validates (400 with field errors), and stores the note. 403 for a partner. Access is checked
 * by recordProgress (404 for anyone who may not see the network).
 */
export async function progressAction(
  asker: ProgressAsker,
  context: { clientIp: string },
  networkId: string,
  form: FormData,
  owner: string,
) {
  const claim = await readFormClaim<string>(form, owner, `progress:${networkId}`);
  if (!claim.ok) return badRequest(claim.errors);
  if (claim.earlier) return data<ProgressDone>({ ok: true, notice: "progress.saved" });
  const fields = validate(ProgressForm, formFields(form));
  if (!fields.ok) return badRequest(fields.errors);
  try {
    await recordProgress(asker, context, networkId, fields.value, claim.claim);
  } catch (error) {
    if (error instanceof ProgressRefusedError)
      return data(
        { ok: false as const, errors: { area: [message("progress.refused")] } },
        { status: 403 },
      );
    if (error instanceof UnknownMeetingError)
      return badRequest({ meetingId: [message("progress.meetingUnknown")] });
    throw error;
  }
  return data<ProgressDone>({ ok: true, notice: "progress.saved" });
}
