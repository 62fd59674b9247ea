/* One-time form tokens (docs/decisions/012-one-submission-one-result.md). */
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

/**
 * A form submission that has created something: claimed in the same transaction as the
 * create, keyed by the SHA-256 of the one-time form token and the form it was posted from.
 * A repeated post with the same token finds this row and gets `result` back (encrypted with a
 * key derived from the token itself, which is not stored). Rows older than a token's lifetime
 * are pruned by the housekeeping timer.
 */
export const formSubmissions = pgTable(
  "form_submissions",
  {
    keyHash: text("key_hash").primaryKey(),
    /** Who may post the token: `user:<id>` (or `invitation:<id>` for a link holder). */
    owner: text("owner").notNull(),
    /** The first post's result as AES-256-GCM ciphertext (base64url: iv, tag, data). */
    result: text("result").notNull(),
    createdAt: createdAt(),
  },
  (table) => [index("form_submissions_created_at_idx").on(table.createdAt)],
);
