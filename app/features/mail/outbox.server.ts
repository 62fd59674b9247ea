import { and, desc, eq, inArray } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import type { OutboxStatus } from "../../../db/enums";
import { outbox } from "../../../db/schema";
import { calendarMethod } from "../calendar/mime";
import { foldLines } from "../calendar/write";

/*
 * The e-mail outbox. Messages are written in the caller's transaction, so an e-mail exists if and
 * only if the change it announces was committed; server/mail-sender.ts delivers them later.
 * E-mails never carry the person's name, health information or the kind of meeting: callers
 * give a neutral subject and a link. Bodies and addresses are never logged.
 */

export type CalendarMethod = "REQUEST" | "CANCEL";

export interface OutgoingEmail {
  municipalityId: string | null;
  to: { address: string; name?: string | null };
  subject: string;
  text: string;
  html: string;
  /**
   * An iCalendar object, sent as a `text/calendar; method=…` part. `method` must be the object's
   * own METHOD (RFC 6047 §2.4); calendarPart() builds the pair from the object.
   */
  calendar?: { method: CalendarMethod; ics: string } | null;
  meetingId?: string | null;
  invitationId?: string | null;
}

export class InvalidEmailError extends Error {
  override name = "InvalidEmailError";
}

const LINE_BREAK = /[\r\n\0]/;
/** One bare address (local@domain): no display name, list separators, brackets or spaces. */
const SINGLE_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
const CALENDAR_METHODS: readonly string[] = ["REQUEST", "CANCEL"] satisfies CalendarMethod[];

/** Refuses anything that could add headers or recipients to the message. */
function validate(message: OutgoingEmail): void {
  // The address check also refuses line breaks in the address.
  if (message.to.address.length > 254 || !SINGLE_ADDRESS.test(message.to.address)) {
    throw new InvalidEmailError("The recipient must be one plain e-mail address");
  }
  if (LINE_BREAK.test(message.to.name ?? "")) {
    throw new InvalidEmailError("The recipient's name must not contain line breaks");
  }
  if (!message.subject.trim() || LINE_BREAK.test(message.subject)) {
    throw new InvalidEmailError("The subject must be one non-empty line");
  }
  if (message.calendar && !CALENDAR_METHODS.includes(message.calendar.method)) {
    throw new InvalidEmailError("The calendar method must be REQUEST or CANCEL");
  }
  if (message.calendar && calendarMethodOrNull(message.calendar.ics) !== message.calendar.method) {
    throw new InvalidEmailError("The calendar method must be the METHOD of the calendar itself");
  }
}

function calendarMethodOrNull(ics: string): string | null {
  try {
    return calendarMethod(ics);
  } catch {
    return null;
  }
}

/**
 * An e-mail's calendar part: the method is read from the iCalendar object itself, so the part's
 * `method=` parameter always says what the object's METHOD says.
 */
export function calendarPart(ics: string): { method: CalendarMethod; ics: string } {
  const method = calendarMethod(ics);
  if (method !== "REQUEST" && method !== "CANCEL") {
    throw new InvalidEmailError("An e-mail carries only REQUEST or CANCEL calendars");
  }
  return { method, ics };
}

/**
 * An e-mail's HTML part from its plain text: one <p> per non-empty line, every character that
 * means something in HTML escaped. Web addresses that start with `linkPrefix` (Broen's own
 * public address, when given) become links; others stay text, so an address typed into a
 * title or a place never becomes a link in a message from the municipality. A trailing
 * full stop, comma, bracket or quote is not part of a link. The one way Broen's e-mails get
 * their HTML.
 */
export function textAsHtml(text: string, linkPrefix?: string): string {
  return text
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : `<p>${linked(line, linkPrefix)}</p>`))
    .join("\n");
}

