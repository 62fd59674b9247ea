import { and, asc, eq, gte, sql } from "drizzle-orm";
import * as Y from "yjs";
import { logger, safeError } from "./log";
import type { Database } from "../db/client";
import { documentUpdates } from "../db/schema";
import type { RealtimeMetrics } from "./metrics";

/*
 * The update log: every accepted Yjs update is appended as one row (bytea). Writes are
 * group-committed: an update is queued when it is broadcast; the writer gathers for a few
 * milliseconds, then stores everything queued in ONE statement (with the NOTIFY for other
 * processes in the same statement, so it is delivered on commit), and meanwhile gathers the
 * next batch. An update is stored within the gather time plus one round trip (the lag is
 * measured, see metrics). A failed write is retried with back-off; nothing queued is dropped.
 */
interface Pending {
  documentName: string;
  update: Uint8Array;
  queuedAt: number;
}

/**
 * Tells other server processes what was stored: `NOTIFY channel, prefix || json` for the
 * documents of a batch, each with `inline` (the merged update, base64, or "" when too large to
 * travel), as few notifications as fit.
 */
export interface Announcer {
  channel: string;
  prefix: string;
  inline(updates: Uint8Array[]): string;
}

export interface StoredDocument {
  state: Uint8Array[];
  /** The ids of those rows. */
  ids: number[];
}

/** Told which rows a write stored, per document (so a loaded document knows its own rows). */
export type StoredListener = (documentName: string, ids: number[]) => void;

/** Every stored row of a document (id and update), oldest first. */
function storedRows(db: Database, documentName: string) {
  return db
    .select({ id: documentUpdates.id, update: documentUpdates.update })
    .from(documentUpdates)
    .where(eq(documentUpdates.documentName, documentName))
    .orderBy(asc(documentUpdates.id));
}

/** Every stored update of a document, oldest first. */
export async function storedUpdates(db: Database, documentName: string): Promise<Uint8Array[]> {
  return (await storedRows(db, documentName)).map((r) => r.update);
}

export class UpdateLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private retryDelayMs = 0;
  onStored: StoredListener | null = null;

  constructor(
    private readonly db: Database,
    private readonly metrics: RealtimeMetrics,
    private readonly announcer: Announcer | null = null,
    /** How long the writer gathers updates before a write (REALTIME_WRITE_GATHER_MS). */
    private readonly gatherMs = 10,
  ) {}

  /** Every stored update of a document, oldest first. */
  async load(documentName: string): Promise<StoredDocument> {
    const rows = await storedRows(this.db, documentName);
    return { state: rows.map((r) => r.update), ids: rows.map((r) => r.id) };
  }

  /** Rows stored from `fromId` on (another process told us about them). */
  async since(documentName: string, fromId: number): Promise<Uint8Array[]> {
    const rows = await this.db
      .select({ update: documentUpdates.update })
      .from(documentUpdates)
      .where(and(eq(documentUpdates.documentName, documentName), gte(documentUpdates.id, fromId)))
      .orderBy(asc(documentUpdates.id));
    return rows.map((r) => r.update);
  }

  append(documentName: string, update: Uint8Array): void {
    this.queue.push({ documentName, update, queuedAt: performance.now() });
    this.metrics.pendingWrites = this.queue.length;
    this.writing ??= this.gatherThenWrite();
  }

  /** Resolves when everything queued before the call is stored. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async gatherThenWrite(): Promise<void> {
    try {
      if (this.gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
      while (this.queue.length > 0) {
        if (this.retryDelayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs));
        }
        const batch = this.queue;
        this.queue = [];
        try {
          await this.write(batch);
          this.retryDelayMs = 0;
          const now = performance.now();
          for (const item of batch) {
            this.metrics.recordPersisted(item.update.length, now - item.queuedAt);
          }
        } catch (error) {
          // Keep the order: the failed batch goes back in front of what arrived meanwhile.
          this.queue = batch.concat(this.queue);
          this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 100), 5000);
          this.metrics.writeErrors++;
          logger().error(
            { err: safeError(error), pending: this.queue.length },
            "realtime: storing updates failed; retrying",
          );
        }
        this.metrics.pendingWrites = this.queue.length;
      }
    } finally {
      this.writing = null;
    }
  }

  /** One statement: the rows and, for other processes, their announcement (NOTIFY). */
  private async write(batch: Pending[]): Promise<void> {
    const names = batch.map((p) => p.documentName);
    const updates = batch.map((p) => Buffer.from(p.update).toString("base64"));
    const rows = sql`insert into ${documentUpdates} (document_name, update)
      select name, decode(data, 'base64')
      from unnest(${sql.param(names)}::text[], ${sql.param(updates)}::text[]) as t(name, data)`;
    let stored: { document_name: string; ids: number[] }[];
    if (!this.announcer) {
      stored = resultRows(
        await this.db.execute(sql`with stored as (${rows} returning id, document_name)
          select document_name, array_agg(id::float8) as ids from stored group by document_name`),
      );
    } else {
      const byDocument = new Map<string, Uint8Array[]>();
      for (const item of batch) {
        const list = byDocument.get(item.documentName);
        if (list) list.push(item.update);
        else byDocument.set(item.documentName, [item.update]);
      }
      const documents = [...byDocument.keys()];
      const inline = [...byDocument.values()].map((list) => this.announcer!.inline(list));
      const groups = notifyGroups(documents, inline);
      const { channel, prefix } = this.announcer;
      // One NOTIFY per group of documents (each payload under PostgreSQL's 8000 bytes). The
      // main query reads `notified`, so the notifications are sent exactly once.
      stored = resultRows(
        await this.db.execute(sql`with stored as (${rows} returning id, document_name),
        firsts as (select document_name, min(id) as first_id, array_agg(id::float8) as ids
          from stored group by document_name),
        announced as (select m.grp, json_agg(json_build_object(
            'd', f.document_name, 'f', f.first_id, 'u', nullif(m.inline, ''))) as list
          from firsts f
          join unnest(${sql.param(documents)}::text[], ${sql.param(inline)}::text[],
            ${sql.param(groups)}::int[]) as m(name, inline, grp) on m.name = f.document_name
          group by m.grp),
        notified as (select pg_notify(${channel},
          ${prefix} || json_build_object('k', 'u', 'l', list)::text) from announced)
        select document_name, ids, (select count(*) from notified) as notified from firsts`),
      );
    }
    for (const row of stored) this.onStored?.(row.document_name, row.ids.map(Number));
  }

  /**
   * Replaces rows this process knows are contained in `state` (the rows it loaded and the rows
   * it stored for a loaded document) by one row holding `state`, in one transaction. Rows that
   * other processes stored are left alone. Returns the new row's id, or null when some of the
   * rows were gone (another process compacted them): then nothing is changed.
   */
  async replaceRows(
    documentName: string,
    ids: number[],
    state: Uint8Array,
  ): Promise<number | null> {
    try {
      const id = await this.db.transaction(async (tx) => {
        const deleted = await tx
          .delete(documentUpdates)
          .where(sql`${documentUpdates.id} = any(${sql.param(ids)}::bigint[])`)
          .returning({ id: documentUpdates.id });
        if (deleted.length !== ids.length) throw new CompactedElsewhere();
        const [row] = await tx
          .insert(documentUpdates)
          .values({ documentName, update: state })
          .returning({ id: documentUpdates.id });
        return row!.id;
      });
      this.metrics.compactions++;
      return id;
    } catch (error) {
      if (error instanceof CompactedElsewhere) return null;
      throw error;
    }
  }

  /**
   * Replaces a document's rows by one merged row. The rows are read and merged outside any
   * transaction (in slices, so other documents are not held up); then exactly the rows that
   * were merged are deleted, and the merged row inserted, in one transaction. A row another
   * process stores meanwhile is not among them, so it is never lost; if another compaction
   * took some of them first, this one is rolled back and changes nothing.
   */
  async compact(documentName: string): Promise<Compacted> {
    await this.flush();
    const rows = await storedRows(this.db, documentName);
    if (rows.length <= 1) return { removed: [], added: null };
    const merged = await mergeToState(rows.map((r) => r.update));
    const ids = rows.map((r) => r.id);
    const added = await this.replaceRows(documentName, ids, merged);
    return added === null ? { removed: [], added: null } : { removed: ids, added };
  }

  /** Rows stored per document (for tests and the benchmark). */
  async count(documentName: string): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(documentUpdates)
      .where(eq(documentUpdates.documentName, documentName));
    return Number(row?.count ?? 0);
  }
}

