import { and, asc, eq, getTableColumns, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { OfferingCategory, OfferingStatus } from "../../../db/offering-enums";
import { offerings, organisations, users } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import { notFound } from "../access/access.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { newToken } from "../../utils/tokens.server";
import { once, type FormClaim } from "../forms/once.server";
import { forbidden, offeringsScope, scopeCovers, type OfferingsScope } from "./access.server";
import type { OfferingInput } from "./validation.server";

/*
 * The catalogue's offerings: reading them (anyone with "offerings.view", in their own
 * municipality) and changing them (only what offeringsScope covers), each change audited in
 * its own transaction. Names sort with Intl.Collator("nb") (PGlite has no Norwegian locale).
 */

export const collator = new Intl.Collator("nb", { sensitivity: "base", numeric: true });

/** An offering is "stale" when nobody has confirmed it for this long (six months). */
export const STALE_AFTER_MONTHS = 6;

/** The instant before which a verification is stale at `now`. */
export function staleBefore(now: Date = new Date()): Date {
  const limit = new Date(now);
  limit.setMonth(limit.getMonth() - STALE_AFTER_MONTHS);
  return limit;
}

/** An offering's own columns without the search's (which only the search reads). */
const { searchVector: _vector, searchText: _text, ...offeringColumns } = getTableColumns(offerings);

export interface OfferingFilter {
  category?: OfferingCategory | null;
  /** "current" (active and paused, the default), one status, or "all". */
  status?: OfferingStatus | "current" | "all" | null;
  organisationId?: string | null;
}

const LIST_COLUMNS = {
  id: offerings.id,
  title: offerings.title,
  category: offerings.category,
  status: offerings.status,
  organisationId: offerings.organisationId,
  organisation: organisations.name,
  municipalityId: offerings.municipalityId,
  costOre: offerings.costOre,
  weeklySlots: offerings.weeklySlots,
  dates: offerings.dates,
  lastVerifiedAt: offerings.lastVerifiedAt,
};

export type OfferingListRow = Awaited<ReturnType<typeof listOfferings>>[number];

/**
 * The offerings of the user's municipality that match `filter`, sorted by title in Norwegian
 * order, each with whether the user may change it (`manage`). Nothing of other municipalities.
 */
export async function listOfferings(user: SessionUser, filter: OfferingFilter = {}) {
  const conditions: SQL[] = [eq(offerings.municipalityId, user.municipalityId)];
  if (filter.category) conditions.push(eq(offerings.category, filter.category));
  const status = filter.status ?? "current";
  if (status === "current") conditions.push(ne(offerings.status, "retired"));
  else if (status !== "all") conditions.push(eq(offerings.status, status));
  if (filter.organisationId) conditions.push(eq(offerings.organisationId, filter.organisationId));
  const rows = await getDatabase()
    .db.select(LIST_COLUMNS)
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(and(...conditions));
  const scope = await offeringsScope(user);
  return rows
    .map((row) => ({ ...row, manage: scopeCovers(scope, row) }))
    .sort((a, b) => collator.compare(a.title, b.title));
}

/**
 * Offerings the user manages that nobody has confirmed since staleBefore(now), oldest first,
 * retired ones left out.
 */
export async function listStaleOfferings(user: SessionUser, now: Date = new Date()) {
  const scope = await offeringsScope(user);
  if (scope.kind === "none") return [];
  const conditions: SQL[] = [
    eq(offerings.municipalityId, scope.municipalityId),
    ne(offerings.status, "retired"),
    lt(offerings.lastVerifiedAt, staleBefore(now)),
  ];
  if (scope.kind === "organisations")
    conditions.push(inArray(offerings.organisationId, scope.organisationIds));
  const rows = await getDatabase()
    .db.select({ ...LIST_COLUMNS, verifiedBy: users.name })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .leftJoin(users, eq(users.id, offerings.lastVerifiedByUserId))
    .where(and(...conditions))
    .orderBy(asc(offerings.lastVerifiedAt));
  return rows.map((row) => ({ ...row, manage: true }));
}

/**
 * One offering of the user's municipality with its organisation and who last confirmed it,
 * and whether the user may change it. Throws "not found" for anything else.
 */
export async function getOffering(user: SessionUser, offeringId: string) {
  const [row] = await getDatabase()
    .db.select({
      offering: offeringColumns,
      organisation: {
        id: organisations.id,
        name: organisations.name,
        email: organisations.email,
        phone: organisations.phone,
        web: organisations.web,
      },
      verifiedBy: users.name,
    })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .leftJoin(users, eq(users.id, offerings.lastVerifiedByUserId))
    .where(and(eq(offerings.id, offeringId), eq(offerings.municipalityId, user.municipalityId)))
    .limit(1);
  if (!row) notFound();
  const scope = await offeringsScope(user);
  return { ...row, manage: scopeCovers(scope, row.offering) };
}

/** The organisations the user may add offerings for, sorted by name (for the form's select). */
export async function organisationChoices(user: SessionUser) {
  const scope = await offeringsScope(user);
  if (scope.kind === "none") return [];
  const rows = await getDatabase()
    .db.select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(
      scope.kind === "municipality"
        ? eq(organisations.municipalityId, scope.municipalityId)
        : and(
            eq(organisations.municipalityId, scope.municipalityId),
            inArray(organisations.id, scope.organisationIds),
          ),
    );
  return rows.sort((a, b) => collator.compare(a.name, b.name));
}

/** Thrown when an offering names an organisation the user may not add offerings for. */
export class OrganisationChoiceError extends Error {}

async function requireOrganisationInScope(
  tx: Database,
  scope: OfferingsScope,
  organisationId: string,
) {
  const [organisation] = await tx
    .select({ id: organisations.id, municipalityId: organisations.municipalityId })
    .from(organisations)
    .where(eq(organisations.id, organisationId))
    .limit(1);
  if (!organisation || !scopeCovers(scope, { ...organisation, organisationId: organisation.id }))
    throw new OrganisationChoiceError();
  return organisation;
}

const valuesOf = (input: OfferingInput) => ({
  organisationId: input.organisationId,
  title: input.title,
  description: input.description,
  category: input.category,
  lifeAreas: input.lifeAreas,
  chime: input.chime,
  weeklySlots: input.weeklySlots,
  dates: input.dates,
  scheduleNote: input.scheduleNote,
  address: input.address,
  accessibilityNotes: input.accessibilityNotes,
  costOre: input.costOre,
  noReferral: input.noReferral,
  welcomeWhileUsing: input.welcomeWhileUsing,
  wheelchairAccessible: input.wheelchairAccessible,
  languages: input.languages,
  ageMin: input.ageMin,
  ageMax: input.ageMax,
  capacity: input.capacity,
  waitingList: input.waitingList,
  contactName: input.contactName,
  contactPhone: input.contactPhone,
  contactEmail: input.contactEmail,
  status: input.status,
});

/**
 * Adds an offering (confirmed now, by the user: they have just written it) once per form claim.
 * Throws OrganisationChoiceError when the organisation is not the user's to add to. Returns its id.
 */
export async function createOffering(
  user: SessionUser,
  context: { clientIp: string },
  input: OfferingInput,
  claim?: FormClaim,
): Promise<string> {
  const scope = await offeringsScope(user);
  if (scope.kind === "none") forbidden();
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const organisation = await requireOrganisationInScope(tx, scope, input.organisationId);
      const now = new Date();
      const [row] = await tx
        .insert(offerings)
        .values({
          ...valuesOf(input),
          municipalityId: organisation.municipalityId,
          lastVerifiedAt: now,
          lastVerifiedByUserId: user.id,
          createdByUserId: user.id,
        })
        .returning({ id: offerings.id });
      await recordAudit(
        auditActor(user, context),
        {
          action: "offering.create",
          subjectType: "offering",
          subjectId: row!.id,
          details: { organisationId: organisation.id },
        },
        tx,
      );
      return row!.id;
    }),
  );
}

