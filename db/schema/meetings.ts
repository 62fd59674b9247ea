/* Meetings, series, leaders, invitations and calendar feeds. */
import {
  boolean,
  date,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { invitationResponses, meetingKinds, meetingStatuses } from "../enums";
import { createdAt } from "./columns";
import { users } from "./accounts";
import { networkMembers, networks } from "./networks";

export const meetingKindEnum = pgEnum("meeting_kind", meetingKinds);
export const meetingStatusEnum = pgEnum("meeting_status", meetingStatuses);

/** "Every N weeks, K times" or "until a date"; each meeting in it can still be moved alone. */
export const meetingSeries = pgTable("meeting_series", {
  id: uuid("id").primaryKey().defaultRandom(),
  networkId: uuid("network_id")
    .notNull()
    .references(() => networks.id, { onDelete: "cascade" }),
  everyWeeks: integer("every_weeks").notNull(),
  count: integer("count"),
  untilOn: date("until_on"),
  createdAt: createdAt(),
});

export const meetings = pgTable(
  "meetings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    seriesId: uuid("series_id").references(() => meetingSeries.id),
    kind: meetingKindEnum("kind").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    place: text("place"),
    videoLink: text("video_link"),
    internalTitle: text("internal_title").notNull(),
    /** What calendars and e-mails show: neutral unless a leader deliberately chooses otherwise. */
    calendarTitle: text("calendar_title").notNull().default("Møte – Broen"),
    /** A leader's deliberate choice to put the person's name / meeting kind in invites. */
    detailsInInvites: boolean("details_in_invites").notNull().default(false),
    status: meetingStatusEnum("status").notNull().default("scheduled"),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    /** Stable iCalendar UID and SEQUENCE (raised on every material change). */
    icalUid: text("ical_uid").notNull().unique(),
    sequence: integer("sequence").notNull().default(0),
    /** Optimistic concurrency: a save names the version it edited. */
    version: integer("version").notNull().default(1),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedByUserId: uuid("updated_by_user_id").references(() => users.id),
  },
  (t) => [
    index("meetings_network_idx").on(t.networkId, t.startsAt),
    index("meetings_starts_idx").on(t.startsAt),
  ],
);

export const meetingLeaders = pgTable(
  "meeting_leaders",
  {
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    uniqueIndex("meeting_leaders_pk").on(t.meetingId, t.userId),
    index("meeting_leaders_user_idx").on(t.userId),
  ],
);

export const invitationResponseEnum = pgEnum("invitation_response", invitationResponses);

/** A member's invitation to one meeting, with their personal link (stored hashed). */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    meetingId: uuid("meeting_id")
      .notNull()
      .references(() => meetings.id, { onDelete: "cascade" }),
    memberId: uuid("member_id")
      .notNull()
      .references(() => networkMembers.id),
    tokenHash: text("token_hash").notNull().unique(),
    /** Raised to replace the link: the token is derived from (id, linkVersion) with a secret. */
    linkVersion: integer("link_version").notNull().default(1),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    response: invitationResponseEnum("response").notNull().default("needs_action"),
    respondedAt: timestamp("responded_at", { withTimezone: true }),
    /*
     * The answer given before the meeting's time last changed, and the time it was given for
     * (ADR 011): set when a time change resets `response`, cleared when the member answers
     * again. The audit log keeps every answer and every reset as well.
     */
    previousResponse: invitationResponseEnum("previous_response"),
    previousRespondedAt: timestamp("previous_responded_at", { withTimezone: true }),
    previousStartsAt: timestamp("previous_starts_at", { withTimezone: true }),
    previousDurationMinutes: integer("previous_duration_minutes"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("invitations_meeting_member_idx").on(t.meetingId, t.memberId)],
);

/** A user's personal calendar subscription (webcal) secret, stored hashed; revocable. */
export const calendarFeeds = pgTable("calendar_feeds", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
});
