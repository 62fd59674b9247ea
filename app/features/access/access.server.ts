import { and, asc, eq, inArray, isNull, or, sql, type Placeholder, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { NetworkKind } from "../../../db/enums";
import {
  networkLeaders,
  networkMembers,
  networks,
  personLeaders,
  persons,
  units,
} from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";

/*
 * Who may see which person and network: the one place for these rules (tjenstlig behov).
 * - "manage": a leader responsible for the person or leading one of their networks, or a
 *   coordinator whose unit (or a team under it) the person belongs to.
 * - "member": a partner with an account who is a current member of one of the person's
 *   networks; they see only those networks, and only what consent allows.
 * Admins get nothing here by role alone. No access looks like "not found" to the asker.
 */
export type PersonAccess =
  { level: "manage" } | { level: "member"; networkIds: string[] } | { level: "none" };

/** Units a coordinator oversees: their own and the teams directly under them. */
async function coordinatedUnitIds(user: SessionUser): Promise<string[]> {
  const own = user.assignments.flatMap((a) =>
    a.role === "coordinator" && a.unitId ? [a.unitId] : [],
  );
  if (own.length === 0) return [];
  const teams = await getDatabase()
    .db.select({ id: units.id })
    .from(units)
    .where(inArray(units.parentUnitId, own));
  return [...own, ...teams.map((t) => t.id)];
}

/** SQL condition: the person row `persons` is one this user manages. */
async function managesPersonCondition(user: SessionUser) {
  const unitIds = await coordinatedUnitIds(user);
  return managesPerson(
    user.id,
    user.municipalityId,
    unitIds.length > 0 ? inArray(persons.unitId, unitIds) : null,
  );
}

/**
 * The rule behind managesPersonCondition(), with the user's values given as values or as
 * placeholders of a prepared query; `inUnits` is the condition for a coordinator's units.
 */
function managesPerson(
  userId: string | Placeholder,
  municipalityId: string | Placeholder,
  inUnits: SQL | null,
) {
  const leads = or(
    sql`exists (select 1 from ${personLeaders} where ${personLeaders.personId} = ${persons.id} and ${personLeaders.userId} = ${userId})`,
    sql`exists (select 1 from ${networks} join ${networkLeaders} on ${networkLeaders.networkId} = ${networks.id}
        where ${networks.personId} = ${persons.id} and ${networkLeaders.userId} = ${userId})`,
  );
  return and(eq(persons.municipalityId, municipalityId), inUnits ? or(leads, inUnits) : leads);
}

/** The networks of a person in which the user is a current member with an account. */
async function memberNetworkIds(user: SessionUser, personId: string): Promise<string[]> {
  const rows = await getDatabase()
    .db.select({ id: networks.id })
    .from(networks)
    .innerJoin(networkMembers, eq(networkMembers.networkId, networks.id))
    .where(
      and(
        eq(networks.personId, personId),
        eq(networkMembers.userId, user.id),
        isNull(networkMembers.removedAt),
      ),
    );
  return rows.map((r) => r.id);
}

/*
 * A user object lives for one request (a GET's loaders share it through the load context; see
 * session.server.ts) or one feed fetch or realtime check: access is decided once per object
 * and person or network, and the decision passed on to every loader and function that asks.
 */
const personDecisions = new WeakMap<SessionUser, Map<string, Promise<PersonAccess>>>();
const networkDecisions = new WeakMap<SessionUser, Map<string, Promise<NetworkAccess>>>();

function decidedOnce<T>(
  decisions: WeakMap<SessionUser, Map<string, Promise<T>>>,
  user: SessionUser,
  key: string,
  decide: () => Promise<T>,
): Promise<T> {
  let byKey = decisions.get(user);
  if (!byKey) decisions.set(user, (byKey = new Map()));
  let pending = byKey.get(key);
  if (!pending) {
    pending = decide();
    byKey.set(key, pending);
    pending.catch(() => byKey.delete(key)); // a failed query is not a decision
  }
  return pending;
}

/** What the user may do with one person: manage them, see some networks as a member, or nothing. */
export function personAccess(user: SessionUser, personId: string): Promise<PersonAccess> {
  return decidedOnce(personDecisions, user, personId, async () => {
    if (user.roles.includes("leader") || user.roles.includes("coordinator")) {
      const [managed] = await getDatabase()
        .db.select({ id: persons.id })
        .from(persons)
        .where(and(eq(persons.id, personId), await managesPersonCondition(user)))
        .limit(1);
      if (managed) return { level: "manage" };
    }
    const networkIds = await memberNetworkIds(user, personId);
    return networkIds.length > 0 ? { level: "member", networkIds } : { level: "none" };
  });
}

export interface NetworkAccess {
  level: "manage" | "member" | "none";
  personId: string | null;
}

/**
 * What the user may do with one network: manage it, see it as a member, or nothing.
 * `personId` may be given when the caller already read it (one query fewer).
 */
export function networkAccess(
  user: SessionUser,
  networkId: string,
  personId?: string,
): Promise<NetworkAccess> {
  return decidedOnce(networkDecisions, user, networkId, async () => {
    let owner = personId;
    if (!owner) {
      const [network] = await getDatabase()
        .db.select({ personId: networks.personId })
        .from(networks)
        .where(eq(networks.id, networkId))
        .limit(1);
      if (!network) return { level: "none", personId: null };
      owner = network.personId;
    }
    const access = await personAccess(user, owner);
    if (access.level === "manage") return { level: "manage", personId: owner };
    if (access.level === "member" && access.networkIds.includes(networkId)) {
      return { level: "member", personId: owner };
    }
    return { level: "none", personId: null };
  });
}

type Visible = { managed: string[]; asMember: string[]; memberNetworkIds: string[] };

const visibleCache = new WeakMap<SessionUser, Promise<Visible>>();

/** Ids of every person the user may see at all (managed, or member of one of their networks). */
export function visiblePersonIds(user: SessionUser): Promise<Visible> {
  let pending = visibleCache.get(user);
  if (!pending) {
    pending = loadVisiblePersonIds(user);
    visibleCache.set(user, pending);
  }
  return pending;
}

async function loadVisiblePersonIds(
  user: SessionUser,
): Promise<{ managed: string[]; asMember: string[]; memberNetworkIds: string[] }> {
  const { db } = getDatabase();
  const managed =
    user.roles.includes("leader") || user.roles.includes("coordinator")
      ? (
          await db
            .select({ id: persons.id })
            .from(persons)
            .where(await managesPersonCondition(user))
        ).map((r) => r.id)
      : [];
  const memberships = await db
    .selectDistinct({ personId: networks.personId, networkId: networks.id })
    .from(networks)
    .innerJoin(networkMembers, eq(networkMembers.networkId, networks.id))
    .where(and(eq(networkMembers.userId, user.id), isNull(networkMembers.removedAt)));
  const asMember = [...new Set(memberships.map((m) => m.personId))].filter(
    (id) => !managed.includes(id),
  );
  return { managed, asMember, memberNetworkIds: memberships.map((m) => m.networkId) };
}

/** A network the user may see, with whether they manage it and whether they are a member. */
export interface VisibleNetwork {
  id: string;
  kind: NetworkKind;
  personId: string;
  person: string;
  manage: boolean;
  member: boolean;
}

const networksCache = new WeakMap<SessionUser, Promise<VisibleNetwork[]>>();

/**
 * Every network the user may see, ordered by the person's name: the networks of the persons
 * they manage, and those they are a current member of. The same rules as visiblePersonIds(),
 * in one query, shared (like it) by the loaders of one request.
 */
export function visibleNetworks(user: SessionUser): Promise<VisibleNetwork[]> {
  let pending = networksCache.get(user);
  if (!pending) {
    pending = loadVisibleNetworks(user);
    networksCache.set(user, pending);
  }
  return pending;
}

type NetworksShape = "member" | "leads" | "leadsOrUnits";

/* Built once per database and shape, with the user's values as placeholders (issue 3). */
function buildVisibleNetworksQuery(db: Database, shape: NetworksShape) {
  const userId = sql.placeholder("userId");
  const manages =
    shape === "member"
      ? sql`false`
      : managesPerson(
          userId,
          sql.placeholder("municipalityId"),
          shape === "leadsOrUnits"
            ? sql`${persons.unitId} = any(${sql.placeholder("unitIds")})`
            : null,
        );
  const member = sql`exists (select 1 from ${networkMembers}
    where ${networkMembers.networkId} = ${networks.id} and ${networkMembers.userId} = ${userId}
    and ${networkMembers.removedAt} is null)`;
  return db
    .select({
      id: networks.id,
      kind: networks.kind,
      personId: persons.id,
      person: persons.name,
      manage: sql<boolean>`(${manages})`,
      member: sql<boolean>`${member}`,
    })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(or(manages, member))
    .orderBy(asc(persons.name))
    .prepare("visible_networks");
}
const networksQueries = new WeakMap<
  Database,
  Map<NetworksShape, ReturnType<typeof buildVisibleNetworksQuery>>
>();

async function loadVisibleNetworks(user: SessionUser): Promise<VisibleNetwork[]> {
  const manager = user.roles.includes("leader") || user.roles.includes("coordinator");
  const unitIds = manager ? await coordinatedUnitIds(user) : [];
  const shape: NetworksShape = !manager ? "member" : unitIds.length ? "leadsOrUnits" : "leads";
  const { db } = getDatabase();
  let byShape = networksQueries.get(db);
  if (!byShape) {
    byShape = new Map();
    networksQueries.set(db, byShape);
  }
  let query = byShape.get(shape);
  if (!query) {
    query = buildVisibleNetworksQuery(db, shape);
    byShape.set(shape, query);
  }
  return query.execute({ userId: user.id, municipalityId: user.municipalityId, unitIds });
}

/** An id from the URL: a uuid, or the same "not found" as an object the user may not see. */
export function idFromUrl(value: string | null | undefined): string {
  if (!value || !UUID.test(value)) notFound();
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws the "not found" answer used for anything the user may not see. */
export function notFound(): never {
  throw new Response("Ikke funnet. / Not found.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
