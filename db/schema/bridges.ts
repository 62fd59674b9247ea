/* Bridges from a person to a community offering, and every step of each (issue 13, ADR 025). */
import { sql } from "drizzle-orm";
import {
  check,
  date,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { BridgeCompanion, BridgeStatus } from "../bridge-enums";
import type { LifeArea } from "../enums";
import { createdAt } from "./columns";
import { municipalities, users } from "./accounts";
import { networks } from "./networks";
import { offerings } from "./offerings";
import { persons } from "./people";

/**
 * One bridge: a person (through one of their networks) and an offering, optionally serving a
 * goal and/or an action of the plan (ids inside the plan's documents, with the goal's life
 * area copied so the plan's per-part consent can be applied without reading the document).
 * `status`, `companion` and `first_visit_on` are the latest step's; `updated_at` is the last
 * change (the 14-day nudge reads it). The organisation's contact sees the bridge through a
 * personal link (token derived from id + link_version, only its hash stored) and only while
 * the person's consent to share with this organisation is in force.
 */
export const bridges = pgTable(
  "bridges",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    personId: uuid("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    offeringId: uuid("offering_id")
      .notNull()
      .references(() => offerings.id),
    goalId: text("goal_id"),
    actionId: text("action_id"),
    /** The life area of the goal or action it serves (db/enums.ts lifeAreas), or null. */
    area: text("area").$type<LifeArea>(),
    status: text("status").$type<BridgeStatus>().notNull().default("suggested"),
    companion: text("companion").$type<BridgeCompanion>(),
    firstVisitOn: date("first_visit_on", { mode: "string" }),
    /** When the organisation's contact confirmed the first visit through their link. */
    visitConfirmedAt: timestamp("visit_confirmed_at", { withTimezone: true }),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** The person's consent to share their first name and the visit with the organisation. */
    consentGivenAt: timestamp("consent_given_at", { withTimezone: true }),
    /** "person" (through their own link) or "leader" (recorded by a leader: consent_recorded_by). */
    consentGivenBy: text("consent_given_by").$type<"person" | "leader">(),
    consentRecordedByUserId: uuid("consent_recorded_by_user_id").references(() => users.id),
    consentWithdrawnAt: timestamp("consent_withdrawn_at", { withTimezone: true }),
    /** 0: no link issued yet; each new link raises it, which ends the old one. */
    linkVersion: integer("link_version").notNull().default(0),
    linkTokenHash: text("link_token_hash"),
    linkIssuedAt: timestamp("link_issued_at", { withTimezone: true }),
  },
  (t) => [
    index("bridges_network_idx").on(t.networkId, t.createdAt),
    index("bridges_person_idx").on(t.personId),
    index("bridges_open_idx").on(t.status, t.updatedAt),
    uniqueIndex("bridges_link_idx").on(t.linkTokenHash),
    check(
      "bridges_status",
      sql`${t.status} in ('suggested','wanted','contact_made','visit_agreed','started','not_started','ended')`,
    ),
    check(
      "bridges_companion",
      sql`${t.companion} is null or ${t.companion} in ('volunteer','peer','alone')`,
    ),
  ],
);

/** Every step of a bridge: its status, the Oslo date it happened, a short note, who, when. */
export const bridgeEvents = pgTable(
  "bridge_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    bridgeId: uuid("bridge_id")
      .notNull()
      .references(() => bridges.id, { onDelete: "cascade" }),
    status: text("status").$type<BridgeStatus>().notNull(),
    happenedOn: date("happened_on", { mode: "string" }).notNull(),
    visitOn: date("visit_on", { mode: "string" }),
    companion: text("companion").$type<BridgeCompanion>(),
    note: text("note").notNull().default(""),
    byUserId: uuid("by_user_id").references(() => users.id),
    /** Without an account: "contact" (the organisation's link). */
    byLabel: text("by_label"),
    createdAt: createdAt(),
  },
  (t) => [
    index("bridge_events_bridge_idx").on(t.bridgeId, t.createdAt),
    check("bridge_events_note", sql`char_length(${t.note}) <= 500`),
    check(
      "bridge_events_status",
      sql`${t.status} in ('suggested','wanted','contact_made','visit_agreed','started','not_started','ended')`,
    ),
  ],
);
