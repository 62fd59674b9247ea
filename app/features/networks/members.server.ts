/* Members of a network: partners with an account and contacts without one. */
import { once, type FormClaim } from "../forms/once.server";
import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "../../../db/client";
import { memberRelations, networkCircles } from "../../../db/enums";
import { networkMembers } from "../../../db/schema";
import {
  choice,
  optionalChoice,
  optionalEmail,
  optionalPhone,
  optionalSingleLine,
  optionalUuid,
} from "../../utils/validation.server";
import { networkAccess, notFound } from "../access/access.server";
import { partnerChoices } from "../accounts/choices.server";
import { revokeMemberInvitations } from "../meetings/invitations.server";

import { auditActor, recordAudit } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { announceAccessChange } from "../access/access-events.server";

type Context = { clientIp: string };

/** The chosen partner account is not one that can be a member here. */
export class PartnerChoiceError extends Error {}
/** The same partner account is already a member. */
export class DuplicateMemberError extends Error {}

export const MemberFields = z.object({
  userId: optionalUuid(),
  name: optionalSingleLine(200),
  relation: choice(memberRelations),
  organisation: optionalSingleLine(200),
  phone: optionalPhone(),
  email: optionalEmail(),
  circle: choice(networkCircles),
  wantsInvited: optionalChoice(["yes", "no"] as const),
});
export type MemberInput = z.output<typeof MemberFields>;

/** What is written down about a member without an account: who they are and how to reach them. */
const CONTACT_FIELDS = ["name", "organisation", "phone", "email"] as const;

/**
 * The member form's fields that apply to the choice made in it. An account member's name,
 * organisation and contact come from the account: whatever the form still holds in those fields
 * (typed for someone else, or before the account was chosen) is neither checked nor stored.
 */
export function memberFormFields(fields: Record<string, string>): Record<string, string> {
  if (!fields.userId) return fields;
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([name]) => !(CONTACT_FIELDS as readonly string[]).includes(name),
    ),
  );
}

/** A member's details as a leader edits them afterwards (the same rules as when added). */
export const MemberUpdateFields = z.object({
  name: optionalSingleLine(200),
  relation: choice(memberRelations),
  organisation: optionalSingleLine(200),
  phone: optionalPhone(),
  email: optionalEmail(),
  circle: choice(networkCircles),
});
export type MemberUpdate = z.output<typeof MemberUpdateFields>;

export class MemberNameRequiredError extends Error {}

/**
 * Adds a partner with an account, or a contact without one, to a network the user manages.
 * With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function addMember(
  user: SessionUser,
  context: Context,
  networkId: string,
  input: MemberInput,

  claim?: FormClaim,
): Promise<string> {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage" || !access.personId) notFound();
  const { db } = getDatabase();
  let name = input.name;
  // An account member's name is the account's; organisation and contact are read from it.
  let contact = { organisation: input.organisation, phone: input.phone, email: input.email };
  if (input.userId) {
    contact = { organisation: null, phone: null, email: null };
    const partner = (await partnerChoices(user.municipalityId)).find((p) => p.id === input.userId);
    if (!partner) throw new PartnerChoiceError();
    name = partner.name;
  }
  if (!name) throw new MemberNameRequiredError();
  const accountId = input.userId;
  return db.transaction((tx) =>
    once(tx, claim, async () => {
      // After the form token is claimed: a repeated post gets the first post's result, not
      // "already a member" (issue 10, item 6).
      if (accountId) {
        const [already] = await tx
          .select({ id: networkMembers.id })
          .from(networkMembers)
          .where(
            and(
              eq(networkMembers.networkId, networkId),
              eq(networkMembers.userId, accountId),
              isNull(networkMembers.removedAt),
            ),
          );
        if (already) throw new DuplicateMemberError();
      }
      const [member] = await tx
        .insert(networkMembers)
        .values({
          networkId,
          userId: input.userId,
          name,
          relation: input.relation,
          ...contact,
          circle: input.circle,
          wantsInvited: input.wantsInvited === "yes",
        })
        .returning({ id: networkMembers.id });
      await recordAudit(
        auditActor(user, context),
        {
          action: "member.add",
          subjectType: "member",
          subjectId: member!.id,
          personId: access.personId!,
          details: { relation: input.relation, account: !!input.userId },
        },
        tx,
      );
      return member!.id;
    }),
  );
}

/** A current member of a network the user manages, or "not found" (also for the person's row). */
export async function managedMember(user: SessionUser, networkId: string, memberId: string) {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage" || !access.personId) notFound();
  const [member] = await getDatabase()
    .db.select({
      id: networkMembers.id,
      userId: networkMembers.userId,
      wantsInvited: networkMembers.wantsInvited,
    })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.id, memberId),
        eq(networkMembers.networkId, networkId),
        isNull(networkMembers.removedAt),
        // The person's own row is not edited, removed or given consent as a member (ADR 013).
        eq(networkMembers.isPerson, false),
      ),
    );
  if (!member) notFound();
  return { ...member, personId: access.personId };
}

