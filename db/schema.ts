import { sql } from "drizzle-orm";
import {
  bigserial,
  customType,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import {
  consentContents,
  consentMethods,
  contactChannels,
  invitationResponses,
  meetingKinds,
  meetingStatuses,
  memberRelations,
  networkCircles,
  networkKinds,
  outboxStatuses,
  partnerOrganisationTypes,
  roles,
} from "./enums";

export { partnerOrganisationTypes, roles };
export type { PartnerOrganisationType, Role } from "./enums";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const municipalities = pgTable("municipalities", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  createdAt: createdAt(),
});

/** An enhet (e.g. Mestringsenheten); teams are units with a parent. */
export const units = pgTable(
  "units",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    parentUnitId: uuid("parent_unit_id").references((): AnyPgColumn => units.id),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("units_municipality_name_idx").on(t.municipalityId, t.name)],
);

export const partnerOrganisationType = pgEnum(
  "partner_organisation_type",
  partnerOrganisationTypes,
);

export const partnerOrganisations = pgTable(
  "partner_organisations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    name: text("name").notNull(),
    type: partnerOrganisationType("type").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("partner_orgs_municipality_name_idx").on(t.municipalityId, t.name)],
);

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    /** Stored lower-cased; unique across the installation. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** Null until the user has set a password through an activation link. */
    passwordHash: text("password_hash"),
    partnerOrganisationId: uuid("partner_organisation_id").references(
      () => partnerOrganisations.id,
    ),
    active: boolean("active").notNull().default(true),
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email)],
);

export const roleEnum = pgEnum("role", roles);

export const roleAssignments = pgTable(
  "role_assignments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    role: roleEnum("role").notNull(),
    /** The unit a coordinator or leader works in (tjenstlig behov), when it applies. */
    unitId: uuid("unit_id").references(() => units.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("role_assignments_user_role_idx").on(t.userId, t.municipalityId, t.role),
    index("role_assignments_user_idx").on(t.userId),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the random token in the cookie: a database leak gives no usable sessions. */
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const activationTokens = pgTable(
  "activation_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index("activation_tokens_user_idx").on(t.userId)],
);

/** Failed-login counters, keyed by "account:<email>" or "address:<ip>". */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  lockedUntil: timestamp("locked_until", { withTimezone: true }),
});

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

// ---------------------------------------------------------------------------------------------
// People, networks and consent (issue 3). Minimal data: no national identity number, no diagnosis.

export const contactChannelEnum = pgEnum("contact_channel", contactChannels);

/** The person at the centre (hovedperson). */
export const persons = pgTable(
  "persons",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    unitId: uuid("unit_id")
      .notNull()
      .references(() => units.id),
    name: text("name").notNull(),
    preferredName: text("preferred_name"),
    phone: text("phone"),
    email: text("email"),
    preferredChannel: contactChannelEnum("preferred_channel"),
    language: text("language"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("persons_unit_idx").on(t.unitId)],
);

/** Leaders responsible for a person (tjenstlig behov: they see the person and their networks). */
export const personLeaders = pgTable(
  "person_leaders",
  {
    personId: uuid("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    uniqueIndex("person_leaders_pk").on(t.personId, t.userId),
    index("person_leaders_user_idx").on(t.userId),
  ],
);

export const networkKindEnum = pgEnum("network_kind", networkKinds);

export const networks = pgTable(
  "networks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    personId: uuid("person_id")
      .notNull()
      .references(() => persons.id, { onDelete: "cascade" }),
    kind: networkKindEnum("kind").notNull(),
    /** When the plan is next revised; a follow-up series can run until then. */
    planRevisionOn: date("plan_revision_on"),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("networks_person_kind_idx").on(t.personId, t.kind)],
);

/** Leaders of a network: up to two for network meetings, the coordinator for a responsibility group. */
export const networkLeaders = pgTable(
  "network_leaders",
  {
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
  },
  (t) => [
    uniqueIndex("network_leaders_pk").on(t.networkId, t.userId),
    index("network_leaders_user_idx").on(t.userId),
  ],
);

export const memberRelationEnum = pgEnum("member_relation", memberRelations);
export const networkCircleEnum = pgEnum("network_circle", networkCircles);

/** A member: a partner with an account, or a contact without one (relative, friend, …). */
export const networkMembers = pgTable(
  "network_members",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    networkId: uuid("network_id")
      .notNull()
      .references(() => networks.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id),
    /** For contacts; for account members the user's own name is shown. */
    name: text("name").notNull(),
    relation: memberRelationEnum("relation").notNull(),
    organisation: text("organisation"),
    phone: text("phone"),
    email: text("email"),
    circle: networkCircleEnum("circle").notNull(),
    /** The person's own choice: invite this member to meetings by default. */
    wantsInvited: boolean("wants_invited").notNull().default(true),
    removedAt: timestamp("removed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("network_members_network_idx").on(t.networkId),
    index("network_members_user_idx").on(t.userId),
  ],
);

export const consentContentEnum = pgEnum("consent_content", consentContents);
export const consentMethodEnum = pgEnum("consent_method", consentMethods);

/** Consent per member and kind of content; current while given, unexpired and not withdrawn. */
export const consents = pgTable(
  "consents",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    memberId: uuid("member_id")
      .notNull()
      .references(() => networkMembers.id, { onDelete: "cascade" }),
    content: consentContentEnum("content").notNull(),
    givenOn: date("given_on").notNull(),
    expiresOn: date("expires_on"),
    method: consentMethodEnum("method").notNull(),
    recordedByUserId: uuid("recorded_by_user_id")
      .notNull()
      .references(() => users.id),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    withdrawnByUserId: uuid("withdrawn_by_user_id").references(() => users.id),
  },
  (t) => [index("consents_member_idx").on(t.memberId, t.content)],
);

// ---------------------------------------------------------------------------------------------
// Meetings, invitations, calendar feeds and the e-mail outbox (issue 3).

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

export const outboxStatusEnum = pgEnum("outbox_status", outboxStatuses);

/**
 * E-mail waiting to be sent, written in the same transaction as the change it announces.
 * Without SMTP_URL nothing is sent: admins read the messages in the app instead.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    municipalityId: uuid("municipality_id").references(() => municipalities.id),
    createdAt: createdAt(),
    toAddress: text("to_address").notNull(),
    toName: text("to_name"),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    /** An iCalendar object sent as a text/calendar part, with its METHOD (REQUEST, CANCEL). */
    calendar: text("calendar"),
    calendarMethod: text("calendar_method"),
    meetingId: uuid("meeting_id").references(() => meetings.id, { onDelete: "set null" }),
    invitationId: uuid("invitation_id").references(() => invitations.id, { onDelete: "set null" }),
    status: outboxStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("outbox_due_idx").on(t.status, t.nextAttemptAt)],
);

/** Raw bytes (drizzle has no bytea column): Uint8Array in, Uint8Array out on both drivers. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
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
