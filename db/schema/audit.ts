/* The audit log. */
import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { municipalities, users } from "./accounts";

/** Append-only (a trigger refuses UPDATE and DELETE; see migration 0001). */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    municipalityId: uuid("municipality_id").references(() => municipalities.id),
    actorUserId: uuid("actor_user_id").references(() => users.id),
    /** Who acted when there is no account: "system", "anonymous", later "invitation:<id>". */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    /** The person (hovedperson) the event concerns, when it concerns one. */
    personId: uuid("person_id"),
    ip: text("ip"),
    details: jsonb("details")
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_municipality_idx").on(t.municipalityId, t.id),
    index("audit_log_actor_idx").on(t.actorUserId, t.at),
    index("audit_log_person_idx").on(t.personId, t.at),
  ],
);
