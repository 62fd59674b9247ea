import { and, asc, eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { meetings, planActions } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import { documentPermission } from "../documents/registry.server";
import type { Ref } from "../documents/shapes";

/*
 * The actions captured in meeting agendas, for the plan page (issue 12: "actions captured in
 * meeting agendas appear here too"). They are read from the projection (plan_actions, source
 * "agenda"), never written here: the agenda stays their document. An action carried to a later
 * meeting is listed once, where it lives now. Who sees which: leaders and the person every
 * meeting's; a partner only those of meetings whose agenda they may read now (the agenda
 * document's own rule, documents/registry.server.ts), so consent and invitation decide as on
 * the meeting page.
 */

export interface MeetingActionView {
  actionId: string;
  meetingId: string;
  /** When the meeting started (ISO instant). */
  meetingStartsAt: string;
  /** The plan goal it serves, when it has one; null: listed under "from meetings". */
  goalId: string | null;
  what: string;
  responsible: Ref | null;
  due: string | null;
  status: string;
  statusComment: string | null;
}

/**
 * The meeting actions of `networkId` that `asker` may see ("all" for leaders and the person,
 * or a user whose agenda access is checked per meeting), oldest meeting first.
 */
export async function meetingActionsFor(
  networkId: string,
  asker: "all" | SessionUser,
): Promise<MeetingActionView[]> {
  const { db } = getDatabase();
  const rows = await db
    .select({
      actionId: planActions.actionId,
      meetingId: meetings.id,
      startsAt: meetings.startsAt,
      goalId: planActions.goalId,
      what: planActions.what,
      responsible: planActions.responsible,
      due: planActions.due,
      status: planActions.status,
      statusComment: planActions.statusComment,
    })
    .from(planActions)
    .innerJoin(meetings, eq(meetings.id, planActions.meetingId))
    .where(
      and(
        eq(planActions.networkId, networkId),
        eq(planActions.source, "agenda"),
        eq(planActions.carried, false),
      ),
    )
    .orderBy(asc(meetings.startsAt), asc(planActions.what));
  let seen: Set<string> | null = null;
  if (asker !== "all") {
    seen = new Set();
    for (const meetingId of new Set(rows.map((r) => r.meetingId))) {
      const grant = await documentPermission(
        { kind: "user", user: asker },
        { kind: "agenda", id: meetingId, name: `agenda:${meetingId}`, part: null },
      );
      if (grant.permission !== "none") seen.add(meetingId);
    }
  }
  return rows
    .filter((r) => !seen || seen.has(r.meetingId))
    .map((r) => ({
      actionId: r.actionId,
      meetingId: r.meetingId,
      meetingStartsAt: r.startsAt.toISOString(),
      goalId: r.goalId,
      what: r.what,
      responsible: r.responsible,
      due: r.due,
      status: r.status,
      statusComment: r.statusComment,
    }));
}
