import { and, asc, eq } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  BRIDGE_STALL_DAYS,
  closedBridgeStatuses,
  type BridgeStatus,
} from "../../../db/bridge-enums";
import type { LifeArea } from "../../../db/enums";
import {
  bridgeEvents,
  bridges,
  networks,
  offerings,
  organisations,
  persons,
  planActions,
  planGoals,
  users,
} from "../../../db/schema";
import { osloToday } from "../../utils/oslo-time";
import { networkAccess, notFound } from "../access/access.server";
import type { SessionUser } from "../accounts/session.server";
import {
  invitationActorLabel,
  invitationMayWrite,
  type CurrentInvitation,
} from "../access/invitations.server";
import { auditActor, recordAudit, recordAuditNow, type AuditActor } from "../audit/audit.server";
import { once, type FormClaim } from "../forms/once.server";
import { personFirstName } from "../networks/person-member.server";
import type { BridgeStep, ProposeBridge } from "./bridge-form.server";
import { bridgeLinkUrl } from "./bridge-token.server";

/*
 * Bridges from a person to a community offering (brobygging, issue 13; ADR 025): the one place
 * for their rules. Who may see and change a bridge: whoever manages the person's network
 * (access.server.ts "manage": the network's and the person's leaders, and coordinators of the
 * person's unit). Partners who are members read bridges only inside the plan, under the goals of
 * the parts their consent covers (plan/plan-page.server.ts); everyone else gets "not found", as
 * does anyone of another municipality. Every read and change is in the audit log.
 */

type Context = { clientIp: string };

/** A step the next step may not follow: a closed bridge takes no more steps. */
export class BridgeClosedError extends Error {}
/** The chosen offering is not an active offering of the person's municipality. */
export class UnknownOfferingError extends Error {}
/** The goal or action named is not in this network's plan. */
export class UnknownPlanEntryError extends Error {}

/** One step as pages show it. */
export interface BridgeEventView {
  id: string;
  status: BridgeStatus;
  /** Oslo date YYYY-MM-DD. */
  happenedOn: string;
  visitOn: string | null;
  companion: string | null;
  note: string;
  /** A user's name, or "contact" (the organisation through its link). */
  by: string;
  /** ISO instant. */
  at: string;
}

/** The instant before which a bridge's last change makes it stalled at `now` (14 days). */
export function stalledSince(now: Date): Date {
  return new Date(now.getTime() - BRIDGE_STALL_DAYS * 24 * 60 * 60 * 1000);
}

/** Whether a bridge in `status` is closed (did not start, or ended): no steps, no link. */
export const isClosed = (status: BridgeStatus) => closedBridgeStatuses.includes(status);

/** The network's person and municipality, after checking that `user` manages the network. */
async function managedNetwork(user: SessionUser, networkId: string) {
  const [network] = await getDatabase()
    .db.select({ personId: networks.personId, municipalityId: persons.municipalityId })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(networks.id, networkId));
  if (!network || network.municipalityId !== user.municipalityId) notFound();
  const access = await networkAccess(user, networkId, network.personId);
  if (access.level !== "manage") notFound();
  return network;
}

/** The bridge row, after checking that `user` manages its network; "not found" otherwise. */
export async function managedBridge(user: SessionUser, bridgeId: string) {
  const [bridge] = await getDatabase().db.select().from(bridges).where(eq(bridges.id, bridgeId));
  if (!bridge || bridge.municipalityId !== user.municipalityId) notFound();
  const access = await networkAccess(user, bridge.networkId, bridge.personId);
  if (access.level !== "manage") notFound();
  return bridge;
}

/** What the propose page offers: the goal or action it serves (words) and the offerings. */
export async function proposePage(
  user: SessionUser,
  networkId: string,
  serves: { goalId: string | null; actionId: string | null },
) {
  const network = await managedNetwork(user, networkId);
  const entry = await planEntry(getDatabase().db, networkId, serves);
  return { networkId, personId: network.personId, ...entry };
}

/**
 * The goal and/or action a bridge serves, from the plan's projection (ADR 019): their words and
 * the life area (the action's goal's area when both are named). Throws UnknownPlanEntryError for
 * an id that is not in this network's plan.
 */
