/* The catalogue of community offerings and the organisations behind them (issue 13, ADR 022). */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
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
} from "drizzle-orm/pg-core";
import { type ChimeElement, type LifeArea } from "../enums";
import {
  offeringCategories,
  offeringStatuses,
  organisationKinds,
  type OfferingLanguage,
} from "../offering-enums";
import { municipalities, partnerOrganisations, users } from "./accounts";
import { createdAt } from "./columns";

export const organisationKind = pgEnum("organisation_kind", organisationKinds);
export const offeringCategory = pgEnum("offering_category", offeringCategories);
export const offeringStatus = pgEnum("offering_status", offeringStatuses);

/**
 * An organisation that publishes offerings. When it is also a partner organisation with
 * accounts (partner_organisations), `partnerOrganisationId` links the two: that partner's
 * users manage this organisation's offerings.
 */
export const organisations = pgTable(
  "organisations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    name: text("name").notNull(),
    kind: organisationKind("kind").notNull(),
    /** Nine digits, mod-11 checked (offerings/validation.server.ts); optional. */
    organisationNumber: text("organisation_number"),
    email: text("email"),
    phone: text("phone"),
    web: text("web"),
    partnerOrganisationId: uuid("partner_organisation_id").references(
      () => partnerOrganisations.id,
    ),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organisations_municipality_name_idx").on(t.municipalityId, t.name),
    uniqueIndex("organisations_partner_idx").on(t.partnerOrganisationId),
    check("organisations_number_digits", sql`${t.organisationNumber} ~ '^[0-9]{9}$'`),
  ],
);

/**
 * PostgreSQL's text-search vector. Written only by the trigger of migration 0016 (ADR 024), never
 * by the application; selected only by the search.
 */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** A weekly time an offering meets: ISO weekday (1 = Monday) and Oslo wall-clock times. */
export interface WeeklySlot {
  weekday: number;
  start: string;
  end: string;
}

export const offerings = pgTable(
  "offerings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The organisation's municipality, copied here: every access check filters on it. */
    municipalityId: uuid("municipality_id")
      .notNull()
      .references(() => municipalities.id),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id),
    title: text("title").notNull(),
    description: text("description").notNull(),
    category: offeringCategory("category").notNull(),
    lifeAreas: text("life_areas")
      .array()
      .$type<LifeArea[]>()
      .notNull()
      .default(sql`'{}'`),
    chime: text("chime")
      .array()
      .$type<ChimeElement[]>()
      .notNull()
      .default(sql`'{}'`),
    weeklySlots: jsonb("weekly_slots")
      .$type<WeeklySlot[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Single dates (yyyy-mm-dd, Oslo), besides or instead of weekly slots. */
    dates: date("dates", { mode: "string" })
      .array()
      .notNull()
      .default(sql`'{}'`),
    scheduleNote: text("schedule_note"),
    address: text("address"),
    accessibilityNotes: text("accessibility_notes"),
    /** 0 is free; otherwise the price in øre. */
    costOre: integer("cost_ore").notNull().default(0),
    noReferral: boolean("no_referral").notNull().default(true),
    welcomeWhileUsing: boolean("welcome_while_using").notNull().default(false),
    wheelchairAccessible: boolean("wheelchair_accessible").notNull().default(false),
    languages: text("languages")
      .array()
      .$type<OfferingLanguage[]>()
      .notNull()
      .default(sql`'{}'`),
    ageMin: integer("age_min"),
    ageMax: integer("age_max"),
    capacity: integer("capacity"),
    waitingList: boolean("waiting_list").notNull().default(false),
    contactName: text("contact_name"),
    contactPhone: text("contact_phone"),
    contactEmail: text("contact_email"),
    status: offeringStatus("status").notNull().default("active"),
    /**
     * The secret part of the offering's calendar subscription URL (ADR 026): anyone with it reads
     * the feed's public fields without logging in; renewing it ends the old URL. Stored readable
     * (not hashed) because every signed-in reader of the offering is shown the link again.
     */
    feedToken: text("feed_token")
      .notNull()
      .default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
    lastVerifiedAt: timestamp("last_verified_at", { withTimezone: true }).notNull().defaultNow(),
    lastVerifiedByUserId: uuid("last_verified_by_user_id").references(() => users.id),
    createdByUserId: uuid("created_by_user_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /*
     * Search (ADR 024), both kept by the trigger `offerings_search_refresh` (migration 0016)
     * from title, organisation name, description, address and accessibility notes:
     * `searchVector` norwegian-stemmed and weighted (A title, B organisation, C description,
     * D place), `searchText` the same text, lower-cased, for trigram similarity and substrings.
     */
    searchVector: tsvector("search_vector")
      .notNull()
      .default(sql`''::tsvector`),
    searchText: text("search_text").notNull().default(""),
  },
  (t) => [
    index("offerings_search_vector_idx").using("gin", t.searchVector),
    index("offerings_search_text_idx").using("gin", t.searchText.op("gin_trgm_ops")),
    index("offerings_municipality_status_idx").on(t.municipalityId, t.status, t.category),
    index("offerings_organisation_idx").on(t.organisationId),
    index("offerings_verified_idx").on(t.municipalityId, t.lastVerifiedAt),
    uniqueIndex("offerings_feed_token_idx").on(t.feedToken),
    check("offerings_cost_not_negative", sql`${t.costOre} >= 0`),
    check("offerings_capacity_not_negative", sql`${t.capacity} >= 0`),
    check(
      "offerings_age_range",
      sql`${t.ageMin} >= 0 and ${t.ageMax} <= 130 and ${t.ageMin} <= ${t.ageMax}`,
    ),
  ],
);
