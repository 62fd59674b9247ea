import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { getDatabase } from "../../db/client";
import {
  activationTokens,
  partnerOrganisations,
  roleAssignments,
  sessions,
  units,
  users,
  type Role,
} from "../../db/schema";
import { recordAudit, type AuditActor } from "./audit.server";
import { hashPassword } from "./password.server";
import { hashToken, newToken } from "../utils/tokens.server";

export const ACTIVATION_LINK_TTL_MS = 72 * 60 * 60 * 1000;

export interface RoleChoice {
  role: Role;
  unitId: string | null;
}

export async function listUsers(municipalityId: string) {
  const { db } = getDatabase();
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      active: users.active,
      hasPassword: users.passwordHash,
      organisation: partnerOrganisations.name,
    })
    .from(users)
    .leftJoin(partnerOrganisations, eq(partnerOrganisations.id, users.partnerOrganisationId))
    .where(eq(users.municipalityId, municipalityId))
    .orderBy(asc(users.name));
  const assignments = await db
    .select({ userId: roleAssignments.userId, role: roleAssignments.role })
    .from(roleAssignments)
    .where(eq(roleAssignments.municipalityId, municipalityId));
  return rows.map(({ hasPassword, ...row }) => ({
    ...row,
    activated: hasPassword !== null,
    roles: assignments.filter((a) => a.userId === row.id).map((a) => a.role),
  }));
}

export async function getUserInMunicipality(userId: string, municipalityId: string) {
  const { db } = getDatabase();
  const [user] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      active: users.active,
      passwordHash: users.passwordHash,
      partnerOrganisationId: users.partnerOrganisationId,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.municipalityId, municipalityId)))
    .limit(1);
  if (!user) return null;
  const assignments = await db
    .select({ role: roleAssignments.role, unitId: roleAssignments.unitId })
    .from(roleAssignments)
    .where(eq(roleAssignments.userId, userId));
  const { passwordHash, ...rest } = user;
  return { ...rest, activated: passwordHash !== null, roles: assignments };
}

export async function municipalityChoices(municipalityId: string) {
  const { db } = getDatabase();
  const [unitRows, organisationRows] = await Promise.all([
    db
      .select({ id: units.id, name: units.name, parentUnitId: units.parentUnitId })
      .from(units)
      .where(eq(units.municipalityId, municipalityId))
      .orderBy(asc(units.name)),
    db
      .select({
        id: partnerOrganisations.id,
        name: partnerOrganisations.name,
        type: partnerOrganisations.type,
      })
      .from(partnerOrganisations)
      .where(eq(partnerOrganisations.municipalityId, municipalityId))
      .orderBy(asc(partnerOrganisations.name)),
  ]);
  return { units: unitRows, organisations: organisationRows };
}

export class EmailTakenError extends Error {}

export async function createUser(
  actor: AuditActor & { userId: string; municipalityId: string },
  input: { name: string; email: string; partnerOrganisationId: string | null; roles: RoleChoice[] },
): Promise<string> {
  const { db } = getDatabase();
  const [existing] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, input.email));
  if (existing) throw new EmailTakenError();
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({
        municipalityId: actor.municipalityId,
        name: input.name,
        email: input.email,
        partnerOrganisationId: input.partnerOrganisationId,
      })
      .returning({ id: users.id });
    const userId = created!.id;
    if (input.roles.length > 0) {
      await tx.insert(roleAssignments).values(
        input.roles.map((choice) => ({
          userId,
          municipalityId: actor.municipalityId,
          role: choice.role,
          unitId: choice.unitId,
        })),
      );
    }
    await recordAudit(
      actor,
      {
        action: "user.create",
        subjectType: "user",
        subjectId: userId,
        details: { roles: input.roles.map((r) => r.role) },
      },
      tx,
    );
    return userId;
  });
}

