import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { LifeArea } from "../../../db/enums";
import {
  consents,
  meetings,
  networkMembers,
  networks,
  persons,
  planActions,
  planGoals,
} from "../../../db/schema";
import { osloToday } from "../../utils/oslo-time";
import { visibleNetworks } from "../access/access.server";
import type { SessionUser } from "../accounts/session.server";
import { consentInForce } from "../consent/consent.server";

/*
 * My tasks (issue 12): the open actions someone is responsible for, across all their networks,
 * read from the projection (projection.server.ts), overdue first, with the goal and meeting
 * they came from. Who sees an action (docs/access.md):
 * - a member (with an account, or through their personal link) sees an action whose
 *   responsible is that member while they are a current member of the network, and — unless
 *   they are the person — while a consent in force covers where it lives: "agenda" for an
 *   action captured in a meeting, "plan" with the action's life area for a plan action;
 * - the person sees actions whose responsible is the person (`person`), through their link or
 *   an account linked to their member row;
 * - a leader sees actions whose responsible is their own account while they manage the network.
 * Done actions and actions of agenda items carried to another meeting are left out.
 */

/** One task as the pages show it. */
export interface Task {
  documentName: string;
  actionId: string;
  what: string;
  /** YYYY-MM-DD (Oslo), or null. */
  due: string | null;
  overdue: boolean;
  status: string;
  statusComment: string | null;
  statusChangedAt: string | null;
  source: "plan" | "agenda";
  area: LifeArea | null;
  /** The goal it serves, in the person's words (plan actions), or null. */
  goal: string | null;
  /** The meeting it was captured in (agenda actions): id and start (ISO), or null. */
  meetingId: string | null;
  meetingStartsAt: string | null;
  networkId: string;
  personId: string;
  personName: string;
  /** The agenda item an agenda action was captured on, or null. */
  agendaItemId: string | null;
}

/*
 * The query's values are placeholders: it is built once per database and shape (who asks,
 * whether they manage networks, what is read) and prepared, as the meetings list's is —
 * drizzle building this query cost the server more than PostgreSQL answering it (issue 12's
 * bench). Placeholders: `asker` (the user's or the member's id), `today` (Oslo date),
 * `managedNetworkIds` (an array parameter), `documentName`/`actionId` (one action),
 * `limit`/`offset` (one page).
 */
const ASKER = sql.placeholder("asker");
const TODAY = sql.placeholder("today");

/** SQL: the member row `nm` may see the action row now (current member and consent). */
function memberMaySee(): SQL {
  return sql`${networkMembers.removedAt} is null
    and ${networkMembers.networkId} = ${planActions.networkId}
    and (${networkMembers.isPerson} or exists (select 1 from ${consents}
      where ${consents.memberId} = ${networkMembers.id} and ${consentInForce(TODAY)}
      and ((${planActions.source} = 'agenda' and ${consents.content} = 'agenda')
        or (${planActions.source} = 'plan' and ${consents.content} = 'plan'
          and (${consents.planParts} is null or ${planActions.area} = any(${consents.planParts}))))))`;
}

/**
 * SQL: the action's responsible is the person of its network, whose member row matches
 * `memberCondition` (on `pm`). The networks are listed once (an array, not a test per row),
 * so the planner can find the actions by network through an index.
 */
function personIs(memberCondition: SQL): SQL {
  return sql`(${planActions.responsibleIsPerson} and ${planActions.networkId} = any(array(
    select pm.network_id from ${networkMembers} pm
    where pm.is_person and pm.removed_at is null and ${memberCondition})))`;
}

/** Who asks for tasks: a user, or one member (through their personal link). */
export type TaskAsker = { kind: "user"; user: SessionUser } | { kind: "member"; memberId: string };

/** Which form of the query a read takes; one prepared query per combination and database. */
interface TaskShape {
  asker: TaskAsker["kind"];
  /** A leader or coordinator: also the actions assigned to their account in networks they manage. */
  manager: boolean;
  read: "only" | "page" | "open";
}