function linked(line: string, prefix: string | undefined): string {
  if (!prefix) return escapeHtml(line);
  let html = "";
  let at = 0;
  for (const found of line.matchAll(/https?:\/\/\S+/g)) {
    const url = found[0].replace(/[.,;:!?)»”"']+$/, "");
    if (!url.startsWith(prefix)) continue;
    html += `${escapeHtml(line.slice(at, found.index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    at = found.index + url.length;
  }
  return html + escapeHtml(line.slice(at));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Puts an e-mail in the outbox inside the caller's transaction and returns its id.
 * Throws InvalidEmailError for a line break in the subject or name, or anything but one address.
 */
export async function enqueueEmail(tx: Database, message: OutgoingEmail): Promise<number> {
  validate(message);
  const [row] = await tx
    .insert(outbox)
    .values({
      municipalityId: message.municipalityId,
      toAddress: message.to.address,
      toName: message.to.name?.trim() || null,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html,
      calendar: message.calendar?.ics ?? null,
      calendarMethod: message.calendar?.method ?? null,
      meetingId: message.meetingId ?? null,
      invitationId: message.invitationId ?? null,
    })
    .returning({ id: outbox.id });
  return row!.id;
}

/**
 * Puts `to` in place of `from` (an invitation's personal link) in every message of that
 * invitation that has not been sent: those waiting, and those a sender holds (it reads the
 * message again before sending and after; sender.server.ts). Called in the transaction that
 * replaces the link, so no message leaves the outbox with a link that no longer works. The
 * calendar part is unfolded first (a link may be folded across lines) and folded again as the
 * calendar library folds it. Returns how many messages were changed.
 */
export async function replaceLinkInUnsentMail(
  tx: Database,
  invitationId: string,
  from: string,
  to: string,
): Promise<number> {
  if (from === to) return 0;
  const unsent = await tx
    .select({
      id: outbox.id,
      textBody: outbox.textBody,
      htmlBody: outbox.htmlBody,
      calendar: outbox.calendar,
    })
    .from(outbox)
    .where(
      and(eq(outbox.invitationId, invitationId), inArray(outbox.status, ["pending", "sending"])),
    )
    .orderBy(outbox.id)
    .for("update");
  let changed = 0;
  for (const message of unsent) {
    const next = {
      textBody: message.textBody.replaceAll(from, to),
      htmlBody: message.htmlBody.replaceAll(from, to),
      calendar: message.calendar === null ? null : relinkCalendar(message.calendar, from, to),
    };
    if (
      next.textBody === message.textBody &&
      next.htmlBody === message.htmlBody &&
      next.calendar === message.calendar
    ) {
      continue;
    }
    await tx.update(outbox).set(next).where(eq(outbox.id, message.id));
    changed++;
  }
  return changed;
}

/** RFC 5545 §3.1: a line break followed by one space or tab continues the line before. */
function relinkCalendar(ics: string, from: string, to: string): string {
  const unfolded = ics.replace(/\r\n[ \t]/g, "");
  return unfolded.includes(from) ? foldLines(unfolded.replaceAll(from, to)) : ics;
}

export interface OutboxFilter {
  municipalityId: string;
  status?: OutboxStatus;
  limit: number;
}

/** The admin list: newest first, without bodies. */
export async function listOutbox(filter: OutboxFilter) {
  const { db } = getDatabase();
  const conditions = [eq(outbox.municipalityId, filter.municipalityId)];
  if (filter.status) conditions.push(eq(outbox.status, filter.status));
  return db
    .select({
      id: outbox.id,
      createdAt: outbox.createdAt,
      toAddress: outbox.toAddress,
      toName: outbox.toName,
      subject: outbox.subject,
      calendarMethod: outbox.calendarMethod,
      meetingId: outbox.meetingId,
      invitationId: outbox.invitationId,
      status: outbox.status,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(and(...conditions))
    .orderBy(desc(outbox.id))
    .limit(Math.min(Math.max(Math.trunc(filter.limit), 1), 1000));
}

/** One message with its bodies and calendar, or null when it is not in this municipality. */
export async function getOutboxMessage(id: number, municipalityId: string) {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const { db } = getDatabase();
  const [row] = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, id), eq(outbox.municipalityId, municipalityId)));
  return row ?? null;
}
