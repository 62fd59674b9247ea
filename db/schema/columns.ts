import { timestamp } from "drizzle-orm/pg-core";

/** created_at, set by the database, with time zone like every timestamp. */
export const createdAt = () =>
  timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
