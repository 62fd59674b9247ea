import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "../../../db/client";
import { memberRelations, networkCircles, networkKinds, type NetworkKind } from "../../../db/enums";
import {
  consents,
  networkLeaders,
  networkMembers,
  networks,
  persons,
  users,
} from "../../../db/schema";
import {
  choice,
  optionalChoice,
  optionalEmail,
  optionalPhone,
  optionalSingleLine,
  optionalUuid,
  requiredDate,
} from "../../utils/validation.server";
import { networkAccess, notFound, personAccess } from "../access/access.server";
import { chosenLeaders, leaderChoices, partnerChoices } from "../accounts/choices.server";
import { revokeMemberInvitations } from "../meetings/changes.server";

export { leaderChoices, partnerChoices };
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { consentInForce } from "../consent/consent.server";
import type { SessionUser } from "../accounts/session.server";
import { announceAccessChange } from "../access/access-events.server";

type Context = { clientIp: string };

/** Network meetings have up to two leaders; a responsibility group one coordinator. */
export const MAX_LEADERS: Record<NetworkKind, number> = {
  network_meeting_group: 2,
  responsibility_group: 1,
};

export class DuplicateError extends Error {}
/** The chosen partner account is not one that can be a member here. */
export class PartnerChoiceError extends Error {}

export const NewNetworkFields = z.object({
  kind: choice(networkKinds),
  planRevisionOn: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.union([z.null(), requiredDate()])),
});

export async function createNetwork(
  user: SessionUser,
  context: Context,
  personId: string,
  input: { kind: NetworkKind; planRevisionOn: string | null; leaderIds: string[] },
): Promise<string> {
  if ((await personAccess(user, personId)).level !== "manage") notFound();
  const leaders = await chosenLeaders(user.municipalityId, input.leaderIds, {
    min: 1,
    max: MAX_LEADERS[input.kind],
  });
  const [existing] = await getDatabase()
    .db.select({ id: networks.id })
    .from(networks)
    .where(and(eq(networks.personId, personId), eq(networks.kind, input.kind)));
  if (existing) throw new DuplicateError();
  return getDatabase().db.transaction(async (tx) => {
    const [network] = await tx
      .insert(networks)
      .values({
        personId,
        kind: input.kind,
        planRevisionOn: input.planRevisionOn,
        createdByUserId: user.id,
      })
      .returning({ id: networks.id });
    await tx
      .insert(networkLeaders)
      .values(leaders.map((userId) => ({ networkId: network!.id, userId })));
    await recordAudit(
      auditActor(user, context),
      {
        action: "network.create",
        subjectType: "network",
        subjectId: network!.id,
        personId,
        details: { kind: input.kind, leaders },
      },
      tx,
    );
    return network!.id;
  });
}

/**
 * A network as this user may see it; the read is logged. Members' contact details are shown
 * to those who manage the network and to each member for themselves, never to other partners.
 */
export async function viewNetwork(user: SessionUser, context: Context, networkId: string) {
  const { db } = getDatabase();
  // The network and its person first: the access decision needs the person, the page both.
  const [network] = await db
    .select({
      id: networks.id,
      kind: networks.kind,
      planRevisionOn: networks.planRevisionOn,
      personId: persons.id,
      personName: persons.name,
      personPreferredName: persons.preferredName,
    })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(networks.id, networkId));
  if (!network) notFound();
  const access = await networkAccess(user, networkId, network.personId);
  if (access.level === "none" || !access.personId) notFound();
  const leaders = await db
    .select({ id: users.id, name: users.name })
    .from(networkLeaders)
    .innerJoin(users, eq(users.id, networkLeaders.userId))
    .where(eq(networkLeaders.networkId, networkId));
  const memberRows = await db
    .select()
    .from(networkMembers)
    .where(and(eq(networkMembers.networkId, networkId), isNull(networkMembers.removedAt)))
    .orderBy(asc(networkMembers.circle), asc(networkMembers.name));
  const manage = access.level === "manage";
  const consentRows =
    manage && memberRows.length > 0
      ? await db
          .select()
          .from(consents)
          .where(
            and(
              inArray(
                consents.memberId,
                memberRows.map((m) => m.id),
              ),
              consentInForce(),
            ),
          )
          .orderBy(asc(consents.content))
      : [];
  await recordAuditNow(auditActor(user, context), {
    action: "network.view",
    subjectType: "network",
    subjectId: networkId,
    personId: network.personId,
  });
  return {
    manage,
    network,
    leaders,
    members: memberRows.map((m) => {
      const showContact = manage || m.userId === user.id;
      return {
        id: m.id,
        name: m.name,
        relation: m.relation,
        organisation: m.organisation,
        circle: m.circle,
        wantsInvited: m.wantsInvited,
        hasAccount: m.userId !== null,
        isMe: m.userId === user.id,
        phone: showContact ? m.phone : null,
        email: showContact ? m.email : null,
        consents: consentRows
          .filter((c) => c.memberId === m.id)
          .map((c) => ({
            id: c.id,
            content: c.content,
            givenOn: c.givenOn,
            expiresOn: c.expiresOn,
            method: c.method,
          })),
      };
    }),
  };
}

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
    if (already) throw new DuplicateError();
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

/** Replaces a network's leaders: one or two for network meetings, one for a responsibility group. */
export async function setNetworkLeaders(
  user: SessionUser,
  context: Context,
  networkId: string,
  leaderIds: string[],
) {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage" || !access.personId) notFound();
  const { db } = getDatabase();
  const [network] = await db
    .select({ kind: networks.kind })
    .from(networks)
    .where(eq(networks.id, networkId));
  const chosen = await chosenLeaders(user.municipalityId, leaderIds, {
    min: 1,
    max: MAX_LEADERS[network!.kind],
  });
  await db.transaction(async (tx) => {
    await tx.delete(networkLeaders).where(eq(networkLeaders.networkId, networkId));
    await tx.insert(networkLeaders).values(chosen.map((userId) => ({ networkId, userId })));
    await recordAudit(
      auditActor(user, context),
      {
        action: "network.update",
        subjectType: "network",
        subjectId: networkId,
        personId: access.personId!,
        details: { leaders: chosen },
      },
      tx,
    );
    await announceAccessChange(tx, { personId: access.personId! });
  });
}
