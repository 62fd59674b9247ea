/* Minutes: who came to a meeting, and the immutable versions of its minutes with their reviews. */
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt } from "./columns";
import { users } from "./accounts";
import { bytea } from "./documents";
import { invitations, meetings } from "./meetings";

/**
 * Who came to a meeting: one row per participant a leader marked, keyed by the agenda's Ref
 * (`person`, `member:<uuid>`, `user:<uuid>`; app/features/agenda/document.ts).
 */
export const meetingAttendance = pgTable(
  "meeting_attendance",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    ref: text("ref").notNull(),
    present: boolean("present").notNull(),
    recordedByUserId: uuid("recorded_by_user_id")
      .notNull()
      .references(() => users.id),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("meeting_attendance_pk").on(t.meetingId, t.ref)],
);

/**
 * One version of a meeting's minutes, made when a leader closes the meeting (version 1) or
 * makes a correction (2, 3, …). Its content never changes (a trigger refuses it; migration
 * 0009): only `locked_*` may be set, once. ADR 015.
 */
export const minutesVersions = pgTable(
  "minutes_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** The agenda document's Yjs state when the version was made. */
    state: bytea("state").notNull(),
    /** The rendered minutes (app/features/minutes/render.server.ts, `RenderedMinutes`). */
    rendered: jsonb("rendered").notNull(),
    closedByUserId: uuid("closed_by_user_id")
      .notNull()
      .references(() => users.id),
    closedAt: timestamp("closed_at", { withTimezone: true }).notNull().defaultNow(),
    lockedAt: timestamp("locked_at", { withTimezone: true }),
    lockedByUserId: uuid("locked_by_user_id").references(() => users.id),
    /** Why a leader locked it without the person's review; null when it was reviewed. */
    unreviewedReason: text("unreviewed_reason"),
  },
  (t) => [uniqueIndex("minutes_versions_meeting_version_idx").on(t.meetingId, t.version)],
);

/**
 * The person's review of one version: an approval or a comment (disagreement included), kept
 * exactly as written. Rows are never changed or removed (trigger, migration 0009).
 */
export const minutesReviews = pgTable(
  "minutes_reviews",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    versionId: uuid("version_id")
      .notNull()
      .references(() => minutesVersions.id, { onDelete: "cascade" }),
    approved: boolean("approved").notNull(),
    comment: text("comment"),
    /** "meeting": given in the meeting and recorded by a leader; "link": through the person's link. */
    givenVia: text("given_via").notNull(),
    recordedByUserId: uuid("recorded_by_user_id").references(() => users.id),
    invitationId: uuid("invitation_id").references(() => invitations.id),
    createdAt: createdAt(),
  },
  (t) => [index("minutes_reviews_version_idx").on(t.versionId)],
);

/**
 * A correction a leader opened after version `fromVersion` was locked: the agenda is editable
 * for leaders again until the next version is made. One per locked version (a second click
 * opens nothing new).
 */
export const minutesCorrections = pgTable(
  "minutes_corrections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    fromVersion: integer("from_version").notNull(),
    reason: text("reason").notNull(),
    openedByUserId: uuid("opened_by_user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("minutes_corrections_meeting_version_idx").on(t.meetingId, t.fromVersion)],
);
