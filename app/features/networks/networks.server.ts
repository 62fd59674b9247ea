import { once, type FormClaim } from "../forms/once.server";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "../../../db/client";
import { networkKinds, type NetworkKind } from "../../../db/enums";
import {
  consents,
  networkLeaders,
  networkMembers,
  networks,
  partnerOrganisations,
  persons,
  users,
} from "../../../db/schema";
import { choice, requiredDate } from "../../utils/validation.server";
import { networkAccess, notFound, personAccess } from "../access/access.server";
import { chosenLeaders, leaderChoices, partnerChoices } from "../accounts/choices.server";

export { leaderChoices, partnerChoices };
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { consentInForce } from "../consent/consent.server";
import type { SessionUser } from "../accounts/session.server";
import { announceAccessChange } from "../access/access-events.server";
import { personMemberValues } from "./person-member.server";

type Context = { clientIp: string };

/** Network meetings have up to two leaders; a responsibility group one coordinator. */
export const MAX_LEADERS: Record<NetworkKind, number> = {
  network_meeting_group: 2,
  responsibility_group: 1,
};

export class DuplicateError extends Error {}

export const NewNetworkFields = z.object({
  kind: choice(networkKinds),
  planRevisionOn: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.union([z.null(), requiredDate()])),
});

/**
 * Creates a network of one kind for a person the user manages, with its leaders; returns its
 * id. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function createNetwork(
  user: SessionUser,
  context: Context,
  personId: string,
  input: { kind: NetworkKind; planRevisionOn: string | null; leaderIds: string[] },

  claim?: FormClaim,
): Promise<string> {
  if ((await personAccess(user, personId)).level !== "manage") notFound();
  const leaders = await chosenLeaders(user.municipalityId, input.leaderIds, {
    min: 1,
    max: MAX_LEADERS[input.kind],
  });
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      // Checked after the form token is claimed: a repeated post waits for the first and gets
      // its result, instead of seeing the first post's network as a duplicate (issue 10, item 6).
      const [existing] = await tx
        .select({ id: networks.id })
        .from(networks)
        .where(and(eq(networks.personId, personId), eq(networks.kind, input.kind)));
      if (existing) throw new DuplicateError();
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
      // The person is a member of every network of theirs, invited by default (ADR 013).
      const [person] = await tx
        .select({ name: persons.name, phone: persons.phone, email: persons.email })
        .from(persons)
        .where(eq(persons.id, personId));
      await tx.insert(networkMembers).values(personMemberValues(network!.id, person!));
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
    }),
  );
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
  // An account member's organisation and e-mail are the account's (nothing else is stored).
  const memberRows = await db
    .select({
      member: networkMembers,
      accountEmail: users.email,
      accountOrganisation: partnerOrganisations.name,
    })
    .from(networkMembers)
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .leftJoin(partnerOrganisations, eq(partnerOrganisations.id, users.partnerOrganisationId))
    .where(
      and(
        eq(networkMembers.networkId, networkId),
        isNull(networkMembers.removedAt),
        // The person is the centre of the map, not one of its members (ADR 013).
        eq(networkMembers.isPerson, false),
      ),
    )
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
                memberRows.map((m) => m.member.id),
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
    /** For those who manage it: the accounts that are members already (not offered again). */
    memberAccountIds: manage
      ? memberRows.flatMap(({ member }) => (member.userId ? [member.userId] : []))
      : [],
    members: memberRows.map(({ member: m, accountEmail, accountOrganisation }) => {
      const showContact = manage || m.userId === user.id;
      const hasAccount = m.userId !== null;
      return {
        id: m.id,
        name: m.name,
        relation: m.relation,
        organisation: hasAccount ? accountOrganisation : m.organisation,
        circle: m.circle,
        wantsInvited: m.wantsInvited,
        hasAccount,
        isMe: m.userId === user.id,
        phone: showContact && !hasAccount ? m.phone : null,
        email: showContact ? (hasAccount ? accountEmail : m.email) : null,
        consents: consentRows
          .filter((c) => c.memberId === m.id)
          .map((c) => ({
            id: c.id,
            content: c.content,
            planParts: c.planParts ?? null,
            givenOn: c.givenOn,
            expiresOn: c.expiresOn,
            method: c.method,
          })),
      };
    }),
  };
}

/**
 * The partner accounts a leader may add to a network: partnerChoices without those already
 * current members of it (adding them again is refused anyway). `memberAccountIds`: the
 * accounts of its current members, as viewNetwork read them (no second query).
 */
export async function partnersToAdd(municipalityId: string, memberAccountIds: readonly string[]) {
  const members = new Set(memberAccountIds);
  return (await partnerChoices(municipalityId)).filter((partner) => !members.has(partner.id));
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
