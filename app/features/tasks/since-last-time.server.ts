import { sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { meetings, planActions, planGoals } from "../../../db/schema";

/*
 * "Since last time" (issue 12): on a meeting's page, the actions of its network whose status
 * changed since the previous meeting (the latest one before it that was not cancelled), read
 * from the projection. Shown to those who manage the network, who may see every part of the
 * plan; members are shown their own on My tasks.
 */

export interface SinceLastTimeAction {
  actionId: string;
  what: string;
  status: string;
  statusComment: string | null;
  statusChangedAt: string;
  responsible: string | null;
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
 * change first; null when there was no previous meeting or nothing changed. One query.
 */
export async function sinceLastTime(
  meeting: { id: string; networkId: string; startsAt: Date },
  db: Database = getDatabase().db,
): Promise<SinceLastTime | null> {
  const a = planActions;
  const rows = await db
    .select({
      actionId: a.actionId,
      what: a.what,
      status: a.status,
      statusComment: a.statusComment,
      statusChangedAt: a.statusChangedAt,
      responsible: a.responsible,
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
    .leftJoin(
      planGoals,
      sql`${planGoals.documentName} = ${a.documentName} and ${planGoals.goalId} = ${a.goalId}`,
    )
    .where(
      sql`${a.networkId} = ${meeting.networkId} and not ${a.carried}
        and ${a.statusChangedAt} >= previous.starts_at`,
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
