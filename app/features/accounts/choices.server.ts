import { and, asc, eq, inArray } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { partnerOrganisations, roleAssignments, users } from "../../../db/schema";

/** Users who can lead: leaders and coordinators of the municipality. */
export async function leaderChoices(municipalityId: string) {
  return getDatabase()
    .db.selectDistinct({ id: users.id, name: users.name })
    .from(users)
    .innerJoin(roleAssignments, eq(roleAssignments.userId, users.id))
    .where(
      and(
        eq(users.municipalityId, municipalityId),
        eq(users.active, true),
        inArray(roleAssignments.role, ["leader", "coordinator"]),
      ),
    )
    .orderBy(asc(users.name));
}

/** Partner accounts that can be members: active users with an organisation. */
export async function partnerChoices(municipalityId: string) {
  return getDatabase()
    .db.select({ id: users.id, name: users.name, organisation: partnerOrganisations.name })
    .from(users)
    .innerJoin(partnerOrganisations, eq(partnerOrganisations.id, users.partnerOrganisationId))
    .where(and(eq(users.municipalityId, municipalityId), eq(users.active, true)))
    .orderBy(asc(users.name));
}