async function planEntry(
  db: Database,
  networkId: string,
  serves: { goalId: string | null; actionId: string | null },
): Promise<{
  goal: string | null;
  action: string | null;
  area: LifeArea | null;
  goalId: string | null;
}> {
  let goalId = serves.goalId;
  let action: string | null = null;
  let area: LifeArea | null = null;
  if (serves.actionId) {
    const [row] = await db
      .select({ what: planActions.what, goalId: planActions.goalId, area: planActions.area })
      .from(planActions)
      .where(
        and(
          eq(planActions.networkId, networkId),
          eq(planActions.actionId, serves.actionId),
          eq(planActions.source, "plan"),
        ),
      )
      .limit(1);
    if (!row) throw new UnknownPlanEntryError();
    action = row.what;
    area = row.area ?? null;
    goalId ??= row.goalId;
  }
  let goal: string | null = null;
  if (goalId) {
    const [row] = await db
      .select({ words: planGoals.inMyWords, area: planGoals.area })
      .from(planGoals)
      .where(and(eq(planGoals.networkId, networkId), eq(planGoals.goalId, goalId)))
      .limit(1);
    if (!row) throw new UnknownPlanEntryError();
    goal = row.words;
    area = row.area;
  }
  return { goal, action, area, goalId };
}

/**
 * A leader proposes `input.offeringId` to the person of `networkId`, optionally for a goal
 * and/or action of the plan: a bridge with status "suggested" and its first step, once per form
 * token (`claim`), audited (bridge.create). Returns the bridge's id. Throws "not found" for a
 * network the user does not manage, UnknownOfferingError for an offering that is not active in
 * the person's municipality, UnknownPlanEntryError for a goal or action not in this plan.
 */
export async function proposeBridge(
  user: SessionUser,
  context: Context,
  networkId: string,
  input: ProposeBridge,
  claim?: FormClaim,
  now: Date = new Date(),
): Promise<string> {
  const network = await managedNetwork(user, networkId);
  const { db } = getDatabase();
  const [offering] = await db
    .select({ id: offerings.id })
    .from(offerings)
    .where(
      and(
        eq(offerings.id, input.offeringId),
        eq(offerings.municipalityId, network.municipalityId),
        eq(offerings.status, "active"),
      ),
    );
  if (!offering) throw new UnknownOfferingError();
  const entry = await planEntry(db, networkId, input);
  return db.transaction(async (tx) =>
    once(tx, claim, async () => {
      const [bridge] = await tx
        .insert(bridges)
        .values({
          municipalityId: network.municipalityId,
          personId: network.personId,
          networkId,
          offeringId: offering.id,
          goalId: entry.goalId,
          actionId: input.actionId,
          area: entry.area,
          createdByUserId: user.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: bridges.id });
      await tx.insert(bridgeEvents).values({
        bridgeId: bridge!.id,
        status: "suggested",
        happenedOn: osloToday(now),
        note: input.note,
        byUserId: user.id,
        createdAt: now,
      });
      await recordAudit(
        auditActor(user, context),
        {
          action: "bridge.create",
          subjectType: "bridge",
          subjectId: bridge!.id,
          personId: network.personId,
          details: { offeringId: offering.id, goal: !!entry.goalId, action: !!input.actionId },
        },
        tx,
      );
      return bridge!.id;
    }),
  );
}

/** The steps of a bridge, oldest first, with who took each. */
export async function bridgeHistory(bridgeId: string, db: Database = getDatabase().db) {
  const rows = await db
    .select({ event: bridgeEvents, by: users.name })
    .from(bridgeEvents)
    .leftJoin(users, eq(users.id, bridgeEvents.byUserId))
    .where(eq(bridgeEvents.bridgeId, bridgeId))
    .orderBy(asc(bridgeEvents.createdAt), asc(bridgeEvents.id));
  return rows.map(({ event, by }): BridgeEventView => ({
    id: event.id,
    status: event.status,
    happenedOn: event.happenedOn,
    visitOn: event.visitOn,
    companion: event.companion,
    note: event.note,
    by: by ?? event.byLabel ?? "",
    at: event.createdAt.toISOString(),
  }));
}

/**
 * The bridge page for a leader who manages the network: the bridge, its offering, the person's
 * name, the goal and action it serves, its history, consent and link state. Audited
 * (bridge.view). "Not found" for anyone else.
 */
