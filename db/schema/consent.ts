/* Consent per member and kind of content. */
import { date, index, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { consentContents, consentMethods, type PlanPart } from "../enums";
import { users } from "./accounts";
import { networkMembers } from "./networks";

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
    /**
     * For content "plan": the parts it covers (db/enums.ts planParts). Null means every part:
     * the meaning of consents given before the plan was split, kept until they are renewed.
     */
    planParts: text("plan_parts").array().$type<PlanPart[]>(),
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
