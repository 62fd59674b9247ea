import { and, eq, ne, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { offerings, organisations, partnerOrganisations } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import { notFound } from "../access/access.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { once, type FormClaim } from "../forms/once.server";
import { forbidden, managesOrganisations, offeringsScope } from "./access.server";
import { collator } from "./offerings.server";
import type { OrganisationInput } from "./validation.server";

/*
 * The organisations behind the offerings: everyone with "offerings.view" reads those of their
 * municipality; coordinators add and change them (access.server.ts). Audited like offerings.
 */

/** The organisations of the user's municipality, by name, with how many current offerings. */
export async function listOrganisations(user: SessionUser) {
  const rows = await getDatabase()
    .db.select({
      id: organisations.id,
      name: organisations.name,
      kind: organisations.kind,
      offerings: sql<number>`(select count(*)::int from ${offerings} where ${offerings.organisationId} = ${organisations.id} and ${offerings.status} <> 'retired')`,
    })
    .from(organisations)
    .where(eq(organisations.municipalityId, user.municipalityId));
  return rows
    .map((row) => ({ ...row, offerings: Number(row.offerings) }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

/** One organisation of the user's municipality, with its partner link's name; else "not found". */
export async function getOrganisation(user: SessionUser, organisationId: string) {
  const [row] = await getDatabase()
    .db.select({ organisation: organisations, partner: partnerOrganisations.name })
    .from(organisations)
    .leftJoin(
      partnerOrganisations,
      eq(partnerOrganisations.id, organisations.partnerOrganisationId),
    )
    .where(
      and(
        eq(organisations.id, organisationId),
        eq(organisations.municipalityId, user.municipalityId),
      ),
    )
    .limit(1);
  if (!row) notFound();
  return row;
}

/** Partner organisations of the municipality a catalogue organisation can be linked to. */
export async function partnerChoices(user: SessionUser) {
  const rows = await getDatabase()
    .db.select({ id: partnerOrganisations.id, name: partnerOrganisations.name })
    .from(partnerOrganisations)
    .where(eq(partnerOrganisations.municipalityId, user.municipalityId));
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

/** Why an organisation cannot be saved as given: its name or its partner link is taken. */
export class OrganisationConflictError extends Error {
  constructor(readonly field: "name" | "partnerOrganisationId") {
    super(field);
  }
}

async function checkConflicts(
  tx: Database,
  municipalityId: string,
  input: OrganisationInput,
  selfId: string | null,
) {
  const others = (condition: ReturnType<typeof eq>) =>
    tx
      .select({ id: organisations.id })
      .from(organisations)
      .where(selfId ? and(condition, ne(organisations.id, selfId)) : condition)
      .limit(1);
  const [sameName] = await others(
    and(
      eq(organisations.municipalityId, municipalityId),
      sql`lower(${organisations.name}) = lower(${input.name})`,
    )!,
  );
  if (sameName) throw new OrganisationConflictError("name");
  if (input.partnerOrganisationId) {
    const [partner] = await tx
      .select({ id: partnerOrganisations.id })
      .from(partnerOrganisations)
      .where(
        and(
          eq(partnerOrganisations.id, input.partnerOrganisationId),
          eq(partnerOrganisations.municipalityId, municipalityId),
        ),
      );
    if (!partner) throw new OrganisationConflictError("partnerOrganisationId");
    const [linked] = await others(
      eq(organisations.partnerOrganisationId, input.partnerOrganisationId),
    );
    if (linked) throw new OrganisationConflictError("partnerOrganisationId");
  }
}

async function requireOrganisationManager(user: SessionUser) {
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
}

/** Adds an organisation (coordinators only), once per form claim; returns its id. */
export async function createOrganisation(
  user: SessionUser,
  context: { clientIp: string },
  input: OrganisationInput,
  claim?: FormClaim,
): Promise<string> {
  await requireOrganisationManager(user);
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      await checkConflicts(tx, user.municipalityId, input, null);
      const [row] = await tx
        .insert(organisations)
        .values({ ...input, municipalityId: user.municipalityId })
        .returning({ id: organisations.id });
      await recordAudit(
        auditActor(user, context),
        { action: "organisation.create", subjectType: "organisation", subjectId: row!.id },
        tx,
      );
      return row!.id;
    }),
  );
}

/** Saves an organisation's details (coordinators only); audited with the changed fields. */
export async function updateOrganisation(
  user: SessionUser,
  context: { clientIp: string },
  organisationId: string,
  input: OrganisationInput,
): Promise<void> {
  await requireOrganisationManager(user);
  await getDatabase().db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(organisations)
      .where(
        and(
          eq(organisations.id, organisationId),
          eq(organisations.municipalityId, user.municipalityId),
        ),
      )
      .for("update");
    if (!before) notFound();
    await checkConflicts(tx, user.municipalityId, input, organisationId);
    const changed = (Object.keys(input) as (keyof OrganisationInput)[]).filter(
      (key) => input[key] !== before[key],
    );
    if (changed.length === 0) return;
    await tx
      .update(organisations)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(organisations.id, organisationId));
    await recordAudit(
      auditActor(user, context),
      {
        action: "organisation.update",
        subjectType: "organisation",
        subjectId: organisationId,
        details: { changed },
      },
      tx,
    );
  });
}
