import { once, type FormClaim } from "../forms/once.server";
import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDatabase } from "../../../db/client";
import { contactChannels, networkKinds } from "../../../db/enums";
import { networkLeaders, networks, personLeaders, persons, units, users } from "../../../db/schema";
import {
  optionalChoice,
  optionalEmail,
  optionalPhone,
  optionalSingleLine,
  singleLine,
  optionalUuid,
} from "../../utils/validation.server";
import { notFound, personAccess, visibleNetworks, visiblePersonIds } from "../access/access.server";
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { chosenLeaders } from "../accounts/choices.server";
import type { SessionUser } from "../accounts/session.server";
import { announceAccessChange } from "../access/access-events.server";
import { announcePersonChange } from "../meetings/updates.server";
import { syncPersonMembers } from "../networks/person-member.server";

type Context = { clientIp: string };

export const PersonFields = z.object({
  name: singleLine(200),
  preferredName: optionalSingleLine(100),
  phone: optionalPhone(),
  email: optionalEmail(),
  preferredChannel: optionalChoice(contactChannels),
  language: optionalSingleLine(60),
  unitId: optionalUuid(),
});
export type PersonInput = z.output<typeof PersonFields>;

/** Units a person can belong to, in the user's municipality. */
export async function unitChoices(municipalityId: string) {
  return getDatabase()
    .db.select({ id: units.id, name: units.name })
    .from(units)
    .where(eq(units.municipalityId, municipalityId))
    .orderBy(asc(units.name));
}

/** The unit a new person lands in when none is chosen: the creator's own unit. */
function defaultUnit(user: SessionUser): string | null {
  return (
    user.assignments.find((a) => a.unitId && (a.role === "leader" || a.role === "coordinator"))
      ?.unitId ?? null
  );
}

export class UnitRequiredError extends Error {}

/**
 * Registers a person; a leader who registers someone becomes responsible for them.
 * With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function createPerson(
  user: SessionUser,
  context: Context,
  input: PersonInput,

  claim?: FormClaim,
): Promise<string> {
  const unitId = input.unitId ?? defaultUnit(user);
  const known = unitId
    ? (await unitChoices(user.municipalityId)).some((u) => u.id === unitId)
    : false;
  if (!unitId || !known) throw new UnitRequiredError();
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const { unitId: _unit, ...fields } = input;
      const [person] = await tx
        .insert(persons)
        .values({
          ...fields,
          unitId,
          municipalityId: user.municipalityId,
          createdByUserId: user.id,
        })
        .returning({ id: persons.id });
      if (user.roles.includes("leader")) {
        await tx.insert(personLeaders).values({ personId: person!.id, userId: user.id });
      }
      await recordAudit(
        auditActor(user, context),
        {
          action: "person.create",
          subjectType: "person",
          subjectId: person!.id,
          personId: person!.id,
        },
        tx,
      );
      return person!.id;
    }),
  );
}

export async function updatePerson(
  user: SessionUser,
  context: Context,
  personId: string,
  input: PersonInput,
): Promise<void> {
  if ((await personAccess(user, personId)).level !== "manage") notFound();
  const unitId = input.unitId;
  if (unitId && !(await unitChoices(user.municipalityId)).some((u) => u.id === unitId))
    throw new UnitRequiredError();
  await getDatabase().db.transaction(async (tx) => {
    const { unitId: _unit, ...fields } = input;
    // Invitations may show the person's name (a leader's choice): those calendars get an update.
    const meetingsUpdated = await announcePersonChange(tx, personId, async () => {
      await tx
        .update(persons)
        .set({ ...fields, ...(unitId ? { unitId } : {}), updatedAt: new Date() })
        .where(eq(persons.id, personId));
      // Their invitations reach them where they are now (ADR 013).
      await syncPersonMembers(tx, personId, input);
    });
    await recordAudit(
      auditActor(user, context),
      {
        action: "person.update",
        subjectType: "person",
        subjectId: personId,
        personId,
        details: {
          fields: Object.keys(fields),
          ...(meetingsUpdated.length > 0 ? { meetingsUpdated } : {}),
        },
      },
      tx,
    );
    // A new unit changes which coordinators oversee the person.
    if (unitId) await announceAccessChange(tx, { personId });
  });
}

/**
 * A person as this user may see them, and the read is logged. Members see the name and only
 * the networks they belong to; contact details are for those who manage the person.
 */
