/* Municipalities, units, partner organisations, users, roles, sessions and login. */
import {
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { partnerOrganisationTypes, roles } from "../enums";
import { createdAt } from "./columns";

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