export async function viewBridge(user: SessionUser, context: Context, bridgeId: string) {
  const bridge = await managedBridge(user, bridgeId);
  const { db } = getDatabase();
  const [facts] = await db
    .select({
      ...contactColumns,
      personName: persons.name,
      preferredName: persons.preferredName,
    })
    .from(bridges)
    .innerJoin(offerings, eq(offerings.id, bridges.offeringId))
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .innerJoin(persons, eq(persons.id, bridges.personId))
    .where(eq(bridges.id, bridgeId));
  let entry: Awaited<ReturnType<typeof planEntry>> = {
    goal: null,
    action: null,
    area: null,
    goalId: null,
  };
  try {
    entry = await planEntry(db, bridge.networkId, {
      goalId: bridge.goalId,
      actionId: bridge.actionId,
    });
  } catch (error) {
    // The goal or action was removed from the plan since: the bridge stays.
    if (!(error instanceof UnknownPlanEntryError)) throw error;
  }
  const history = await bridgeHistory(bridgeId, db);
  await recordAuditNow(auditActor(user, context), {
    action: "bridge.view",
    subjectType: "bridge",
    subjectId: bridgeId,
    personId: bridge.personId,
  });
  return {
    id: bridge.id,
    networkId: bridge.networkId,
    personId: bridge.personId,
    personName: facts!.personName,
    personFirstName: personFirstName({
      name: facts!.personName,
      preferredName: facts!.preferredName,
    }),
    offeringId: bridge.offeringId,
    offeringTitle: facts!.offeringTitle,
    organisation: facts!.organisation,
    contactName: facts!.contactName,
    status: bridge.status,
    closed: isClosed(bridge.status),
    firstVisitOn: bridge.firstVisitOn,
    companion: bridge.companion,
    visitConfirmedAt: bridge.visitConfirmedAt?.toISOString() ?? null,
    goal: entry.goal,
    action: entry.action,
    consent: consentState(bridge),
    /** Where "send the link" sends it (the contact, else the organisation), or null. */
    linkSendTo: contactOf(facts!)?.address ?? null,
    /** The contact's current link (shown again like invitation links), or null. */
    link: bridge.linkTokenHash ? bridgeLinkUrl(bridge.id, bridge.linkVersion) : null,
    linkIssuedAt: bridge.linkTokenHash ? (bridge.linkIssuedAt?.toISOString() ?? null) : null,
    history,
  };
}

/** The columns contactOf reads, for a query joining the bridge's offering and organisation. */
const contactColumns = {
  contactEmail: offerings.contactEmail,
  contactName: offerings.contactName,
  organisationEmail: organisations.email,
  organisation: organisations.name,
  offeringTitle: offerings.title,
};

/**
 * The address the organisation's link is sent to: the offering's contact, or else the
 * organisation's own address; null when neither has one.
 */
function contactOf(row: {
  contactEmail: string | null;
  contactName: string | null;
  organisationEmail: string | null;
  organisation: string;
}): { address: string; name: string | null } | null {
  if (row.contactEmail) return { address: row.contactEmail, name: row.contactName };
  if (row.organisationEmail) return { address: row.organisationEmail, name: row.organisation };
  return null;
}

/** The bridge's contact address (contactOf) with its offering's title, or null. */
export async function bridgeContactAddress(
  db: Database,
  bridgeId: string,
): Promise<{ address: string; name: string | null; offeringTitle: string } | null> {
  const [row] = await db
    .select(contactColumns)
    .from(bridges)
    .innerJoin(offerings, eq(offerings.id, bridges.offeringId))
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(eq(bridges.id, bridgeId));
  const contact = row ? contactOf(row) : null;
  return contact && { ...contact, offeringTitle: row!.offeringTitle };
}

/** The consent to share with the organisation, as pages show it. */
export function consentState(bridge: typeof bridges.$inferSelect) {
  const inForce = !!bridge.consentGivenAt && !bridge.consentWithdrawnAt;
  return {
    inForce,
    givenAt: bridge.consentGivenAt?.toISOString() ?? null,
    givenBy: bridge.consentGivenBy,
    withdrawnAt: bridge.consentWithdrawnAt?.toISOString() ?? null,
  };
}

/**
 * Adds the next step to a bridge (a leader who manages its network): its status, date, note and
 * — for "visit_agreed" — the visit date and companion; the bridge takes the step's status (and
 * visit) and counts as changed now. Once per form token, audited (bridge.step). Throws "not
 * found" for anyone else and BridgeClosedError when the bridge has ended or did not start.
 * Ending a bridge ends its contact link.
 */