/** JSON with object keys sorted: jsonb gives weekly slots back with its own key order. */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );

/** The offering row for a change, locked; "not found" or 403 unless the user may change it. */
async function lockManaged(
  tx: Database,
  user: SessionUser,
  scope: OfferingsScope,
  offeringId: string,
) {
  const [row] = await tx
    .select()
    .from(offerings)
    .where(and(eq(offerings.id, offeringId), eq(offerings.municipalityId, user.municipalityId)))
    .for("update");
  if (!row) notFound();
  if (!scopeCovers(scope, row)) forbidden();
  return row;
}

/**
 * Saves an edited offering (also confirming it: whoever saves it has read it through). Moving
 * it to another organisation needs that organisation in the user's scope too. Audited with the
 * names of the fields that changed; saving the same values again writes nothing.
 */
export async function updateOffering(
  user: SessionUser,
  context: { clientIp: string },
  offeringId: string,
  input: OfferingInput,
): Promise<{ changed: string[] }> {
  const scope = await offeringsScope(user);
  return getDatabase().db.transaction(async (tx) => {
    const before = await lockManaged(tx, user, scope, offeringId);
    if (input.organisationId !== before.organisationId)
      await requireOrganisationInScope(tx, scope, input.organisationId);
    const next = valuesOf(input);
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter(
      (key) => canonical(next[key]) !== canonical(before[key]),
    );
    if (changed.length === 0) return { changed };
    const now = new Date();
    await tx
      .update(offerings)
      .set({ ...next, updatedAt: now, lastVerifiedAt: now, lastVerifiedByUserId: user.id })
      .where(eq(offerings.id, offeringId));
    await recordAudit(
      auditActor(user, context),
      {
        action: "offering.update",
        subjectType: "offering",
        subjectId: offeringId,
        details: { changed },
      },
      tx,
    );
    return { changed };
  });
}

