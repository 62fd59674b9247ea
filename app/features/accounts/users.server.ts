import { once, type FormClaim } from "../forms/once.server";
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  activationTokens,
  partnerOrganisations,
  roleAssignments,
  sessions,
  units,
  users,
  type Role,
} from "../../../db/schema";
import { recordAudit, type AuditActor } from "../audit/audit.server";
import { hashPassword } from "./password.server";
import { hashToken, newToken } from "../../utils/tokens.server";
import { announceAccessChange } from "../access/access-events.server";

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
/** The user is not in the acting admin's municipality (or does not exist). */
export class UnknownUserError extends Error {}
/** The account already has a password; an activation link would be a silent takeover. */
export class AlreadyActivatedError extends Error {}

type AdminActor = AuditActor & { userId: string; municipalityId: string };

const isUniqueViolation = (error: unknown) => {
  const code =
    (error as { code?: string; cause?: { code?: string } }).cause?.code ??
    (error as { code?: string }).code;
  return code === "23505";
};

/**
 * Creates a user in the admin's municipality with their roles; returns the id. Throws
 * EmailTakenError for an e-mail in use. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function createUser(
  actor: AdminActor,
  input: { name: string; email: string; partnerOrganisationId: string | null; roles: RoleChoice[] },

  claim?: FormClaim,
): Promise<string> {
  try {
    return await getDatabase().db.transaction((tx) =>
      once(tx, claim, async () => {
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
        await insertRoles(tx, userId, actor.municipalityId, input.roles);
        await recordAudit(
          actor,
          {
            action: "user.create",
            subjectType: "user",
            subjectId: userId,
            details: {
              access: { roles: input.roles, partnerOrganisationId: input.partnerOrganisationId },
            },
          },
          tx,
        );
        return userId;
      }),
    );
  } catch (error) {
    // The unique index decides, so two admins creating the same e-mail at once get a clear answer.
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
}

async function insertRoles(
  tx: Database,
  userId: string,
  municipalityId: string,
  roles: RoleChoice[],
) {
  if (roles.length === 0) return;
  await tx
    .insert(roleAssignments)
    .values(
      roles.map((choice) => ({ userId, municipalityId, role: choice.role, unitId: choice.unitId })),
    );
}

/** Locks the user's row for this transaction; refuses users outside the actor's municipality. */
async function lockUser(tx: Database, actor: AdminActor, userId: string) {
  const [user] = await tx
    .select({
      id: users.id,
      active: users.active,
      passwordHash: users.passwordHash,
      partnerOrganisationId: users.partnerOrganisationId,
    })
    .from(users)
    .where(and(eq(users.id, userId), eq(users.municipalityId, actor.municipalityId)))
    .for("update");
  if (!user) throw new UnknownUserError();
  return user;
}

/** Replaces a user's roles; the audit entry keeps both the old and the new access. */
export async function setRoles(
  actor: AdminActor,
  userId: string,
  input: { roles: RoleChoice[]; partnerOrganisationId: string | null },
): Promise<void> {
  await getDatabase().db.transaction(async (tx) => {
    const user = await lockUser(tx, actor, userId);
    const before = await tx
      .select({ role: roleAssignments.role, unitId: roleAssignments.unitId })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, userId));
    await tx.delete(roleAssignments).where(eq(roleAssignments.userId, userId));
    await insertRoles(tx, userId, actor.municipalityId, input.roles);
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
        details: {
          before: { roles: before, partnerOrganisationId: user.partnerOrganisationId },
          after: { roles: input.roles, partnerOrganisationId: input.partnerOrganisationId },
        },
      },
      tx,
    );
    await announceAccessChange(tx, { userId });
  });
}

/**
 * Deactivation ends every session of the user at once and spends unused activation links, so
 * a later reactivation does not revive them. Setting the state a user already has is a no-op.
 */
export async function setActive(actor: AdminActor, userId: string, active: boolean): Promise<void> {
  await getDatabase().db.transaction(async (tx) => {
    const user = await lockUser(tx, actor, userId);
    if (user.active === active) return;
    await tx
      .update(users)
      .set({ active, deactivatedAt: active ? null : new Date() })
      .where(eq(users.id, userId));
    if (!active) {
      await tx.delete(sessions).where(eq(sessions.userId, userId));
      await tx
        .delete(activationTokens)
        .where(and(eq(activationTokens.userId, userId), isNull(activationTokens.usedAt)));
    }
    await recordAudit(
      actor,
      {
        action: active ? "user.reactivate" : "user.deactivate",
        subjectType: "user",
        subjectId: userId,
      },
      tx,
    );
    await announceAccessChange(tx, { userId });
  });
}

/**
 * A one-time link with which a new user sets their first password. A new link replaces any
 * unused earlier one. Returns the token (shown once, stored hashed) and its expiry (ISO 8601).
 * With a form claim a repeated post returns the first post's link (once.server.ts).
 */
export async function issueActivationLink(
  actor: AdminActor,
  userId: string,
  claim?: FormClaim,
): Promise<{ token: string; expiresAt: string }> {
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const { token, hash } = newToken();
      const expiresAt = new Date(Date.now() + ACTIVATION_LINK_TTL_MS);
      const user = await lockUser(tx, actor, userId);
      if (user.passwordHash !== null) throw new AlreadyActivatedError();
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
      return { token, expiresAt: expiresAt.toISOString() };
    }),
  );
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
  return getDatabase().db.transaction(async (tx) => {
    // Checked again here: hashing took time, and the link may have expired, been used, or
    // its user deactivated meanwhile.
    const spent = await tx
      .update(activationTokens)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(activationTokens.id, activation.tokenId),
          isNull(activationTokens.usedAt),
          gt(activationTokens.expiresAt, new Date()),
          sql`exists (select 1 from ${users} where ${users.id} = ${activationTokens.userId} and ${users.active})`,
        ),
      )
      .returning({ id: activationTokens.id });
    if (spent.length === 0) return false;
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
