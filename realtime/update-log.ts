import { and, asc, eq, gte, sql } from "drizzle-orm";
import * as Y from "yjs";
import { logger, safeError } from "../app/utils/logger.server";
import type { Database } from "../db/client";
import { documentUpdates } from "../db/schema";
import type { RealtimeMetrics } from "./metrics";

/*
 * The update log: every accepted Yjs update is appended as one row (bytea). Writes are
 * group-committed: an update is queued when it is broadcast and the writer inserts everything
 * queued in one statement as soon as the previous write is done, so an update is stored within
 * one database round trip of arriving (the lag is measured, see metrics). A failed write is
 * retried with back-off; nothing queued is dropped.
 */
interface Pending {
  documentName: string;
  update: Uint8Array;
  queuedAt: number;
}

/** Called inside the write transaction with the rows just stored, grouped per document. */
export type OnStored = (
  tx: Database,
  stored: { documentName: string; firstId: number; updates: Uint8Array[] }[],
) => Promise<void>;

export interface StoredDocument {
  state: Uint8Array[];
  rows: number;
}

export class UpdateLog {
  private queue: Pending[] = [];
  private writing: Promise<void> | null = null;
  private retryDelayMs = 0;

  constructor(
    private readonly db: Database,
    private readonly metrics: RealtimeMetrics,
    private readonly onStored: OnStored = async () => {},
  ) {}

  /** Every stored update of a document, oldest first. */
  async load(documentName: string): Promise<StoredDocument> {
    const rows = await this.db
      .select({ update: documentUpdates.update })
      .from(documentUpdates)
      .where(eq(documentUpdates.documentName, documentName))
      .orderBy(asc(documentUpdates.id));
    return { state: rows.map((r) => r.update), rows: rows.length };
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
    this.writing ??= this.writeLoop();
  }

  /** Resolves when everything queued before the call is stored. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  get pending(): number {
    return this.queue.length;
  }

  private async writeLoop(): Promise<void> {
    try {
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
          for (const item of batch)
            this.metrics.recordPersisted(item.update.length, now - item.queuedAt);
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

  private async write(batch: Pending[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const rows = await tx
        .insert(documentUpdates)
        .values(batch.map((p) => ({ documentName: p.documentName, update: p.update })))
        .returning({ id: documentUpdates.id, documentName: documentUpdates.documentName });
      const byDocument = new Map<string, { firstId: number; updates: Uint8Array[] }>();
      for (const item of batch) {
        const entry = byDocument.get(item.documentName);
        if (entry) entry.updates.push(item.update);
        else byDocument.set(item.documentName, { firstId: Infinity, updates: [item.update] });
      }
      for (const row of rows) {
        const entry = byDocument.get(row.documentName)!;
        entry.firstId = Math.min(entry.firstId, row.id);
      }
      await this.onStored(
        tx,
        [...byDocument].map(([documentName, entry]) => ({ documentName, ...entry })),
      );
    });
  }

  /**
   * Replaces a document's rows by one merged row, in one transaction. The rows merged are
   * exactly the rows deleted, so an update another process stores meanwhile is never lost.
   * Returns the number of rows now stored for the document by this compaction (0 or 1).
   */
  async compact(documentName: string): Promise<{ before: number; after: number }> {
    await this.flush();
    return this.db.transaction(async (tx) => {
      const removed = await tx
        .delete(documentUpdates)
        .where(eq(documentUpdates.documentName, documentName))
        .returning({ id: documentUpdates.id, update: documentUpdates.update });
      if (removed.length === 0) return { before: 0, after: 0 };
      removed.sort((a, b) => a.id - b.id);
      const merged = mergeToState(removed.map((r) => r.update));
      await tx.insert(documentUpdates).values({ documentName, update: merged });
      this.metrics.compactions++;
      return { before: removed.length, after: 1 };
    });
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

/** Applies updates to a scratch document and encodes its state: deleted content is dropped. */
export function mergeToState(updates: Uint8Array[]): Uint8Array {
  const scratch = new Y.Doc();
  try {
    Y.transact(scratch, () => {
      for (const update of updates) Y.applyUpdate(scratch, update);
    });
    return Y.encodeStateAsUpdate(scratch);
  } finally {
    scratch.destroy();
  }
}
