/* Members of a network: partners with an account and contacts without one. */
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

export class MemberNameRequiredError extends Error {}

/** Adds a partner with an account, or a contact without one, to a network the user manages. */
export async function addMember(
  user: SessionUser,
  context: Context,
  networkId: string,
  input: MemberInput,
): Promise<string> {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage" || !access.personId) notFound();
  const { db } = getDatabase();
  let name = input.name;
  if (input.userId) {
    const partner = (await partnerChoices(user.municipalityId)).find((p) => p.id === input.userId);
    if (!partner) throw new PartnerChoiceError();
    name = partner.name;
    const [already] = await db
      .select({ id: networkMembers.id })
      .from(networkMembers)
      .where(
        and(
          eq(networkMembers.networkId, networkId),
          eq(networkMembers.userId, input.userId),
          isNull(networkMembers.removedAt),
        ),
      );
    if (already) throw new DuplicateMemberError();
  }
  if (!name) throw new MemberNameRequiredError();
  return db.transaction(async (tx) => {
    const [member] = await tx
      .insert(networkMembers)
      .values({
        networkId,
        userId: input.userId,
        name,
        relation: input.relation,
        organisation: input.organisation,
        phone: input.phone,
        email: input.email,
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
  });
}

/** A current member of a network the user manages, or "not found". */
export async function managedMember(user: SessionUser, networkId: string, memberId: string) {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage" || !access.personId) notFound();
  const [member] = await getDatabase()
    .db.select({ id: networkMembers.id, wantsInvited: networkMembers.wantsInvited })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.id, memberId),
        eq(networkMembers.networkId, networkId),
        isNull(networkMembers.removedAt),
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
