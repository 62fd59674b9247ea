import { data } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { networks } from "../../../db/schema";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { networkAccess, notFound } from "../access/access.server";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { NewNetworkFields } from "../networks/networks.server";

/*
 * The plan's next revision date, kept on the network (networks.plan_revision_on) because it
 * also ends the follow-up meeting series made "until the revision" (meetings/changes.server.ts).
 * Leaders set it when they create the network (persons page) and change it on the plan page;
 * both validate it with the same rule (NewNetworkFields: empty, or a plausible yyyy-mm-dd).
 */

const RevisionFields = NewNetworkFields.pick({ planRevisionOn: true });

export type RevisionSaved = { ok: true; notice: "plan.revisionSaved"; revisionOn: string | null };

/**
 * Sets (or clears, when empty) the next revision date of `networkId` from the form field
 * `planRevisionOn`. Only those who manage the network (its leaders) may: anyone else gets the
 * 404 answer, as for the network itself. Bad input is a 400 with the field's error. Saving the
 * same date again changes nothing but is answered the same. Logged as plan.revision_set.
 */
export async function setPlanRevision(
  user: SessionUser,
  context: { clientIp: string },
  networkId: string,
  form: FormData,
) {
  const access = await networkAccess(user, networkId);
  const personId = access.personId;
  if (access.level !== "manage" || !personId) notFound();
  const fields = validate(RevisionFields, formFields(form));
  if (!fields.ok) return badRequest(fields.errors);
  const revisionOn = fields.value.planRevisionOn;
  await getDatabase().db.transaction(async (tx) => {
    const [before] = await tx
      .select({ on: networks.planRevisionOn })
      .from(networks)
      .where(eq(networks.id, networkId))
      .for("update");
    if ((before?.on ?? null) === revisionOn) return;
    await tx.update(networks).set({ planRevisionOn: revisionOn }).where(eq(networks.id, networkId));
    await recordAudit(
      auditActor(user, context),
      {
        action: "plan.revision_set",
        subjectType: "network",
        subjectId: networkId,
        personId,
        details: { from: before?.on ?? null, to: revisionOn },
      },
      tx,
    );
  });
  return data<RevisionSaved>({ ok: true, notice: "plan.revisionSaved", revisionOn });
}
