import { asc, desc, eq, inArray } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { BridgeStatus } from "../../../db/bridge-enums";
import type { LifeArea } from "../../../db/enums";
import { bridges, offerings, organisations } from "../../../db/schema";
import {
  invitationActorLabel,
  invitationByToken,
  invitationMayWrite,
} from "../access/invitations.server";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAuditNow } from "../audit/audit.server";
import { bridgeHistory, isClosed, stalledSince } from "./bridges.server";

/*
 * The lists of bridges (issue 13; ADR 025): on the person's page, in the plan under the goals,
 * and the person's own through their link. Each caller has decided access (the person page and
 * the plan) or decides it here (the person's link); the rules for a single bridge are in
 * bridges.server.ts.
 */

type Context = { clientIp: string };

/** A bridge as the lists (person page, plan) show it. */
export interface BridgeSummary {
  id: string;
  networkId: string;
  offeringId: string;
  offeringTitle: string;
  organisation: string;
  status: BridgeStatus;
  goalId: string | null;
  actionId: string | null;
  area: LifeArea | null;
  firstVisitOn: string | null;
  companion: string | null;
  /** ISO instant of the last change. */
  updatedAt: string;
}

const SUMMARY_COLUMNS = {
  id: bridges.id,
  networkId: bridges.networkId,
  offeringId: bridges.offeringId,
  offeringTitle: offerings.title,
  organisation: organisations.name,
  status: bridges.status,
  goalId: bridges.goalId,
  actionId: bridges.actionId,
  area: bridges.area,
  firstVisitOn: bridges.firstVisitOn,
  companion: bridges.companion,
  updatedAt: bridges.updatedAt,
};

const toSummary = (row: { updatedAt: Date; [key: string]: unknown }): BridgeSummary => ({
  ...(row as unknown as BridgeSummary),
  updatedAt: row.updatedAt.toISOString(),
});

/**
 * The bridges of the networks in `networkIds`, newest first, with their offering: for the
 * person page and the plan (callers have checked access and filter by area themselves).
 */
export async function bridgesOfNetworks(
  networkIds: string[],
  db: Database = getDatabase().db,
): Promise<BridgeSummary[]> {
  if (networkIds.length === 0) return [];
  const rows = await db
    .select(SUMMARY_COLUMNS)
    .from(bridges)
    .innerJoin(offerings, eq(offerings.id, bridges.offeringId))
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(inArray(bridges.networkId, networkIds))
    .orderBy(desc(bridges.createdAt), asc(bridges.id));
  return rows.map(toSummary);
}

/**
 * The person's bridges for the person page, for a user who manages the person (else an empty
 * list: partners see bridges in the plan only). Each says whether it has had no change for
 * BRIDGE_STALL_DAYS days at `now` (the nudge, bridge-nudge.server.ts). Audited as a read when
 * there is any.
 */
export async function bridgesForPersonPage(
  user: SessionUser,
  context: Context,
  personId: string,
  networkIds: string[],
  manage: boolean,
  now: Date = new Date(),
) {
  if (!manage) return [];
  const list = await bridgesOfNetworks(networkIds);
  if (list.length > 0)
    await recordAuditNow(auditActor(user, context), {
      action: "bridge.view",
      subjectType: "person",
      subjectId: personId,
      personId,
      details: { bridges: list.length },
    });
  const before = stalledSince(now);
  return list.map((b) => ({
    ...b,
    stalled: !isClosed(b.status) && new Date(b.updatedAt) < before,
  }));
}

/**
 * The bridges the plan shows (plan/plan-page.server.ts), under the goal they serve: those of the
 * areas in `visible` (the same per-part rule as the goals, so a partner sees only the parts their
 * consent covers), and — for `untied` readers (leaders, the person) — those tied to no area.
 */
export async function bridgesForPlan(
  networkId: string,
  visible: ReadonlySet<string>,
  untied: boolean,
): Promise<BridgeSummary[]> {
  const all = await bridgesOfNetworks([networkId]);
  return all.filter((b) => (b.area ? visible.has(b.area) : untied));
}

/**
 * The person's own bridges through their own personal link (/i/<token>/bridges), each with its
 * steps and whether their consent to share with the organisation is in force; null for any other link or one no longer current (the 404 answer). Audited
 * (bridge.person_view) as the person.
 */
export async function bridgesForLink(token: string, ip: string) {
  const found = await invitationByToken(token);
  if (!invitationMayWrite(found, "plan")) return null;
  const list = await bridgesOfNetworks([found.networkId]);
  const consents = list.length
    ? await getDatabase()
        .db.select({
          id: bridges.id,
          givenAt: bridges.consentGivenAt,
          withdrawnAt: bridges.consentWithdrawnAt,
        })
        .from(bridges)
        .where(
          inArray(
            bridges.id,
            list.map((b) => b.id),
          ),
        )
    : [];
  const withSteps = await Promise.all(
    list.map(async (b) => {
      const consent = consents.find((c) => c.id === b.id);
      return {
        ...b,
        history: await bridgeHistory(b.id),
        /** Whether the person's consent to share with the organisation is in force. */
        consent: !!consent?.givenAt && !consent.withdrawnAt,
        closed: isClosed(b.status),
      };
    }),
  );
  await recordAuditNow(
    { label: invitationActorLabel(found), municipalityId: found.municipalityId, ip },
    {
      action: "bridge.person_view",
      subjectType: "network",
      subjectId: found.networkId,
      personId: found.personId,
      details: { bridges: list.length },
    },
  );
  return withSteps;
}
