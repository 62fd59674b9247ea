import { and, eq } from "drizzle-orm";
import { hashPassword } from "../app/features/accounts/password.server";
import { invitationTokenHash, linkExpiry } from "../app/features/meetings/invitation-links.server";
import { personMemberValues } from "../app/features/networks/person-member.server";
import type { Database } from "./client";
import { seedDemoOfferings } from "./seed-offerings";
import {
  consents,
  invitations,
  meetingLeaders,
  meetings,
  municipalities,
  networkLeaders,
  networkMembers,
  networks,
  personLeaders,
  persons,
  partnerOrganisations,
  roleAssignments,
  units,
  users,
  type PartnerOrganisationType,
  type Role,
} from "./schema";

/* Fictional municipality, organisations and people: any likeness to real ones is chance. */
export const DEMO_PASSWORD = "broen-demo-2026";

export const demoAccounts: readonly {
  email: string;
  name: string;
  role: Role;
  unit?: string;
  organisation?: string;
}[] = [
  { email: "admin@fjordvik.test", name: "Tove Aasland", role: "admin" },
  {
    email: "koordinator@fjordvik.test",
    name: "Kari Nordvik",
    role: "coordinator",
    unit: "Mestringsenheten",
  },
  {
    email: "leder@fjordvik.test",
    name: "Lars Bakkevik",
    role: "leader",
    unit: "Oppfølgingsteam Nord",
  },
  {
    email: "leder2@fjordvik.test",
    name: "Sofie Lundheim",
    role: "leader",
    unit: "Oppfølgingsteam Sør",
  },
  {
    email: "nav@fjordvik.test",
    name: "Omar Haugland",
    role: "partner",
    organisation: "NAV Fjordvik",
  },
  {
    email: "bolig@fjordvik.test",
    name: "Eva Strandvik",
    role: "partner",
    organisation: "Boligteamet",
  },
  {
    email: "frivillig@fjordvik.test",
    name: "Jonas Bergheim",
    role: "partner",
    organisation: "Fjordvik frivilligsentral",
  },
];

const demoOrganisations: readonly { name: string; type: PartnerOrganisationType }[] = [
  { name: "NAV Fjordvik", type: "nav" },
  { name: "Boligteamet", type: "housing" },
  { name: "Fjordvik legesenter", type: "gp_office" },
  { name: "DPS Fjordvik", type: "specialist_health" },
  { name: "Fjordvik frivilligsentral", type: "volunteer_organisation" },
  { name: "Fjordvik idrettslag", type: "volunteer_organisation" },
  { name: "Erfaringsnettverket Fjordvik", type: "volunteer_organisation" },
];

/** Idempotent: running it again adds nothing and changes no password. */
export async function seedDemoData(db: Database): Promise<{ createdAccounts: number }> {
  await db
    .insert(municipalities)
    .values({ name: "Fjordvik kommune", slug: "fjordvik" })
    .onConflictDoNothing();
  const [municipality] = await db
    .select()
    .from(municipalities)
    .where(eq(municipalities.slug, "fjordvik"));
  const municipalityId = municipality!.id;

  const unitId = async (name: string, parentUnitId: string | null) => {
    await db.insert(units).values({ municipalityId, name, parentUnitId }).onConflictDoNothing();
    const [row] = await db
      .select({ id: units.id })
      .from(units)
      .where(and(eq(units.municipalityId, municipalityId), eq(units.name, name)));
    return row!.id;
  };
  const unitIds = new Map<string, string>();
  const mainUnit = await unitId("Mestringsenheten", null);
  unitIds.set("Mestringsenheten", mainUnit);
  for (const team of ["Oppfølgingsteam Nord", "Oppfølgingsteam Sør"]) {
    unitIds.set(team, await unitId(team, mainUnit));
  }

  await db
    .insert(partnerOrganisations)
    .values(demoOrganisations.map((o) => ({ ...o, municipalityId })))
    .onConflictDoNothing();
  const organisations = await db
    .select({ id: partnerOrganisations.id, name: partnerOrganisations.name })
    .from(partnerOrganisations)
    .where(eq(partnerOrganisations.municipalityId, municipalityId));
  const organisationId = (name?: string) =>
    name ? (organisations.find((o) => o.name === name)?.id ?? null) : null;

  let createdAccounts = 0;
  for (const account of demoAccounts) {
    const [existing] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, account.email));
    if (existing) continue;
    const [created] = await db
      .insert(users)
      .values({
        municipalityId,
        email: account.email,
        name: account.name,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        partnerOrganisationId: organisationId(account.organisation),
      })
      .returning({ id: users.id });
    await db.insert(roleAssignments).values({
      userId: created!.id,
      municipalityId,
      role: account.role,
      unitId: account.unit ? (unitIds.get(account.unit) ?? null) : null,
    });
    createdAccounts++;
  }
  await seedDemoNetwork(db, municipalityId, unitIds.get("Oppfølgingsteam Nord")!);
  const [coordinator] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, "koordinator@fjordvik.test"));
  await seedDemoOfferings(db, municipalityId, coordinator!.id);
  return { createdAccounts };
}

