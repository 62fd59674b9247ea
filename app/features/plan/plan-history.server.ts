import { and, asc, eq, isNull } from "drizzle-orm";
import * as Y from "yjs";
import { getDatabase, type Database } from "../../../db/client";
import { lifeAreas, type MeetingKind, type NetworkKind, type PlanPart } from "../../../db/enums";
import { meetings, networkMembers, networks, planSnapshots } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import { networkAccess, notFound } from "../access/access.server";
import {
  invitationActorLabel,
  invitationByToken,
  invitationMayWrite,
} from "../access/invitations.server";
import { auditActor, recordAudit, recordAuditNow, type AuditActor } from "../audit/audit.server";
import { planPartsInForce } from "../consent/consent.server";
import { planDocumentName } from "../documents/registry.server";
import { documentStateNow } from "../documents/state.server";
import { readAreaPlan, readCrisisPlan, readOverview } from "./document";
import {
  diffPlans,
  EMPTY_SNAPSHOT,
  type PlanChanges,
  type PlanSnapshot,
  visibleSnapshot,
} from "./history";

type Context = { clientIp: string };

function docOf(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  return doc;
}

/**
 * The whole plan of a network as it is now, as plain data: the overview, every life area that
 * has a goal or an action, and the crisis plan. Reads each part's live document through
 * documentStateNow (the running realtime server's copy when it has one); call it outside a
 * transaction. Parts of a wrong shape are left out, as the readers do.
 */
export async function readPlanNow(networkId: string): Promise<PlanSnapshot> {
  const overview = readOverview(docOf(await documentStateNow(planDocumentName(networkId))));
  const areas: PlanSnapshot["areas"] = {};
  for (const area of lifeAreas) {
    const { plan } = readAreaPlan(docOf(await documentStateNow(planDocumentName(networkId, area))));
    if (plan.goals.length > 0 || plan.actions.length > 0) areas[area] = plan;
  }
  const { crisis } = readCrisisPlan(
    docOf(await documentStateNow(planDocumentName(networkId, "crisis_plan"))),
  );
  return { overview: overview.overview, areas, crisis };
}

/**
 * Stores `plan` as the plan at meeting `meetingId` inside the caller's transaction `tx`: once
 * per meeting (the first lock wins; a second call, a second lock after a correction, or two
 * leaders at once store nothing). Returns whether a snapshot was stored. ADR 020.
 */
export async function storePlanSnapshot(
  tx: Database,
  input: { networkId: string; meetingId: string; plan: PlanSnapshot },
): Promise<boolean> {
  const [stored] = await tx
    .insert(planSnapshots)
    .values({ networkId: input.networkId, meetingId: input.meetingId, plan: input.plan })
    .onConflictDoNothing()
    .returning({ id: planSnapshots.id });
  return !!stored;
}

/** Whether a snapshot of the plan exists for the meeting (the lock stores it when none does). */
export async function hasPlanSnapshot(meetingId: string, db: Database): Promise<boolean> {
  const [row] = await db
    .select({ id: planSnapshots.id })
    .from(planSnapshots)
    .where(eq(planSnapshots.meetingId, meetingId))
    .limit(1);
  return !!row;
}

/**
 * Which parts of a network's plan `user` may see: "all" for those who manage the network, the
 * parts a consent for "plan" covers now for a member (possibly none), and a 404 (notFound) for
 * anyone else or a network that does not exist. Returns the person the plan is about too.
 */
export async function planVisibility(
  user: SessionUser,
  networkId: string,
  db: Database = getDatabase().db,
): Promise<{ personId: string; visible: ReadonlySet<PlanPart> | "all" }> {
  const access = await networkAccess(user, networkId);
  if (access.level === "none" || !access.personId) notFound();
  if (access.level === "manage") return { personId: access.personId, visible: "all" };
  const [member] = await db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.networkId, networkId),
        eq(networkMembers.userId, user.id),
        isNull(networkMembers.removedAt),
      ),
    )
    .limit(1);
  if (!member) notFound();
  return { personId: access.personId, visible: await planPartsInForce(member.id, db) };
}

export interface SnapshotChoice {
  id: string;
  meetingId: string;
  kind: MeetingKind;
  /** ISO instant. */
  startsAt: string;
}

export interface PlanHistoryView {
  networkId: string;
  networkKind: NetworkKind;
  /** Every meeting with a snapshot, oldest first. */
  snapshots: SnapshotChoice[];
  /** The compared pair: `from` null means "before the first meeting" (an empty plan). */
  from: string | null;
  to: string | null;
  changes: PlanChanges | null;
  /** Whether the reader sees no part at all (a member without consent for the plan). */
  nothingVisible: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The pair of meetings to compare from a history page's URL (`?from=` / `?to=`: a snapshot
 * id, or absent). Throws a 400 Response for anything else.
 */
export function historyChoice(url: URL): { from: string | null; to: string | null } {
  const param = (name: string) => {
    const value = url.searchParams.get(name);
    if (!value) return null;
    if (!UUID.test(value)) throw new Response("Not a meeting of this plan", { status: 400 });
    return value;
  };
  return { from: param("from"), to: param("to") };
}

/** A request for a snapshot that is not one of this network's. Routes answer 400. */
export class UnknownSnapshotError extends Error {
  override name = "UnknownSnapshotError";
}

