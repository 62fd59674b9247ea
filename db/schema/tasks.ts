/* Goals and actions projected from the live documents (ADR 019): queryable copies, never the truth. */
import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { LifeArea } from "../enums";
import { meetings } from "./meetings";
import { networks } from "./networks";

/** The goals of a plan's area documents (`plan:<networkId>:<area>`), one row per goal. */
export const planGoals = pgTable(
  "plan_goals",
  {
    documentName: text("document_name").notNull(),
    goalId: text("goal_id").notNull(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    area: text("area").$type<LifeArea>().notNull(),
    inMyWords: text("in_my_words").notNull(),
    status: text("status").notNull(),
    chime: text("chime").array().notNull(),
    projectedAt: timestamp("projected_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.documentName, t.goalId] }),
    index("plan_goals_network_idx").on(t.networkId),
  ],
);

/**
 * The actions (tiltak) of a plan's area documents and of meeting agendas, one row per action
 * and document. `responsible` is the document's Ref; its parts are split out for queries.
 */
export const planActions = pgTable(
  "plan_actions",
  {
    documentName: text("document_name").notNull(),
    actionId: text("action_id").notNull(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    /** "plan" (an area document) or "agenda" (captured in a meeting). */
    source: text("source").$type<"plan" | "agenda">().notNull(),
    area: text("area").$type<LifeArea>(),
    meetingId: uuid("meeting_id").references(() => meetings.id, { onDelete: "cascade" }),
    agendaItemId: text("agenda_item_id"),
    /** The agenda item was carried to another meeting: its open actions live on there. */
    carried: boolean("carried").notNull().default(false),
    goalId: text("goal_id"),
    what: text("what").notNull(),
    responsible: text("responsible"),
    responsibleMemberId: uuid("responsible_member_id"),
    responsibleUserId: uuid("responsible_user_id"),
    responsibleIsPerson: boolean("responsible_is_person").notNull().default(false),
    due: date("due", { mode: "string" }),
    status: text("status").notNull(),
    statusComment: text("status_comment"),
    /** When the status last changed (from the document, or seen changing by the projection). */
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }),
    projectedAt: timestamp("projected_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.documentName, t.actionId] }),
    index("plan_actions_network_idx").on(t.networkId, t.statusChangedAt),
    index("plan_actions_member_idx")
      .on(t.responsibleMemberId)
      .where(sql`${t.status} <> 'done'`),
    index("plan_actions_user_idx")
      .on(t.responsibleUserId)
      .where(sql`${t.status} <> 'done'`),
  ],
);