export async function viewPerson(user: SessionUser, context: Context, personId: string) {
  const access = await personAccess(user, personId);
  if (access.level === "none") notFound();
  const { db } = getDatabase();
  const [person] = await db
    .select({
      id: persons.id,
      name: persons.name,
      preferredName: persons.preferredName,
      phone: persons.phone,
      email: persons.email,
      preferredChannel: persons.preferredChannel,
      language: persons.language,
      unitId: persons.unitId,
      unitName: units.name,
    })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(eq(persons.id, personId));
  if (!person) notFound();
  const networkRows = await db
    .select({ id: networks.id, kind: networks.kind, planRevisionOn: networks.planRevisionOn })
    .from(networks)
    .where(
      access.level === "manage"
        ? eq(networks.personId, personId)
        : and(eq(networks.personId, personId), inArray(networks.id, access.networkIds)),
    );
  const leaders = await db
    .select({ id: users.id, name: users.name })
    .from(personLeaders)
    .innerJoin(users, eq(users.id, personLeaders.userId))
    .where(eq(personLeaders.personId, personId));
  await recordAuditNow(auditActor(user, context), {
    action: "person.view",
    subjectType: "person",
    subjectId: personId,
    personId,
  });
  const manage = access.level === "manage";
  return {
    manage,
    person: manage
      ? person
      : { ...person, phone: null, email: null, preferredChannel: null, language: null },
    networks: networkRows,
    leaders,
    missingKinds: manage
      ? networkKinds.filter((kind) => !networkRows.some((n) => n.kind === kind))
      : [],
  };
}

/** The people list: those the user manages, and those in whose networks they are a member. */
export async function listPeople(user: SessionUser) {
  const { managed, asMember, memberNetworkIds } = await visiblePersonIds(user);
  const ids = [...managed, ...asMember];
  if (ids.length === 0) return [];
  const { db } = getDatabase();
  const rows = await db
    .select({
      id: persons.id,
      name: persons.name,
      preferredName: persons.preferredName,
      unitName: units.name,
    })
    .from(persons)
    .innerJoin(units, eq(units.id, persons.unitId))
    .where(inArray(persons.id, ids))
    .orderBy(asc(persons.name));
  const networkRows = await db
    .select({ id: networks.id, personId: networks.personId, kind: networks.kind })
    .from(networks)
    .where(inArray(networks.personId, ids));
  const leaderRows = networkRows.length
    ? await db
        .select({ networkId: networkLeaders.networkId, name: users.name })
        .from(networkLeaders)
        .innerJoin(users, eq(users.id, networkLeaders.userId))
        .where(
          inArray(
            networkLeaders.networkId,
            networkRows.map((n) => n.id),
          ),
        )
    : [];
  return rows.map((row) => ({
    ...row,
    manage: managed.includes(row.id),
    networks: networkRows
      .filter(
        (n) =>
          n.personId === row.id && (managed.includes(row.id) || memberNetworkIds.includes(n.id)),
      )
      .map((n) => ({
        ...n,
        leaders: leaderRows.filter((l) => l.networkId === n.id).map((l) => l.name),
      })),
  }));
}

/** Replaces the leaders responsible for a person (at least one, all able to lead). */
export async function setPersonLeaders(
  user: SessionUser,
  context: Context,
  personId: string,
  leaderIds: string[],
) {
  if ((await personAccess(user, personId)).level !== "manage") notFound();
  const chosen = await chosenLeaders(user.municipalityId, leaderIds, {
    min: 1,
    max: Infinity,
  });
  await getDatabase().db.transaction(async (tx) => {
    await tx.delete(personLeaders).where(eq(personLeaders.personId, personId));
    await tx.insert(personLeaders).values(chosen.map((userId) => ({ personId, userId })));
    await recordAudit(
      auditActor(user, context),
      {
        action: "person.update",
        subjectType: "person",
        subjectId: personId,
        personId,
        details: { leaders: chosen },
      },
      tx,
    );
    await announceAccessChange(tx, { personId });
  });
}

/** The networks the user can see, labelled by person, for filters (one query). */
export async function networkChoices(user: SessionUser) {
  return (await visibleNetworks(user)).map(({ id, kind, person }) => ({ id, kind, person }));
}