/** "Still correct": records that the user has checked the offering now. Audited. */
export async function verifyOffering(
  user: SessionUser,
  context: { clientIp: string },
  offeringId: string,
): Promise<void> {
  // Decided before the transaction: PGlite has one connection, which the transaction holds.
  const scope = await offeringsScope(user);
  await getDatabase().db.transaction(async (tx) => {
    await lockManaged(tx, user, scope, offeringId);
    await tx
      .update(offerings)
      .set({ lastVerifiedAt: new Date(), lastVerifiedByUserId: user.id })
      .where(eq(offerings.id, offeringId));
    await recordAudit(
      auditActor(user, context),
      { action: "offering.verify", subjectType: "offering", subjectId: offeringId },
      tx,
    );
  });
}

/**
 * Pauses, retires or reactivates an offering. The same status again changes nothing and writes
 * no entry (a second click is harmless). Returns whether it changed.
 */
export async function setOfferingStatus(
  user: SessionUser,
  context: { clientIp: string },
  offeringId: string,
  status: OfferingStatus,
): Promise<boolean> {
  const scope = await offeringsScope(user);
  return getDatabase().db.transaction(async (tx) => {
    const before = await lockManaged(tx, user, scope, offeringId);
    if (before.status === status) return false;
    await tx
      .update(offerings)
      .set({ status, updatedAt: new Date() })
      .where(eq(offerings.id, offeringId));
    await recordAudit(
      auditActor(user, context),
      {
        action: "offering.status",
        subjectType: "offering",
        subjectId: offeringId,
        details: { from: before.status, to: status },
      },
      tx,
    );
    return true;
  });
}

/**
 * A new secret for the offering's calendar feed (ADR 026): the old feed URL answers 404 from
 * now on, so subscriptions made with it stop. For those who may change the offering; audited.
 * Returns the new token.
 */
export async function renewFeedToken(
  user: SessionUser,
  context: { clientIp: string },
  offeringId: string,
): Promise<string> {
  const scope = await offeringsScope(user);
  const token = newToken().token;
  await getDatabase().db.transaction(async (tx) => {
    await lockManaged(tx, user, scope, offeringId);
    await tx.update(offerings).set({ feedToken: token }).where(eq(offerings.id, offeringId));
    await recordAudit(
      auditActor(user, context),
      { action: "offering.feed_renew", subjectType: "offering", subjectId: offeringId },
      tx,
    );
  });
  return token;
}

/** How many offerings of the user's scope are stale now (for the list's pointer to them). */
export async function countStale(user: SessionUser, now: Date = new Date()): Promise<number> {
  const scope = await offeringsScope(user);
  if (scope.kind === "none") return 0;
  const [row] = await getDatabase()
    .db.select({ count: sql<number>`count(*)::int` })
    .from(offerings)
    .where(
      and(
        eq(offerings.municipalityId, scope.municipalityId),
        ne(offerings.status, "retired"),
        lt(offerings.lastVerifiedAt, staleBefore(now)),
        scope.kind === "organisations"
          ? inArray(offerings.organisationId, scope.organisationIds)
          : undefined,
      ),
    );
  return Number(row?.count ?? 0);
}
