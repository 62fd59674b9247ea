/* The person at the centre and the leaders responsible for them. Minimal data: no national identity number, no diagnosis. */
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contactChannels } from "../enums";
import { createdAt } from "./columns";
import { municipalities, units, users } from "./accounts";

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