/**
 * One fictional person with a network, consent and an upcoming meeting, so a leader who logs
 * in to the demo has something to look at. Written directly (no e-mails are queued).
 */
async function seedDemoNetwork(db: Database, municipalityId: string, unitId: string) {
  const [existing] = await db
    .select({ id: persons.id })
    .from(persons)
    .where(and(eq(persons.municipalityId, municipalityId), eq(persons.name, DEMO_PERSON)));
  if (existing) return;
  const userId = async (email: string) =>
    (await db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
  const leader = await userId("leder@fjordvik.test");
  const nav = await userId("nav@fjordvik.test");
  await db.transaction(async (tx) => {
    const [person] = await tx
      .insert(persons)
      .values({
        municipalityId,
        unitId,
        name: DEMO_PERSON,
        preferredName: "Siri",
        preferredChannel: "sms",
        createdByUserId: leader,
      })
      .returning({ id: persons.id });
    await tx.insert(personLeaders).values({ personId: person!.id, userId: leader });
    const [network] = await tx
      .insert(networks)
      .values({ personId: person!.id, kind: "network_meeting_group", createdByUserId: leader })
      .returning({ id: networks.id });
    await tx.insert(networkLeaders).values({ networkId: network!.id, userId: leader });
    const members = await tx
      .insert(networkMembers)
      .values([
        {
          networkId: network!.id,
          name: "Per Havdal",
          relation: "relative",
          circle: "family_friends",
          phone: "+47 400 00 111",
        },
        {
          networkId: network!.id,
          userId: nav,
          name: "Omar Haugland",
          relation: "nav",
          circle: "services",
        },
        {
          networkId: network!.id,
          name: "Fjordvik idrettslag",
          relation: "volunteer",
          circle: "community",
          organisation: "Fjordvik idrettslag",
        },
      ])
      .returning({ id: networkMembers.id });
    // Siri is a member of her own network and invited to her meetings (ADR 013).
    const [siri] = await tx
      .insert(networkMembers)
      .values(personMemberValues(network!.id, { name: DEMO_PERSON, phone: null, email: null }))
      .returning({ id: networkMembers.id });
    const today = new Date().toISOString().slice(0, 10);
    await tx.insert(consents).values(
      members.slice(0, 2).map((member) => ({
        memberId: member.id,
        content: "agenda" as const,
        givenOn: today,
        method: "verbal_in_meeting" as const,
        recordedByUserId: leader,
      })),
    );
    const meetingId = crypto.randomUUID();
    const inTwoWeeks = new Date(Date.now() + 14 * 86_400_000);
    inTwoWeeks.setUTCHours(9, 0, 0, 0);
    await tx.insert(meetings).values({
      id: meetingId,
      networkId: network!.id,
      kind: "network_meeting",
      startsAt: inTwoWeeks,
      durationMinutes: 90,
      place: "Fjordvik bibliotek, møterom 2",
      internalTitle: "Første nettverksmøte",
      icalUid: `${meetingId}@broen`,
      createdByUserId: leader,
    });
    await tx.insert(meetingLeaders).values({ meetingId, userId: leader });
    // Her personal link: no e-mail, so the leader shows and passes it on (as for any contact).
    const invitationId = crypto.randomUUID();
    await tx.insert(invitations).values({
      id: invitationId,
      meetingId,
      memberId: siri!.id,
      tokenHash: invitationTokenHash(invitationId, 1),
      expiresAt: linkExpiry(inTwoWeeks, 90),
    });
  });
}

const DEMO_PERSON = "Siri Havdal";

export async function hasDemoAccounts(db: Database): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, demoAccounts[0]!.email))
    .limit(1);
  return !!row;
}

export async function isEmpty(db: Database): Promise<boolean> {
  const [row] = await db.select({ id: municipalities.id }).from(municipalities).limit(1);
  return !row;
}

export function demoLoginLines(): string[] {
  return [
    `Demo logins (password: ${DEMO_PASSWORD}):`,
    ...demoAccounts.map((a) => `  ${a.email.padEnd(28)} ${a.role}`),
  ];
}