/**
 * What changed in a network's plan between two meetings, for `user`: leaders see every part,
 * a partner only the parts their consent covers now (others are never read into the answer;
 * none at all gives an empty view). `choice.to` defaults to the newest snapshot, `choice.from`
 * to the one before it (or the empty plan). Throws a 404 Response for a network the user may
 * not see and UnknownSnapshotError for ids that are not this network's snapshots (a pair chosen
 * the wrong way round is compared oldest first). The read is audited ("plan.history_view").
 */
export async function planHistory(
  user: SessionUser,
  context: Context,
  networkId: string,
  choice: { from?: string | null; to?: string | null },
): Promise<PlanHistoryView> {
  const { personId, visible } = await planVisibility(user, networkId);
  return historyOf(
    { networkId, personId, visible, actor: auditActor(user, context), via: "account" },
    choice,
  );
}

/**
 * The same view of the person's own plan through their own current personal link: every part
 * (it is their plan). Null for any other link (a relative's, a partner's, an old or cancelled
 * one): the caller's 404. UnknownSnapshotError as planHistory. Audited as the person
 * ("plan.history_view", via "link").
 */
export async function planHistoryForLink(
  token: string,
  context: Context,
  choice: { from?: string | null; to?: string | null },
): Promise<PlanHistoryView | null> {
  const found = await invitationByToken(token);
  if (!invitationMayWrite(found, "plan")) return null;
  return historyOf(
    {
      networkId: found.networkId,
      personId: found.personId,
      visible: "all",
      actor: {
        label: invitationActorLabel(found),
        municipalityId: found.municipalityId,
        ip: context.clientIp,
      },
      via: "link",
    },
    choice,
  );
}

async function historyOf(
  reader: {
    networkId: string;
    personId: string;
    visible: ReadonlySet<PlanPart> | "all";
    actor: AuditActor;
    via: "account" | "link";
  },
  choice: { from?: string | null; to?: string | null },
): Promise<PlanHistoryView> {
  const { networkId, personId, visible } = reader;
  const { db } = getDatabase();
  const [network] = await db
    .select({ kind: networks.kind })
    .from(networks)
    .where(eq(networks.id, networkId));
  if (!network) notFound();
  const nothingVisible = visible !== "all" && visible.size === 0;
  const rows = nothingVisible
    ? []
    : await db
        .select({
          id: planSnapshots.id,
          meetingId: planSnapshots.meetingId,
          kind: meetings.kind,
          startsAt: meetings.startsAt,
          takenAt: planSnapshots.takenAt,
        })
        .from(planSnapshots)
        .innerJoin(meetings, eq(meetings.id, planSnapshots.meetingId))
        .where(eq(planSnapshots.networkId, networkId))
        .orderBy(asc(meetings.startsAt), asc(planSnapshots.takenAt));
  const index = (id: string) => {
    const at = rows.findIndex((row) => row.id === id);
    if (at < 0) throw new UnknownSnapshotError("Not a snapshot of this plan");
    return at;
  };
  let toIndex = choice.to ? index(choice.to) : rows.length - 1;
  let fromIndex = choice.from ? index(choice.from) : toIndex - 1;
  // Chosen the wrong way round: compare the older with the newer all the same.
  if (fromIndex > toIndex) [fromIndex, toIndex] = [toIndex, fromIndex];
  let changes: PlanChanges | null = null;
  if (toIndex >= 0) {
    const ids = [rows[toIndex]!.id, ...(fromIndex >= 0 ? [rows[fromIndex]!.id] : [])];
    const plans = new Map<string, PlanSnapshot>();
    for (const id of ids) {
      const [row] = await db
        .select({ plan: planSnapshots.plan })
        .from(planSnapshots)
        .where(eq(planSnapshots.id, id));
      // Only the parts the reader may see leave this function.
      plans.set(id, visibleSnapshot(row!.plan as PlanSnapshot, visible));
    }
    changes = diffPlans(
      fromIndex >= 0 ? plans.get(rows[fromIndex]!.id)! : EMPTY_SNAPSHOT,
      plans.get(rows[toIndex]!.id)!,
      visible,
    );
  }
  await recordAuditNow(reader.actor, {
    action: "plan.history_view",
    subjectType: "network",
    subjectId: networkId,
    personId,
    details: { parts: visible === "all" ? "all" : [...visible], via: reader.via },
  });
  return {
    networkId,
    networkKind: network.kind,
    snapshots: rows.map((row) => ({
      id: row.id,
      meetingId: row.meetingId,
      kind: row.kind,
      startsAt: row.startsAt.toISOString(),
    })),
    from: fromIndex >= 0 ? (rows[fromIndex]?.id ?? null) : null,
    to: toIndex >= 0 ? (rows[toIndex]?.id ?? null) : null,
    changes,
    nothingVisible,
  };
}

/** Writes the snapshot's audit entry inside the lock's transaction. */
export async function auditPlanSnapshot(
  tx: Database,
  user: SessionUser,
  context: Context,
  input: { meetingId: string; personId: string },
): Promise<void> {
  await recordAudit(
    auditActor(user, context),
    {
      action: "plan.snapshot",
      subjectType: "meeting",
      subjectId: input.meetingId,
      personId: input.personId,
    },
    tx,
  );
}