function responsibleCondition(shape: TaskShape): SQL {
  if (shape.asker === "member") {
    return sql`(${planActions.responsibleMemberId} = ${ASKER} and exists (
        select 1 from ${networkMembers} where ${networkMembers.id} = ${planActions.responsibleMemberId}
        and ${memberMaySee()}))
      or ${personIs(sql`pm.id = ${ASKER}`)}`;
  }
  // Each of the three alternatives narrows by an indexed column first (the user's member rows
  // listed once as an array), so PostgreSQL reads the few candidate actions through the
  // indexes instead of testing every action of every network (issue 12's bench: 610 ms for a
  // partner in 50 networks of 200 with 35,000 actions, most of it JIT-compiling that scan).
  // Partners manage no network: their query leaves the third alternative out altogether.
  return sql`(${planActions.responsibleMemberId} = any(array(
        select own.id from ${networkMembers} own
        where own.user_id = ${ASKER} and own.removed_at is null))
        and exists (select 1 from ${networkMembers}
        where ${networkMembers.id} = ${planActions.responsibleMemberId}
        and ${networkMembers.userId} = ${ASKER} and ${memberMaySee()}))
      or ${personIs(sql`pm.user_id = ${ASKER}`)}
      or (${planActions.responsibleUserId} = ${ASKER}
        and ${shape.manager ? sql`${planActions.networkId} = any(${sql.placeholder("managedNetworkIds")})` : sql`false`})`;
}