class CompactedElsewhere extends Error {}

/** What a compaction did: the rows it removed and the row it added (none if it did nothing). */
export interface Compacted {
  removed: number[];
  added: number | null;
}

/** Room in one NOTIFY payload (PostgreSQL allows < 8000 bytes) for the documents' entries. */
const NOTIFY_BUDGET = 7000;

/** Splits a write's documents into groups whose announcements fit one NOTIFY each. */
function notifyGroups(documents: string[], inline: string[]): number[] {
  let group = 0;
  let size = 0;
  return documents.map((name, i) => {
    const entry = Buffer.byteLength(name) + inline[i]!.length + 48; // JSON keys and first id
    if (size > 0 && size + entry > NOTIFY_BUDGET) {
      group++;
      size = 0;
    }
    size += entry;
    return group;
  });
}

/** postgres.js gives the rows as the result; PGlite gives { rows }. */
function resultRows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
}

/*
 * Merges run one at a time in this process. Slices of several merges at once would all run in
 * the same turn of the event loop (each yields with setImmediate), so 40 documents compacting
 * together held the loop for 150–300 ms; one at a time, a turn holds at most one slice.
 */
let mergeLane: Promise<unknown> = Promise.resolve();

/** Applies updates to a scratch document and encodes its state: deleted content is dropped. */
export function mergeToState(updates: Uint8Array[]): Promise<Uint8Array> {
  const merge = async () => {
    const scratch = new Y.Doc();
    try {
      await applyInSlices(scratch, updates, null);
      return Y.encodeStateAsUpdate(scratch);
    } finally {
      scratch.destroy();
    }
  };
  const merged = mergeLane.then(merge, merge);
  mergeLane = merged.catch(() => {});
  return merged;
}

/** The longest a run of applying stored updates holds the event loop. */
const SLICE_MS = 4;

/**
 * Applies many stored updates to a document in slices of a few milliseconds, yielding to the
 * event loop between them: loading or compacting a long log must not stall every other
 * document's traffic (thousands of rows take hundreds of milliseconds to apply).
 */
export async function applyInSlices(
  doc: Y.Doc,
  updates: Uint8Array[],
  origin: unknown,
  sliceMs = SLICE_MS,
): Promise<void> {
  let next = 0;
  while (next < updates.length) {
    const began = performance.now();
    Y.transact(
      doc,
      () => {
        while (next < updates.length) {
          Y.applyUpdate(doc, updates[next++]!);
          if (performance.now() - began >= sliceMs) break;
        }
      },
      origin,
    );
    if (next < updates.length) await new Promise((resolve) => setImmediate(resolve));
  }
}
