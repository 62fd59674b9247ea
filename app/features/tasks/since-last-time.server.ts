import { sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import {
  consents,
  meetings,
  networkMembers,
  planActions,
  planGoals,
  users,
} from "../../../db/schema";
import { consentInForce } from "../consent/consent.server";

/*
 * "Since last time" (issue 12): on a meeting's page, the actions of its network whose status
 * changed since the previous meeting (the latest one before it that was not cancelled), read
 * from the projection. Shown to everyone who may read the meeting's agenda (docs/access.md):
 * those who manage the network and the person see every action; any other member (with an
 * account or through their link) sees the actions captured in agendas (their agenda consent
 * covers those) and the plan actions of the life areas their plan consent covers now, never
 * one from an area they may not see. The caller decides who may read the agenda; this module
 * narrows what they see (SinceLastTimeScope).
 */

/**
 * Whose view: "all" (leaders and the person), or one member's, who sees the agenda actions and
 * the plan actions of the areas their plan consents in force cover (checked in the same query).
 */
export type SinceLastTimeScope = "all" | { memberId: string };

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
  scope: SinceLastTimeScope = "all",
): Promise<SinceLastTime | null> {
  const a = planActions;
  const visible =
    scope === "all"
      ? sql`true`
      : sql`(${a.source} = 'agenda' or (${a.source} = 'plan' and exists (select 1 from ${consents}
          where ${consents.memberId} = ${scope.memberId} and ${consents.content} = 'plan'
          and ${consentInForce()}
          and (${consents.planParts} is null or ${a.area} = any(${consents.planParts})))))`;
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