/** The person's choice whether this member is invited to meetings by default. */
export async function setWantsInvited(
  user: SessionUser,
  context: Context,
  networkId: string,
  memberId: string,
  wantsInvited: boolean,
) {
  const member = await managedMember(user, networkId, memberId);
  await getDatabase().db.transaction(async (tx) => {
    await tx.update(networkMembers).set({ wantsInvited }).where(eq(networkMembers.id, member.id));
    await recordAudit(
      auditActor(user, context),
      {
        action: "member.update",
        subjectType: "member",
        subjectId: member.id,
        personId: member.personId,
        details: { wantsInvited },
      },
      tx,
    );
  });
}

/**
 * Corrects a member's details. For a member without an account: name, relation, organisation,
 * phone, e-mail and place in the map; for an account member only relation and place (the rest
 * is the account's, and nothing else is stored for them). The audit entry names the fields that
 * changed, not their values. Returns those fields (none: nothing was written).
 */
export async function updateMember(
  user: SessionUser,
  context: Context,
  networkId: string,
  memberId: string,
  input: MemberUpdate,
): Promise<string[]> {
  const member = await managedMember(user, networkId, memberId);
  const hasAccount = member.userId !== null;
  if (!hasAccount && !input.name) throw new MemberNameRequiredError();
  const wanted = hasAccount
    ? {
        relation: input.relation,
        circle: input.circle,
        organisation: null,
        phone: null,
        email: null,
      }
    : {
        name: input.name!,
        relation: input.relation,
        organisation: input.organisation,
        phone: input.phone,
        email: input.email,
        circle: input.circle,
      };
  return getDatabase().db.transaction(async (tx) => {
    const [current] = await tx
      .select({
        name: networkMembers.name,
        relation: networkMembers.relation,
        organisation: networkMembers.organisation,
        phone: networkMembers.phone,
        email: networkMembers.email,
        circle: networkMembers.circle,
      })
      .from(networkMembers)
      .where(eq(networkMembers.id, member.id))
      .for("update");
    const changed = Object.fromEntries(
      Object.entries(wanted).filter(
        ([field, value]) => current![field as keyof typeof current] !== value,
      ),
    );
    const fields = Object.keys(changed);
    if (fields.length === 0) return fields;
    await tx.update(networkMembers).set(changed).where(eq(networkMembers.id, member.id));
    await recordAudit(
      auditActor(user, context),
      {
        action: "member.update",
        subjectType: "member",
        subjectId: member.id,
        personId: member.personId,
        details: { fields },
      },
      tx,
    );
    return fields;
  });
}

/** Removing keeps the row (history) but ends the membership, and with it all access. */
export async function removeMember(
  user: SessionUser,
  context: Context,
  networkId: string,
  memberId: string,
) {
  const member = await managedMember(user, networkId, memberId);
  await getDatabase().db.transaction(async (tx) => {
    await tx
      .update(networkMembers)
      .set({ removedAt: new Date() })
      .where(eq(networkMembers.id, member.id));
    // Their invitations to coming meetings end too, with a cancellation to their calendar.
    const cancelled = await revokeMemberInvitations(tx, member.id);
    await recordAudit(
      auditActor(user, context),
      {
        action: "member.remove",
        subjectType: "member",
        subjectId: member.id,
        personId: member.personId,
        details: { cancelledInvitations: cancelled },
      },
      tx,
    );
    await announceAccessChange(tx, { personId: member.personId });
  });
}