function buildTaskQuery(db: Database, shape: TaskShape) {
  const paged = shape.read === "page";
  const select = db
    .select({
      documentName: planActions.documentName,
      actionId: planActions.actionId,
      what: planActions.what,
      due: planActions.due,
      status: planActions.status,
      statusComment: planActions.statusComment,
      statusChangedAt: planActions.statusChangedAt,
      source: planActions.source,
      area: planActions.area,
      goal: planGoals.inMyWords,
      meetingId: planActions.meetingId,
      meetingStartsAt: meetings.startsAt,
      networkId: planActions.networkId,
      personId: persons.id,
      personName: persons.name,
      agendaItemId: planActions.agendaItemId,
      // The whole list's counts beside each row of a page (counted before LIMIT applies), so
      // a page and its headings come from one statement.
      total: paged ? sql<number>`(count(*) over ())::int` : sql<number>`0`,
      overdueTotal: paged
        ? sql<number>`(count(*) filter (where ${planActions.due} < ${TODAY}) over ())::int`
        : sql<number>`0`,
    })
    .from(planActions)
    .innerJoin(networks, eq(networks.id, planActions.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .leftJoin(
      planGoals,
      and(
        eq(planGoals.documentName, planActions.documentName),
        eq(planGoals.goalId, planActions.goalId),
      ),
    )
    .leftJoin(meetings, eq(meetings.id, planActions.meetingId))
    .where(
      and(
        shape.read === "only"
          ? and(
              eq(planActions.documentName, sql.placeholder("documentName")),
              eq(planActions.actionId, sql.placeholder("actionId")),
            )
          : sql`${planActions.status} <> 'done'`,
        sql`not ${planActions.carried}`,
        sql`(${responsibleCondition(shape)})`,
      ),
    )
    // Overdue first; the action's own key last, so the order is total and pages never
    // overlap or skip a task.
    .orderBy(
      sql`coalesce(${planActions.due} < ${TODAY}, false) desc`,
      sql`${planActions.due} asc nulls last`,
      asc(persons.name),
      asc(planActions.what),
      asc(planActions.documentName),
      asc(planActions.actionId),
    );
  return (
    paged ? select.limit(sql.placeholder("limit")).offset(sql.placeholder("offset")) : select
  ).prepare(`tasks_${shape.asker}_${shape.manager ? "manager" : "member"}_${shape.read}`);
}

const taskQueries = new WeakMap<Database, Map<string, ReturnType<typeof buildTaskQuery>>>();

function taskQuery(db: Database, shape: TaskShape) {
  let byShape = taskQueries.get(db);
  if (!byShape) taskQueries.set(db, (byShape = new Map()));
  const key = `${shape.asker}/${shape.manager}/${shape.read}`;
  let query = byShape.get(key);
  if (!query) byShape.set(key, (query = buildTaskQuery(db, shape)));
  return query;
}

/** How a list of tasks is read: one action, one page of the open ones, or all open ones. */
type TaskQuery =
  | { only: { documentName: string; actionId: string } }
  | { limit: number; offset: number }
  | Record<string, never>;

/** Rows of tasks as the query reads them, with the list's counts when it reads one page. */
async function queryTasks(asker: TaskAsker, query: TaskQuery, db: Database) {
  const today = osloToday();
  // Only leaders and coordinators manage networks: partners skip that query.
  const manager =
    asker.kind === "user" &&
    (asker.user.roles.includes("leader") || asker.user.roles.includes("coordinator"));
  const managedNetworkIds =
    manager && asker.kind === "user"
      ? (await visibleNetworks(asker.user)).filter((n) => n.manage).map((n) => n.id)
      : [];
  const read = "only" in query ? "only" : "limit" in query ? "page" : "open";
  const rows = await taskQuery(db, { asker: asker.kind, manager, read }).execute({
    asker: asker.kind === "user" ? asker.user.id : asker.memberId,
    today,
    managedNetworkIds,
    documentName: "only" in query ? query.only.documentName : null,
    actionId: "only" in query ? query.only.actionId : null,
    limit: "limit" in query ? query.limit : null,
    offset: "limit" in query ? query.offset : null,
  });
  const tasks: Task[] = rows.map(({ total: _total, overdueTotal: _overdue, ...row }) => ({
    ...row,
    overdue: row.due !== null && row.due < today,
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
    meetingStartsAt: row.meetingStartsAt?.toISOString() ?? null,
  }));
  return { tasks, total: rows[0]?.total ?? 0, overdue: rows[0]?.overdueTotal ?? 0 };
}

/**
 * The open tasks `asker` may see, overdue first (oldest due first), then by due date (none
 * last), person and text; or, with `only`, just that one action (open or done) when they may
 * see it. Two queries for a user (their managed networks, the tasks), one for a member.
 */
export async function tasksFor(
  asker: TaskAsker,
  only?: { documentName: string; actionId: string },
  db: Database = getDatabase().db,
): Promise<Task[]> {
  return (await queryTasks(asker, only ? { only } : {}, db)).tasks;
}

/** One page of someone's open tasks, and how many there are in all and past their due date. */
export interface TaskPage {
  tasks: Task[];
  /** 1-based; the last page when the one asked for is past the end. */
  page: number;
  pages: number;
  total: number;
  overdue: number;
}

/**
 * Page `page` (1-based, whole) of the open tasks `asker` may see, `size` a page, in tasksFor's
 * order, read with LIMIT/OFFSET: only the page's rows leave the database, with the whole
 * list's counts in the same statement. A page past the end gives the last page (one more
 * statement to count, and one to read it). Throws on database errors.
 */
export async function taskPage(
  asker: TaskAsker,
  page: number,
  size: number,
  db: Database = getDatabase().db,
): Promise<TaskPage> {
  const read = await queryTasks(asker, { limit: size, offset: (page - 1) * size }, db);
  if (read.tasks.length > 0 || page === 1) {
    return { ...read, page, pages: Math.max(1, Math.ceil(read.total / size)) };
  }
  const { total } = await queryTasks(asker, { limit: 1, offset: 0 }, db);
  const last = Math.max(1, Math.ceil(total / size));
  const lastRead = await queryTasks(asker, { limit: size, offset: (last - 1) * size }, db);
  return { ...lastRead, page: last, pages: Math.max(1, Math.ceil(lastRead.total / size)) };
}
