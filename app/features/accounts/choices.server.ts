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

/** A chosen set of leaders was refused: someone who cannot lead, or too few or too many. */
export class LeaderChoiceError extends Error {}

/**
 * The one check of a chosen set of leaders (of a person, a network or a meeting): duplicates
 * are dropped, and every id must be a user who can lead in the municipality (leaderChoices),
 * with between `min` and `max` of them. `allowed` may pass leaderChoices already loaded.
 * Returns the distinct ids; throws LeaderChoiceError.
 */
export async function chosenLeaders(
  municipalityId: string,
  leaderIds: readonly string[],
  limits: { min: number; max: number },
  allowed?: readonly { id: string }[],
): Promise<string[]> {
  const chosen = [...new Set(leaderIds)];
  const choices = allowed ?? (await leaderChoices(municipalityId));
  if (
    chosen.length < limits.min ||
    chosen.length > limits.max ||
    !chosen.every((id) => choices.some((choice) => choice.id === id))
  ) {
    throw new LeaderChoiceError();
  }
  return chosen;
}
