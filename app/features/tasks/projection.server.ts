import { and, eq, getTableColumns, notInArray, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import * as Y from "yjs";
import { getDatabase, type Database } from "../../../db/client";
import { lifeAreas, type LifeArea } from "../../../db/enums";
import { meetings, planActions, planGoals } from "../../../db/schema";
import { logger, safeError } from "../../utils/logger.server";
import { PARTS, readAgenda } from "../agenda/document";
import { parseDocumentName } from "../documents/registry.server";
import { type Problem, type Ref } from "../documents/shapes";
import { documentStateNow } from "../documents/state.server";
import { PLAN_PARTS, readAreaPlan } from "../plan/document";
import { readStatusNote } from "./status-note";

/*
 * Goals and actions projected from the live documents into SQL (issue 12, ADR 019): the plan's
 * area documents `plan:<networkId>:<area>` and the meeting agendas `agenda:<meetingId>`. The
 * documents stay the source of truth; the tables are what My tasks, "since last time" and the
 * figures query. A projection reads a document synchronously into rows (readProjection), then
 * replaces that document's rows (writeProjection): upsert by document and id, rows whose
 * entry is gone deleted, unchanged rows not touched, so running it again changes nothing.
 * The realtime server calls it a short while after edits (debounced per document) and when a
 * document is unloaded (projectionHooks).
 */

/** What a status change written through Broen leaves on an action (tasks/status-note.tsx). */
export { STATUS_NOTE } from "./status-note";

export interface GoalRow {
  goalId: string;
  area: LifeArea;
  inMyWords: string;
  status: string;
  chime: string[];
}

export interface ActionRow {
  actionId: string;
  source: "plan" | "agenda";
  area: LifeArea | null;
  agendaItemId: string | null;
  carried: boolean;
  goalId: string | null;
  what: string;
  responsible: Ref | null;
  responsibleMemberId: string | null;
  responsibleUserId: string | null;
  responsibleIsPerson: boolean;
  due: string | null;
  status: string;
  statusComment: string | null;
  /** From the document's status note when it belongs to the current status; else null. */
  statusChangedAt: Date | null;
}

/** The rows of one document, ready to be written. */
export interface Projection {
  documentName: string;
  /** Plan documents name their network; an agenda's is looked up from its meeting. */
  networkId: string | null;
  meetingId: string | null;
  goals: GoalRow[];
  actions: ActionRow[];
  problems: Problem[];
}

/** Whether a document has anything to project (an area of a plan, or an agenda). */
export function isProjected(documentName: string): boolean {
  const name = parseDocumentName(documentName);
  if (!name) return false;
  if (name.kind === "agenda") return true;
  return name.kind === "plan" && (lifeAreas as readonly string[]).includes(name.part ?? "");
}

function refParts(ref: Ref | null) {
  const [kind, id] = (ref ?? "").split(":");
  return {
    responsibleMemberId: kind === "member" ? (id ?? null) : null,
    responsibleUserId: kind === "user" ? (id ?? null) : null,
    responsibleIsPerson: ref === "person",
  };
}

/** The status note of an action's map, if it belongs to the status the action has now. */
function statusNote(map: unknown, status: string): { comment: string | null; at: Date | null } {
  const note = readStatusNote(map, status);
  if (!note) return { comment: null, at: null };
  return { comment: note.comment, at: note.at === null ? null : new Date(note.at) };
}

/**
 * Reads one document into the rows to project, synchronously (safe to call from a realtime
 * hook just before the document is destroyed). Null for documents that have nothing to
 * project. Parts of a wrong shape are left out by the readers and listed in `problems`.
 */
export function readProjection(documentName: string, doc: Y.Doc): Projection | null {
  const name = parseDocumentName(documentName);
  if (!name || !isProjected(name.name)) return null;
  if (name.kind === "plan") {
    const area = name.part as LifeArea;
    const { plan, problems } = readAreaPlan(doc);
    const actionMaps = doc.getMap(PLAN_PARTS.actions);
    return {
      documentName: name.name,
      networkId: name.id,
      meetingId: null,
      problems,
      goals: plan.goals.map((goal) => ({
        goalId: goal.id,
        area,
        inMyWords: goal.inMyWords,
        status: goal.status,
        chime: goal.chime,
      })),
      actions: plan.actions.map((action) => {
        const note = statusNote(actionMaps.get(action.id), action.status);
        return {
          actionId: action.id,
          source: "plan",
          area,
          agendaItemId: null,
          carried: false,
          goalId: action.goalId,
          what: action.what,
          responsible: action.responsible,
          ...refParts(action.responsible),
          due: action.due,
          status: action.status,
          statusComment: note.comment,
          statusChangedAt: note.at,
        };
      }),
    };
  }
  const { agenda, problems } = readAgenda(doc);
  const items = doc.getMap(PARTS.items);
  const actions: ActionRow[] = [];
  const seen = new Set<string>();
  for (const item of agenda.items) {
    const itemMap = items.get(item.id);
    const actionMaps = itemMap instanceof Y.Map ? itemMap.get("actions") : undefined;
    for (const action of item.actions) {
      // An action id is unique within its document; a copy under a second item is a problem.
      if (seen.has(action.id)) {
        problems.push({ path: `items.${item.id}.actions.${action.id}`, reason: "duplicate id" });
        continue;
      }
      seen.add(action.id);
      const note = statusNote(
        actionMaps instanceof Y.Map ? actionMaps.get(action.id) : undefined,
        action.status,
      );
      actions.push({
        actionId: action.id,
        source: "agenda",
        area: null,
        agendaItemId: item.id,
        carried: item.status === "carried",
        goalId: null,
        what: action.what,
        responsible: action.responsible,
        ...refParts(action.responsible),
        due: action.due,
        status: action.status,
        statusComment: note.comment,
        statusChangedAt: note.at,
      });
    }
  }
  return {
    documentName: name.name,
    networkId: null,
    meetingId: name.id,
    problems,
    goals: [],
    actions,
  };
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
type ProjectedTable = typeof planGoals | typeof planActions;
type ColumnKey<T extends ProjectedTable> = keyof T["$inferInsert"] & keyof T["_"]["columns"];

/**
 * Inserts `rows` into a projection table, or rewrites the row with the same document and id
 * only when one of the `compared` columns differs from the new value (or `alsoWhen` holds), so
 * an unchanged row is not touched and running the projection again changes nothing. `derived`
 * columns follow the new row without being compared (they are computed from a compared one);
 * `set` adds columns with a rule of their own; `projectedAt` is set on every rewrite. Returns
 * how many rows were inserted or rewritten (0 for no rows). Throws on database errors.
 */
async function upsertChanged<T extends ProjectedTable>(
  tx: Transaction,
  table: T,
  rows: T["$inferInsert"][],
  options: {
    compared: ColumnKey<T>[];
    derived?: ColumnKey<T>[];
    set?: Record<string, SQL>;
    alsoWhen?: SQL;
  },
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns: Record<string, PgColumn> = getTableColumns(table);
  const column = (key: ColumnKey<T>) => columns[key as string]!;
  const excluded = (key: ColumnKey<T>) => sql`excluded.${sql.identifier(column(key).name)}`;
  const set: Record<string, SQL> = { ...options.set, projectedAt: sql`now()` };
  for (const key of [...options.compared, ...(options.derived ?? [])]) {
    set[key as string] = excluded(key);
  }
  const changed = sql`(${sql.join(options.compared.map(column), sql`, `)}) is distinct from
    (${sql.join(options.compared.map(excluded), sql`, `)})`;
  // The two tables differ in their columns; the query is the same for both.
  const insert = (tx as unknown as Database).insert(table as typeof planGoals);
  const written = await insert
    .values(rows as (typeof planGoals.$inferInsert)[])
    .onConflictDoUpdate({
      target: [table.documentName, table === planGoals ? planGoals.goalId : planActions.actionId],
      set,
      setWhere: options.alsoWhen ? sql`${changed} or (${options.alsoWhen})` : changed,
    })
    .returning({ documentName: table.documentName });
  return written.length;
}

/**
 * Replaces the projected rows of one document by `projection`, in one transaction, and
 * returns how many rows it inserted, changed or deleted (0 when the tables already matched).
 * An agenda whose meeting is gone loses its rows. Throws on database errors.
 */
export async function writeProjection(
  projection: Projection,
  db: Database = getDatabase().db,
): Promise<number> {
  return db.transaction(async (tx) => {
    const { documentName } = projection;
    let networkId = projection.networkId;
    if (projection.meetingId) {
      const [meeting] = await tx
        .select({ networkId: meetings.networkId })
        .from(meetings)
        .where(eq(meetings.id, projection.meetingId));
      networkId = meeting?.networkId ?? null;
    }
    const goals = networkId ? projection.goals : [];
    const actions = networkId ? projection.actions : [];
    let touched = 0;

    const goalIds = goals.map((goal) => goal.goalId);
    touched += (
      await tx
        .delete(planGoals)
        .where(
          and(
            eq(planGoals.documentName, documentName),
            goalIds.length ? notInArray(planGoals.goalId, goalIds) : undefined,
          ),
        )
        .returning({ id: planGoals.goalId })
    ).length;
    const actionIds = actions.map((action) => action.actionId);
    touched += (
      await tx
        .delete(planActions)
        .where(
          and(
            eq(planActions.documentName, documentName),
            actionIds.length ? notInArray(planActions.actionId, actionIds) : undefined,
          ),
        )
        .returning({ id: planActions.actionId })
    ).length;
    if (!networkId) return touched;

    touched += await upsertChanged(
      tx,
      planGoals,
      goals.map((goal) => ({ ...goal, documentName, networkId })),
      { compared: ["networkId", "area", "inMyWords", "status", "chime"] },
    );
    const t = planActions;
    touched += await upsertChanged(
      tx,
      planActions,
      actions.map((action) => ({
        ...action,
        documentName,
        networkId,
        meetingId: projection.meetingId,
      })),
      {
        compared: [
          "networkId",
          "area",
          "meetingId",
          "agendaItemId",
          "carried",
          "goalId",
          "what",
          "responsible",
          "due",
          "status",
          "statusComment",
        ],
        // Split out of `responsible`: they change with it.
        derived: ["responsibleMemberId", "responsibleUserId", "responsibleIsPerson"],
        set: {
          // A status written through Broen carries its time; one changed in the editor is
          // seen changing here.
          statusChangedAt: sql`case
            when ${t.status} is distinct from excluded.status
              then coalesce(excluded.status_changed_at, now())
            else coalesce(excluded.status_changed_at, ${t.statusChangedAt}) end`,
        },
        alsoWhen: sql`excluded.status_changed_at is not null
          and excluded.status_changed_at is distinct from ${t.statusChangedAt}`,
      },
    );
    return touched;
  });
}

/** Problems already logged per document (so a lasting wrong shape is logged once). */
const loggedProblems = new Map<string, string>();

function logProblems(projection: Projection): void {
  const key = projection.problems.map((p) => `${p.path}:${p.reason}`).join("|");
  if (key === (loggedProblems.get(projection.documentName) ?? "")) return;
  if (key) loggedProblems.set(projection.documentName, key);
  else loggedProblems.delete(projection.documentName);
  if (!key) return;
  logger().warn(
    {
      document: projection.documentName,
      problems: projection.problems.slice(0, 20),
      count: projection.problems.length,
    },
    "projection: parts of a wrong shape left out",
  );
}

/** Writes in flight per document: one after the other, so an older one never lands last. */
const writes = new Map<string, Promise<unknown>>();

/**
 * What this process last wrote per document (the rows' JSON) and when (performance.now(), ms):
 * a document edited without pause is projected every second, and most edits (typing notes,
 * presence, an item's order) change no projected row, so the same rows are not written again
 * for REWRITE_UNCHANGED_MS. Forgotten when a write fails and when the document is unloaded
 * (that write always goes). The rewrite bounds how long the tables can disagree with a live
 * document after a write from elsewhere landed last (another process's unload, or a change
 * Broen made itself: projectDocumentNow, which runs in the request handler's copy of this
 * module and does not see this map).
 */
const lastWritten = new Map<string, { key: string; at: number }>();
const REWRITE_UNCHANGED_MS = 30_000;

function rowsKey(projection: Projection): string {
  const { networkId, meetingId, goals, actions } = projection;
  return JSON.stringify([networkId, meetingId, goals, actions]);
}

/** Writes the projection after the document's earlier writes; false when it was skipped. */
function enqueue(projection: Projection, always = false): boolean {
  logProblems(projection);
  const name = projection.documentName;
  const key = rowsKey(projection);
  const last = lastWritten.get(name);
  const now = performance.now();
  if (!always && last?.key === key && now - last.at < REWRITE_UNCHANGED_MS) return false;
  const written = { key, at: now };
  lastWritten.set(name, written);
  const next = (writes.get(name) ?? Promise.resolve())
    .then(() => writeProjection(projection))
    .then(
      () => undefined,
      (error: unknown) => {
        if (lastWritten.get(name) === written) lastWritten.delete(name);
        logger().error({ err: safeError(error), document: name }, "projection: write failed");
      },
    );
  writes.set(name, next);
  void next.then(() => {
    if (writes.get(name) === next) writes.delete(name);
  });
  return true;
}

/**
 * Projects a document now from its current state (the live one when loaded): after a change
 * the server makes itself, so the tables follow before the request answers. Never throws for a
 * wrong shape; throws on database errors.
 */
export async function projectDocumentNow(documentName: string): Promise<void> {
  if (!isProjected(documentName)) return;
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, await documentStateNow(documentName));
    const projection = readProjection(documentName, doc);
    if (!projection) return;
    logProblems(projection);
    await writes.get(projection.documentName);
    await writeProjection(projection);
  } finally {
    doc.destroy();
  }
}

