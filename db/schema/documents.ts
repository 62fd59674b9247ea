/* Live documents: the update log and snapshots. */
import { bigserial, customType, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { users } from "./accounts";

/** Raw bytes (drizzle has no bytea column): Uint8Array in, Uint8Array out on both drivers. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? new Uint8Array(value.buffer, value.byteOffset, value.length) : value,
});

/**
 * The live documents (agenda:<meetingId>, plan:<networkId>) as an append-only log of Yjs
 * updates. Compaction replaces a document's rows by one merged row in a transaction; the
 * ids only grow, so other server processes can fetch "rows after the one I last saw".
 */
export const documentUpdates = pgTable(
  "document_updates",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    documentName: text("document_name").notNull(),
    update: bytea("update").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("document_updates_document_idx").on(t.documentName, t.id)],
);

/** A document frozen at a moment (minutes, plan history): its Yjs state and a JSON rendering. */
export const documentSnapshots = pgTable(
  "document_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    documentName: text("document_name").notNull(),
    state: bytea("state").notNull(),
    content: jsonb("content").notNull(),
    reason: text("reason").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("document_snapshots_document_idx").on(t.documentName, t.createdAt)],
);
