import { inArray, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { lifeAreas, type LifeArea } from "../../../db/enums";
import { meetings, networkMembers, planActions, planGoals, users } from "../../../db/schema";
import { planPartsInForce } from "../consent/consent.server";

/*
 * "Since last time" (issue 12): on a meeting's page, the actions of its network whose status
 * changed since the previous meeting (the latest one before it that was not cancelled), read
 * from the projection. Shown to everyone who may read the meeting's agenda (docs/access.md):
 * those who manage the network and the person see every action; any other member (with an
 * account or through their link) sees the actions captured in agendas (their agenda consent
 * covers those) and the plan actions of the life areas their plan consent covers now, never
 * one from an area they may not see. The caller decides who may read the agenda; this module
 * narrows what they see (sinceLastTimeScope).
 */

/** Which plan actions a reader sees: every one, or those of the areas named (agenda ones always). */
export type SinceLastTimeScope = { planAreas: "all" } | { planAreas: readonly LifeArea[] };

/**
 * The scope of a reader of the agenda: "all" for leaders and the person (`wholePlan`), else
 * the life areas the member's plan consents in force cover (none without a plan consent).
 */
export async function sinceLastTimeScope(
  reader: { wholePlan: true } | { wholePlan: false; memberId: string },
  db: Database = getDatabase().db,
): Promise<SinceLastTimeScope> {
  if (reader.wholePlan) return { planAreas: "all" };
  const parts = await planPartsInForce(reader.memberId, db);
  return { planAreas: lifeAreas.filter((area) => parts.has(area)) };
}

export interface SinceLastTimeAction {
  actionId: string;
  what: string;
  status: string;
  statusComment: string | null;
  statusChangedAt: string;
  responsible: string | null;
  /** The responsible member's or leader's name (null for the person, named by the page). */
  responsibleName: string | null;
  area: string | null;
  goal: string | null;
}

export interface SinceLastTime {
  /** When the previous meeting started (ISO). */
  previousStartsAt: string;
  actions: SinceLastTimeAction[];
}

/**
 * The actions of `meeting`'s network whose status changed since the previous meeting, oldest
 * change first, as far as `scope` lets the reader see them (default: every one, for leaders);
 * null when there was no previous meeting or nothing changed that they may see. One query.
 */
export async function sinceLastTime(
  meeting: { id: string; networkId: string; startsAt: Date },
  db: Database = getDatabase().db,
  scope: SinceLastTimeScope = { planAreas: "all" },
): Promise<SinceLastTime | null> {
  const a = planActions;
  const visible =
    scope.planAreas === "all"
      ? sql`true`
      : scope.planAreas.length
        ? sql`(${a.source} = 'agenda' or ${inArray(a.area, [...scope.planAreas])})`
        : sql`${a.source} = 'agenda'`;
  const rows = await db
    .select({
      actionId: a.actionId,
      what: a.what,
      status: a.status,
      statusComment: a.statusComment,
      statusChangedAt: a.statusChangedAt,
      responsible: a.responsible,
      responsibleName: sql<string | null>`coalesce(${networkMembers.name}, ${users.name})`,
      area: a.area,
      goal: planGoals.inMyWords,
      previousStartsAt: sql<Date>`previous.starts_at`.mapWith(meetings.startsAt),
    })
    .from(a)
    .innerJoin(
      sql`lateral (select ${meetings.startsAt} as starts_at from ${meetings}
        where ${meetings.networkId} = ${meeting.networkId} and ${meetings.id} <> ${meeting.id}
        and ${meetings.startsAt} < ${meeting.startsAt.toISOString()}::timestamptz and ${meetings.status} <> 'cancelled'
        order by ${meetings.startsAt} desc limit 1) previous`,
      sql`true`,
    )
    .leftJoin(networkMembers, sql`${networkMembers.id} = ${a.responsibleMemberId}`)
    .leftJoin(users, sql`${users.id} = ${a.responsibleUserId}`)
    .leftJoin(
      planGoals,
      sql`${planGoals.documentName} = ${a.documentName} and ${planGoals.goalId} = ${a.goalId}`,
    )
    .where(
      sql`${a.networkId} = ${meeting.networkId} and not ${a.carried}
        and ${a.statusChangedAt} >= previous.starts_at and ${visible}`,
    )
    .orderBy(a.statusChangedAt, a.what);
  if (rows.length === 0) return null;
  return {
    previousStartsAt: rows[0]!.previousStartsAt.toISOString(),
    actions: rows.map(({ previousStartsAt: _, statusChangedAt, ...row }) => ({
      ...row,
      statusChangedAt: statusChangedAt!.toISOString(),
    })),
  };
}
