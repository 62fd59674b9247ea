import { data } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { networks } from "../../../db/schema";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { networkAccess, notFound } from "../access/access.server";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { leaderChoices } from "../accounts/choices.server";
import { applySeriesShift, NO_SHIFT, seriesShift } from "../meetings/series-revision.server";
import { NewNetworkFields } from "../networks/networks.server";

/*
 * The plan's next revision date, kept on the network (networks.plan_revision_on) because it
 * also ends the follow-up meeting series made "until the revision" (meetings/changes.server.ts).
 * Leaders set it when they create the network (persons page) and change it on the plan page;
 * both validate it with the same rule (NewNetworkFields: empty, or a plausible yyyy-mm-dd).
 * When the new date would change a series made until the revision (meetings/series-revision),
 * the leader is asked first: move the meetings with the date, or keep them as they are.
 */

const RevisionFields = NewNetworkFields.pick({ planRevisionOn: true });

export type RevisionSaved = {
  ok: true;
  notice: "plan.revisionSaved";
  revisionOn: string | null;
  /** Meetings of the follow-up series cancelled and added with the date ("move"). */
  cancelled: number;
  added: number;
};

/** The question asked before a new date changes follow-up meetings; nothing is saved yet. */
export type RevisionQuestion = {
  ok: false;
  confirm: {
    revisionOn: string;
    /** Start instants (ISO) of the meetings that would be cancelled, and added. */
    cancel: string[];
    add: string[];
  };
};

const SeriesChoice = ["move", "keep"] as const;

/**
 * Sets (or clears, when empty) the next revision date of `networkId` from the form field
 * `planRevisionOn`. Only those who manage the network (its leaders) may: anyone else gets the
 * 404 answer, as for the network itself. Bad input is a 400 with the field's error. When the
 * date would change follow-up meetings made until the revision and the form has no `series`
 * choice, nothing is saved and the answer is the question (RevisionQuestion); with
 * `series=move` the meetings follow the date in the same transaction, with `series=keep` they
 * stay. Saving the same date again changes nothing but is answered the same (a second click
 * moves nothing twice). Logged as plan.revision_set (with what happened to the meetings).
 */
export async function setPlanRevision(
  user: SessionUser,
  context: { clientIp: string },
  networkId: string,
  form: FormData,
  now: Date = new Date(),
) {
  const access = await networkAccess(user, networkId);
  const personId = access.personId;
  if (access.level !== "manage" || !personId) notFound();
  const fields = validate(RevisionFields, formFields(form));
  if (!fields.ok) return badRequest(fields.errors);
  const revisionOn = fields.value.planRevisionOn;
  const rawChoice = form.get("series");
  const choice = SeriesChoice.find((c) => c === rawChoice) ?? null;
  if (rawChoice !== null && !choice) return badRequest({ series: [message("form.invalidChoice")] });
  const { db } = getDatabase();
  if (!choice) {
    const [current] = await db
      .select({ on: networks.planRevisionOn })
      .from(networks)
      .where(eq(networks.id, networkId));
    const preview =
      (current?.on ?? null) === revisionOn
        ? NO_SHIFT
        : await seriesShift(db, networkId, current?.on ?? null, revisionOn, now);
    if (revisionOn && (preview.cancel.length > 0 || preview.add.length > 0))
      return data<RevisionQuestion>({
        ok: false,
        confirm: {
          revisionOn,
          cancel: preview.cancel.map((m) => m.startsAt.toISOString()),
          add: preview.add.map((m) => m.startsAt.toISOString()),
        },
      });
  }
  // Read before the transaction (PGlite has one connection, which a transaction holds).
  const mayLead = new Set(
    choice === "move" ? (await leaderChoices(user.municipalityId)).map((u) => u.id) : [],
  );
  const moved = await db.transaction(async (tx) => {
    const [before] = await tx
      .select({ on: networks.planRevisionOn })
      .from(networks)
      .where(eq(networks.id, networkId))
      .for("update");
    if ((before?.on ?? null) === revisionOn) return { cancelled: 0, added: 0 };
    await tx.update(networks).set({ planRevisionOn: revisionOn }).where(eq(networks.id, networkId));
    // Worked out again under the lock: what the leader was shown may have changed since.
    const shift =
      choice === "move" && revisionOn
        ? await seriesShift(tx, networkId, before?.on ?? null, revisionOn, now)
        : NO_SHIFT;
    const result = revisionOn
      ? await applySeriesShift(
          tx,
          user,
          context,
          { networkId, personId },
          shift,
          revisionOn,
          mayLead,
        )
      : { cancelled: 0, added: 0 };
    await recordAudit(
      auditActor(user, context),
      {
        action: "plan.revision_set",
        subjectType: "network",
        subjectId: networkId,
        personId,
        details: { from: before?.on ?? null, to: revisionOn, series: choice, ...result },
      },
      tx,
    );
    return result;
  });
  return data<RevisionSaved>({ ok: true, notice: "plan.revisionSaved", revisionOn, ...moved });
}