export async function addBridgeStep(
  user: SessionUser,
  context: Context,
  bridgeId: string,
  step: BridgeStep,
  claim?: FormClaim,
  now: Date = new Date(),
): Promise<void> {
  const bridge = await managedBridge(user, bridgeId);
  await getDatabase().db.transaction(async (tx) =>
    once(tx, claim, async () => {
      await recordStep(
        tx,
        bridge.id,
        step,
        { byUserId: user.id, byLabel: null },
        now,
        // A newly agreed visit waits for the organisation's confirmation again.
        step.status === "visit_agreed" ? { visitConfirmedAt: null } : {},
      );
      await recordAudit(
        auditActor(user, context),
        {
          action: "bridge.step",
          subjectType: "bridge",
          subjectId: bridge.id,
          personId: bridge.personId,
          details: { status: step.status, happenedOn: step.happenedOn },
        },
        tx,
      );
      return true;
    }),
  );
}

/**
 * Writes one step inside `tx` after locking the bridge row: refuses a closed bridge
 * (BridgeClosedError), stores the event, and sets the bridge's status, visit and updated_at.
 * A closing step also clears the contact link. Shared by leaders' steps and the contact's
 * confirmation (bridge-link.server.ts).
 */
export async function recordStep(
  tx: Database,
  bridgeId: string,
  step: BridgeStep,
  by: { byUserId: string | null; byLabel: string | null },
  now: Date,
  extra: Partial<typeof bridges.$inferInsert> = {},
): Promise<void> {
  const [current] = await tx
    .select({ status: bridges.status })
    .from(bridges)
    .where(eq(bridges.id, bridgeId))
    .for("update");
  if (!current || isClosed(current.status)) throw new BridgeClosedError();
  await tx.insert(bridgeEvents).values({
    bridgeId,
    status: step.status,
    happenedOn: step.happenedOn,
    visitOn: step.visitOn,
    companion: step.companion,
    note: step.note,
    ...by,
    createdAt: now,
  });
  const visit =
    step.status === "visit_agreed" ? { firstVisitOn: step.visitOn, companion: step.companion } : {};
  const closing = isClosed(step.status) ? { linkTokenHash: null } : {};
  await tx
    .update(bridges)
    .set({ status: step.status, updatedAt: now, ...visit, ...closing, ...extra })
    .where(eq(bridges.id, bridgeId));
}

/**
 * Records (`give`) or withdraws the person's consent to share their first name and the first
 * visit with the offering's organisation for this bridge, as a leader who manages the network
 * (the person said so; the leader is recorded) — audited (bridge.consent /
 * bridge.consent_withdraw). Setting what is already set changes nothing. Withdrawal takes effect
 * at once: the contact's link shows nothing. "Not found" for anyone else.
 */
export async function setBridgeConsent(
  user: SessionUser,
  context: Context,
  bridgeId: string,
  give: boolean,
  now: Date = new Date(),
): Promise<void> {
  const bridge = await managedBridge(user, bridgeId);
  await writeConsent(bridge, give, auditActor(user, context), { userId: user.id }, now);
}

/**
 * The person gives or withdraws the same consent themselves, through their own personal link
 * (`found`, current, the person's own: invitationMayWrite "plan"), for a bridge of that link's
 * network; recorded as given by the person. Returns false when the bridge is not theirs (the
 * route answers 404).
 */
export async function setBridgeConsentByPerson(
  found: CurrentInvitation,
  ip: string,
  bridgeId: string,
  give: boolean,
  now: Date = new Date(),
): Promise<boolean> {
  if (!invitationMayWrite(found, "plan")) return false;
  const [bridge] = await getDatabase().db.select().from(bridges).where(eq(bridges.id, bridgeId));
  if (!bridge || bridge.networkId !== found.networkId) return false;
  const actor = { label: invitationActorLabel(found), municipalityId: found.municipalityId, ip };
  await writeConsent(bridge, give, actor, { userId: null }, now);
  return true;
}

async function writeConsent(
  bridge: typeof bridges.$inferSelect,
  give: boolean,
  actor: AuditActor,
  by: { userId: string | null },
  now: Date,
): Promise<void> {
  if (consentState(bridge).inForce === give) return;
  await getDatabase().db.transaction(async (tx) => {
    await tx
      .update(bridges)
      .set(
        give
          ? {
              consentGivenAt: now,
              consentGivenBy: by.userId ? "leader" : "person",
              consentRecordedByUserId: by.userId,
              consentWithdrawnAt: null,
            }
          : { consentWithdrawnAt: now },
      )
      .where(eq(bridges.id, bridge.id));
    await recordAudit(
      actor,
      {
        action: give ? "bridge.consent" : "bridge.consent_withdraw",
        subjectType: "bridge",
        subjectId: bridge.id,
        personId: bridge.personId,
        details: { by: by.userId ? "leader" : "person" },
      },
      tx,
    );
  });
}
