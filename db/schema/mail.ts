/* The e-mail outbox. */
import {
  bigserial,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { outboxStatuses } from "../enums";
import { createdAt } from "./columns";
import { municipalities } from "./accounts";
import { invitations, meetings } from "./meetings";

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