/** Every projection write started so far has finished (for shutdown and tests). */
export async function projectionsSettled(): Promise<void> {
  while (writes.size > 0) await Promise.all([...writes.values()]);
}

export interface ProjectionTiming {
  /** Quiet time after the last change before projecting. */
  debounceMs: number;
  /** A document edited without pause is still projected this often. */
  maxWaitMs: number;
  /** Told after each debounced run whether it wrote (false: the rows were unchanged). For tests. */
  ran?: (documentName: string, written: boolean) => void;
}

/**
 * The realtime hooks that keep the tables in step: `changed` projects a document `debounceMs`
 * after its last change (at most `maxWaitMs` after the first one not yet projected), and
 * `unloading` projects it at once before it is destroyed. `changed` is called for every
 * update, so it only notes the time: one timer per document, re-armed when it fires early.
 */
export function projectionHooks(timing: ProjectionTiming = { debounceMs: 200, maxWaitMs: 1000 }): {
  changed(documentName: string, doc: Y.Doc): void;
  unloading(documentName: string, doc: Y.Doc): void;
} {
  const pending = new Map<string, { timer: NodeJS.Timeout; first: number; last: number }>();
  const run = (documentName: string, doc: Y.Doc, always: boolean) => {
    pending.delete(documentName);
    const projection = readProjection(documentName, doc);
    const written = projection ? enqueue(projection, always) : false;
    timing.ran?.(documentName, written);
  };
  const arm = (documentName: string, doc: Y.Doc, delay: number) => {
    const timer = setTimeout(() => {
      const waiting = pending.get(documentName);
      if (!waiting) return;
      const due = Math.min(waiting.last + timing.debounceMs, waiting.first + timing.maxWaitMs);
      const now = performance.now();
      if (now < due) waiting.timer = arm(documentName, doc, due - now);
      else run(documentName, doc, false);
    }, delay);
    timer.unref();
    return timer;
  };
  return {
    changed(documentName, doc) {
      // A monotonic clock: a wall clock set back must not hold a projection for that long.
      const now = performance.now();
      const waiting = pending.get(documentName);
      if (waiting) {
        waiting.last = now;
        return;
      }
      if (!isProjected(documentName)) return;
      const delay = Math.min(timing.debounceMs, timing.maxWaitMs);
      pending.set(documentName, { timer: arm(documentName, doc, delay), first: now, last: now });
    },
    unloading(documentName, doc) {
      const waiting = pending.get(documentName);
      if (waiting) clearTimeout(waiting.timer);
      if (isProjected(documentName)) run(documentName, doc, true);
      lastWritten.delete(documentName);
    },
  };
}