export async function setRoles(
  actor: AuditActor & { userId: string; municipalityId: string },
  userId: string,
  input: { roles: RoleChoice[]; partnerOrganisationId: string | null },
): Promise<void> {
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    await tx.delete(roleAssignments).where(eq(roleAssignments.userId, userId));
    if (input.roles.length > 0) {
      await tx.insert(roleAssignments).values(
        input.roles.map((choice) => ({
          userId,
          municipalityId: actor.municipalityId,
          role: choice.role,
          unitId: choice.unitId,
        })),
      );
    }
    await tx
      .update(users)
      .set({ partnerOrganisationId: input.partnerOrganisationId })
      .where(eq(users.id, userId));
    await recordAudit(
      actor,
      {
        action: "user.roles_change",
        subjectType: "user",
        subjectId: userId,
        details: { roles: input.roles.map((r) => r.role) },
      },
      tx,
    );
  });
}

/** Deactivation ends every session of the user at once. */
export async function setActive(
  actor: AuditActor & { userId: string; municipalityId: string },
  userId: string,
  active: boolean,
): Promise<void> {
  const { db } = getDatabase();
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ active, deactivatedAt: active ? null : new Date() })
      .where(eq(users.id, userId));
    if (!active) await tx.delete(sessions).where(eq(sessions.userId, userId));
    await recordAudit(
      actor,
      {
        action: active ? "user.reactivate" : "user.deactivate",
        subjectType: "user",
        subjectId: userId,
      },
      tx,
    );
  });
}

/** A new link replaces any unused earlier one. Returns the token: shown once, stored hashed. */
export async function issueActivationLink(
  actor: AuditActor & { userId: string; municipalityId: string },
  userId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const { db } = getDatabase();
  const { token, hash } = newToken();
  const expiresAt = new Date(Date.now() + ACTIVATION_LINK_TTL_MS);
  await db.transaction(async (tx) => {
    await tx
      .delete(activationTokens)
      .where(and(eq(activationTokens.userId, userId), isNull(activationTokens.usedAt)));
    await tx
      .insert(activationTokens)
      .values({ userId, tokenHash: hash, expiresAt, createdByUserId: actor.userId });
    await recordAudit(
      actor,
      { action: "user.activation_link_issue", subjectType: "user", subjectId: userId },
      tx,
    );
  });
  return { token, expiresAt };
}

/** The user an unused, unexpired activation token belongs to, or null. */
export async function findActivation(token: string) {
  const { db } = getDatabase();
  const [row] = await db
    .select({
      tokenId: activationTokens.id,
      userId: users.id,
      municipalityId: users.municipalityId,
      name: users.name,
      email: users.email,
    })
    .from(activationTokens)
    .innerJoin(users, eq(users.id, activationTokens.userId))
    .where(
      and(
        eq(activationTokens.tokenHash, hashToken(token)),
        isNull(activationTokens.usedAt),
        gt(activationTokens.expiresAt, new Date()),
        eq(users.active, true),
      ),
    )
    .limit(1);
  return row ?? null;
}

/** Sets the password and spends the token; false when the token is no longer valid. */
export async function activateAccount(
  token: string,
  password: string,
  ip: string,
): Promise<boolean> {
  const activation = await findActivation(token);
  if (!activation) return false;
  const passwordHash = await hashPassword(password);
  const { db } = getDatabase();
  return db.transaction(async (tx) => {
    const spent = await tx
      .update(activationTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(activationTokens.id, activation.tokenId), isNull(activationTokens.usedAt)))
      .returning({ id: activationTokens.id });
    if (spent.length === 0) return false; // used by a concurrent request
    await tx.update(users).set({ passwordHash }).where(eq(users.id, activation.userId));
    // A new password ends sessions made with the old one.
    await tx.delete(sessions).where(eq(sessions.userId, activation.userId));
    await recordAudit(
      { userId: activation.userId, municipalityId: activation.municipalityId, ip },
      { action: "user.activate", subjectType: "user", subjectId: activation.userId },
      tx,
    );
    return true;
  });
}
