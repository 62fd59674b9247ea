import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { networkMembers, networks } from "../../../db/schema";

/*
 * The person at the centre as an invitee of their own meetings (ADR 013): one member row per
 * network with `isPerson`, made with the network, holding a copy of the person's name and
 * contact so that invitations, links, e-mail, answers and revocation work for them exactly as
 * for any member without an account. Leaders never edit or remove it as a member
 * (managedMember refuses it); the person's own page is where the details change.
 */

/** What of the person the member row copies. */
export interface PersonContact {
  name: string;
  phone: string | null;
  email: string | null;
}

/**
 * The values of the person's member row in network `networkId`. Relation and circle mean
 * nothing for it (it is shown as "the person", never on the map); they are set because the
 * columns are required.
 */
export function personMemberValues(networkId: string, person: PersonContact) {
  return {
    networkId,
    name: person.name,
    phone: person.phone,
    email: person.email,
    relation: "other" as const,
    circle: "family_friends" as const,
    wantsInvited: true,
    isPerson: true,
  } satisfies typeof networkMembers.$inferInsert;
}

/**
 * Copies the person's name and contact to their member row in every network of theirs, inside
 * the transaction `tx` that changes the person (so e-mails queued later reach the new address).
 */
export async function syncPersonMembers(
  tx: Database,
  personId: string,
  person: PersonContact,
): Promise<void> {
  const rows = await tx
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .innerJoin(networks, eq(networks.id, networkMembers.networkId))
    .where(and(eq(networks.personId, personId), eq(networkMembers.isPerson, true)));
  for (const row of rows) {
    await tx
      .update(networkMembers)
      .set({ name: person.name, phone: person.phone, email: person.email })
      .where(eq(networkMembers.id, row.id));
  }
}

/**
 * The name the person is addressed by in the product ("Inviter Siri"): their preferred name,
 * else the first word of their name.
 */
export function personFirstName(person: { name: string; preferredName?: string | null }): string {
  return person.preferredName?.trim() || person.name.trim().split(/\s+/)[0] || person.name;
}
