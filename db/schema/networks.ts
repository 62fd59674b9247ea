/* Networks and their members. */
import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { memberRelations, networkCircles, networkKinds } from "../enums";
import { createdAt } from "./columns";
import { users } from "./accounts";
import { persons } from "./people";

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

/**
 * A member: a partner with an account, a contact without one (relative, friend, …), or the
 * person themselves (`isPerson`, one per network, made with the network; ADR 013).
 */
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
    /*
     * The person at the centre as an invitee of their own meetings (ADR 013): name and contact
     * are the person's, copied here and kept in step by updatePerson; never removed or edited
     * as a member; sees their own meetings' content without consent.
     */
    isPerson: boolean("is_person").notNull().default(false),
    removedAt: timestamp("removed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("network_members_network_idx").on(t.networkId),
    index("network_members_user_idx").on(t.userId),
    uniqueIndex("network_members_person_idx")
      .on(t.networkId)
      .where(sql`${t.isPerson}`),
  ],
);
