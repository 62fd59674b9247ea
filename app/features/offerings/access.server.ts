import { eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { organisations } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";

/*
 * Who may change what in the offerings catalogue (issue 13; the one place for these rules).
 * - Coordinators manage every organisation and offering in their municipality.
 * - A partner user whose partner organisation is linked to a catalogue organisation
 *   (organisations.partner_organisation_id) manages that organisation's offerings only.
 * - Leaders and partners read the catalogue of their municipality (permission
 *   "offerings.view"); nobody sees another municipality's catalogue: it looks "not found".
 */
export type OfferingsScope =
  | { kind: "municipality"; municipalityId: string }
  | { kind: "organisations"; municipalityId: string; organisationIds: string[] }
  | { kind: "none" };

const scopes = new WeakMap<SessionUser, Promise<OfferingsScope>>();

/** What the user may manage in the catalogue; decided once per user object (one request). */
export function offeringsScope(user: SessionUser): Promise<OfferingsScope> {
  let pending = scopes.get(user);
  if (!pending) {
    pending = decideScope(user);
    scopes.set(user, pending);
  }
  return pending;
}

async function decideScope(user: SessionUser): Promise<OfferingsScope> {
  if (user.roles.includes("coordinator")) {
    return { kind: "municipality", municipalityId: user.municipalityId };
  }
  if (user.roles.includes("partner") && user.partnerOrganisationId) {
    const rows = await getDatabase()
      .db.select({ id: organisations.id, municipalityId: organisations.municipalityId })
      .from(organisations)
      .where(eq(organisations.partnerOrganisationId, user.partnerOrganisationId));
    const own = rows.filter((r) => r.municipalityId === user.municipalityId).map((r) => r.id);
    if (own.length > 0) {
      return { kind: "organisations", municipalityId: user.municipalityId, organisationIds: own };
    }
  }
  return { kind: "none" };
}

/** Whether the scope covers an offering or organisation row (its municipality and organisation). */
export function scopeCovers(
  scope: OfferingsScope,
  row: { municipalityId: string; organisationId: string },
): boolean {
  if (scope.kind === "none" || scope.municipalityId !== row.municipalityId) return false;
  return scope.kind === "municipality" || scope.organisationIds.includes(row.organisationId);
}

/** Only coordinators add organisations and change their details. */
export const managesOrganisations = (scope: OfferingsScope) => scope.kind === "municipality";

/** Throws the 403 answer for a catalogue row the user may see but not change. */
export function forbidden(): never {
  throw new Response("Ingen tilgang. / No access.", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
