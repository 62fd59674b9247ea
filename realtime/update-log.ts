import { and, asc, eq, getTableName, gte, sql } from "drizzle-orm";
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
 * next batch. Statements start at most once per gather time: under load the next batch is not
 * sent the moment the last one returns (that made ~175 statements a second of ~3 updates each
 * under the benchmark's load, not 100 of ~10), so the database and this process do a third
 * less work per update. An update is stored within the gather time plus one round trip (the
 * lag is measured, see metrics). A failed write is retried with back-off, the failed batch in
 * front of what came meanwhile, so nothing queued is dropped or reordered; a write whose answer
 * was lost after it committed is stored twice, which is harmless (applying a Yjs update again
 * changes nothing, and compaction merges the copies). Updates not yet stored when the process
 * dies are in the clients' documents and come back with their next sync.
 */
interface Pending {
  documentName: string;
  update: Uint8Array;
  queuedAt: number;
}

/**
 * Tells other server processes what was stored: `NOTIFY channel, prefix || json` for the
 * documents of a batch, each with its updates of the batch inline (`s`: the base64 the rows are
 * written with, comma-separated) when they take at most `maxInline` characters, as few
 * notifications as fit.
 */
export interface Announcer {
  channel: string;
  prefix: string;
  maxInline: number;
  /** False while no other process listens: then the rows are stored without a NOTIFY. */
  readonly announcing: boolean;
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

/**
 * The writer's clock: `now()` in milliseconds (any origin) and `sleep(ms)`. The real one is
 * performance.now() and setTimeout; a test passes one it advances by hand, so the pacing is
 * checked without depending on how fast or busy the machine is.
 */
export interface WriterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: WriterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class UpdateLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private retryDelayMs = 0;
  /** When the last statement started (by `clock`): the next waits for the gather time. */
  private lastWriteAt = -Infinity;
  /** Updates appended and updates stored so far: both count in the same (append) order. */
  private appended = 0;
  private stored = 0;
  private flushes: { upTo: number; done: () => void }[] = [];
  onStored: StoredListener | null = null;

  private readonly run: RunStatement;

  constructor(
    private readonly db: Database,
    private readonly metrics: RealtimeMetrics,
    private readonly announcer: Announcer | null = null,
    /** How long the writer gathers updates before a write (REALTIME_WRITE_GATHER_MS). */
    private readonly gatherMs = 10,
    private readonly clock: WriterClock = realClock,
  ) {
    this.run = statementRunner(db);
  }

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
    this.queue.push({ documentName, update, queuedAt: this.clock.now() });
    this.appended++;
    this.metrics.pendingWrites = this.queue.length;
    this.writing ??= this.gatherThenWrite();
  }

  /**
   * Resolves when everything queued before the call is stored — not when the writer is idle:
   * under steady load it never is, and a compaction waiting for that waited for the load to
   * end (the benchmark's 40 documents all compacted in the same moment, when the round ended).
   */
  flush(): Promise<void> {
    if (this.stored >= this.appended) return Promise.resolve();
    return new Promise((done) => this.flushes.push({ upTo: this.appended, done }));
  }

  get pending(): number {
    return this.queue.length;
  }

  private flushed(): void {
    if (this.flushes.length === 0) return;
    const waiting = this.flushes;
    this.flushes = [];
    for (const flush of waiting) {
      if (flush.upTo <= this.stored) flush.done();
      else this.flushes.push(flush);
    }
  }

  private async gatherThenWrite(): Promise<void> {
    try {
      if (this.gatherMs > 0) await this.clock.sleep(this.gatherMs);
      while (this.queue.length > 0) {
        if (this.retryDelayMs > 0) {
          await this.clock.sleep(this.retryDelayMs);
        } else {
          // Group commit: what arrived while the last statement ran gathers until the gather
          // time since that statement's start has passed, and goes in the next one.
          const wait = this.lastWriteAt + this.gatherMs - this.clock.now();
          if (wait > 0) await this.clock.sleep(wait);
        }
        const batch = this.queue;
        this.queue = [];
        this.lastWriteAt = this.clock.now();
        try {
          await this.write(batch);
          this.retryDelayMs = 0;
          const now = this.clock.now();
          for (const item of batch) {
            this.metrics.recordPersisted(item.update.length, now - item.queuedAt);
          }
          this.stored += batch.length;
          this.flushed();
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

  /**
   * One statement: the rows and, for other processes, their announcement (NOTIFY). The updates
   * go as base64 (the rows decode them), the ids come back as text, and the announcements are
   * written here but for each document's first id, which the database fills in: putting them
   * together there with its JSON functions took a third of the statement's time in the
   * database. The statement is written once, as text, and goes straight to the driver: this
   * process does little more per statement than send it and read a short answer (the update
   * log's work was nearly all that Broen did under the benchmark's load beyond what the
   * reference server did).
   */
  private async write(batch: Pending[]): Promise<void> {
    const names = batch.map((p) => p.documentName);
    const updates = batch.map((p) => base64(p.update));
    let stored: { document_name: string; ids: string }[];
    if (!this.announcer?.announcing) {
      stored = resultRows(await this.run(STORE, [names, updates]));
    } else {
      const { documents, groups, heads, tails } = announcements(
        names,
        updates,
        this.announcer.maxInline,
      );
      const { channel, prefix } = this.announcer;
      stored = resultRows(
        await this.run(STORE_AND_ANNOUNCE, [
          names,
          updates,
          documents,
          groups,
          heads,
          tails,
          channel,
          prefix,
        ]),
      );
    }
    for (const row of stored) this.onStored?.(row.document_name, row.ids.split(",").map(Number));
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
        // Counted in the database: hundreds of deleted ids need not come back and be mapped.
        const [deleted] = resultRows<{ count: number }>(
          await tx.execute(sql`with deleted as (delete from ${documentUpdates}
            where ${documentUpdates.id} = any(${sql.param(ids)}::bigint[]) returning 1)
            select count(*)::int as count from deleted`),
        );
        if (Number(deleted?.count) !== ids.length) throw new CompactedElsewhere();
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

/*
 * The writer's statements. `stored`: the batch (document names and base64 updates);
 * `firsts`: per document, the first id stored and every id (for the document's known rows).
 * The announcement: one NOTIFY per group of documents (each payload under PostgreSQL's 8000
 * bytes), its entries written by this process around the first ids; the main query reads
 * `notified`, so the notifications are sent exactly once.
 */
const STORED = `stored as (insert into "${getTableName(documentUpdates)}" (document_name, update)
    select name, decode(data, 'base64')
    from unnest($1::text[], $2::text[]) with ordinality as t(name, data, n) order by n
    returning id, document_name),
  firsts as (select document_name, min(id) as first_id, string_agg(id::text, ',') as ids
    from stored group by document_name)`;
const STORE = `with ${STORED} select document_name, ids from firsts`;
const STORE_AND_ANNOUNCE = `with ${STORED},
  announced as (select m.grp, string_agg(m.head || f.first_id || m.tail, ',') as list
    from firsts f
    join unnest($3::text[], $4::int[], $5::text[], $6::text[]) as m(name, grp, head, tail)
      on m.name = f.document_name
    group by m.grp),
  notified as (select pg_notify($7, $8 || '{"k":"u","l":[' || list || ']}') from announced)
  select document_name, ids, (select count(*) from notified) as notified from firsts`;

type RunStatement = (text: string, params: unknown[]) => Promise<unknown>;

/**
 * Runs a statement given as text with $1… parameters on the driver itself (drizzle's `$client`:
 * postgres.js, whose handle in db/client.ts prepares it, or PGlite): building it through
 * drizzle's query builder cost a tenth of a millisecond of this thread per write. Throws when
 * the database has neither driver (db/client.ts opens only these two).
 */
function statementRunner(db: Database): RunStatement {
  const client = (db as unknown as { $client?: unknown }).$client as
    { unsafe?: unknown; query?: unknown } | undefined;
  if (client && typeof client.unsafe === "function") {
    const postgresJs = client as { unsafe(text: string, params: unknown[]): Promise<unknown> };
    return (text, params) => postgresJs.unsafe(text, params);
  }
  if (client && typeof client.query === "function") {
    const pglite = client as { query(text: string, params: unknown[]): Promise<unknown> };
    return (text, params) => pglite.query(text, params);
  }
  throw new Error("update log: the database has neither a postgres.js nor a PGlite client");
}

/** Room in one NOTIFY payload (PostgreSQL allows < 8000 bytes) for the documents' entries. */
const NOTIFY_BUDGET = 7000;

/**
 * A write's documents, the NOTIFY each is announced in (as many to one as fit), and each one's
 * entry in it around its first id (which only the database knows): `{"d":name,"f":` and
 * `,"s":"update,update"}` with its updates inline when they take at most `maxInline`
 * characters, else `}` (the others read them back from the log).
 */
function announcements(names: string[], updates: string[], maxInline: number) {
  const byDocument = new Map<string, string[]>();
  for (let i = 0; i < names.length; i++) {
    const list = byDocument.get(names[i]!);
    if (list) list.push(updates[i]!);
    else byDocument.set(names[i]!, [updates[i]!]);
  }
  const documents: string[] = [];
  const groups: number[] = [];
  const heads: string[] = [];
  const tails: string[] = [];
  let group = 0;
  let size = 0;
  for (const [name, list] of byDocument) {
    let length = list.length - 1;
    for (const update of list) length += update.length;
    const head = `{"d":${JSON.stringify(name)},"f":`;
    const tail = length <= maxInline ? `,"s":"${list.join(",")}"}` : "}";
    const entry = Buffer.byteLength(head) + tail.length + 20; // the id and a comma
    if (size > 0 && size + entry > NOTIFY_BUDGET) {
      group++;
      size = 0;
    }
    size += entry;
    documents.push(name);
    groups.push(group);
    heads.push(head);
    tails.push(tail);
  }
  return { documents, groups, heads, tails };
}

/** Base64 of the bytes, without copying them. */
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");

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
