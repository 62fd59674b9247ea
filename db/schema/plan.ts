/* The plan's history, the person's own measure of progress, and reminders already sent. */
import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { users } from "./accounts";
import { networkMembers, networks } from "./networks";
import { invitations, meetings } from "./meetings";

/**
 * The plan as it stood when a meeting's minutes were first locked: the plain data of every
 * part (app/features/plan/history.ts `PlanSnapshot`). One per meeting; never changed. ADR 020.
 */
export const planSnapshots = pgTable(
  "plan_snapshots",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    /** `PlanSnapshot`: overview, each life area's goals and actions, the crisis plan. */
    plan: jsonb("plan").notNull(),
    takenAt: createdAt(),
  },
  (t) => [
    uniqueIndex("plan_snapshots_meeting_idx").on(t.meetingId),
    index("plan_snapshots_network_idx").on(t.networkId, t.takenAt),
  ],
);

/**
 * The person's own note of how things are going in one life area: a plain 1–5 scale and their
 * own words. Recorded by a leader together with the person, or by the person through their
 * link. Not a clinical score.
 */
export const progressNotes = pgTable(
  "progress_notes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    /** A life area (db/enums.ts lifeAreas). */
    area: text("area").notNull(),
    scale: integer("scale").notNull(),
    inMyWords: text("in_my_words").notNull().default(""),
    meetingId: uuid("meeting_id").references(() => meetings.id, { onDelete: "set null" }),
    recordedByUserId: uuid("recorded_by_user_id").references(() => users.id),
    recordedByInvitationId: uuid("recorded_by_invitation_id").references(() => invitations.id, {
      onDelete: "set null",
    }),
    notedAt: createdAt(),
  },
  (t) => [
    index("progress_notes_network_idx").on(t.networkId, t.notedAt),
    check("progress_notes_scale", sql`${t.scale} between 1 and 5`),
  ],
);

/**
 * One row per reminder put in the outbox: `kind`, what it is about (`subject`: a meeting id,
 * `<networkId>:<revision date>`, `<actionId>:<due>`) and to whom (`recipient`: `user:<id>` or
 * `member:<id>`). The unique key makes a second run of the job send nothing twice.
 */
export const remindersSent = pgTable(
  "reminders_sent",
  {
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
    recipient: text("recipient").notNull(),
    outboxId: integer("outbox_id"),
    sentAt: createdAt(),
  },
  (t) => [uniqueIndex("reminders_sent_pk").on(t.kind, t.subject, t.recipient)],
);

/** Who turned reminders off: a user (account page) or a member without an account (link page). */
export const reminderOptOuts = pgTable(
  "reminder_opt_outs",
  {
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    memberId: uuid("member_id").references(() => networkMembers.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("reminder_opt_outs_user_idx").on(t.userId),
    uniqueIndex("reminder_opt_outs_member_idx").on(t.memberId),
    check("reminder_opt_outs_one", sql`num_nonnulls(${t.userId}, ${t.memberId}) = 1`),
  ],
);
