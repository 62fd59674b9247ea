import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { auditLog, users } from "../../../db/schema";
import { osloDayEnd, osloDayStart } from "../../utils/oslo-time";
import type { AuditFilterValues } from "./audit-filter.server";

export type AuditAction =
  | "auth.login"
  | "auth.login_failed"
  | "auth.logout"
  | "auth.logout_all"
  | "user.create"
  | "user.roles_change"
  | "user.deactivate"
  | "user.reactivate"
  | "user.activation_link_issue"
  | "user.activate"
  | "audit.view"
  | "audit.export"
  | "person.create"
  | "person.view"
  | "person.update"
  | "network.create"
  | "network.view"
  | "network.update"
  | "member.add"
  | "member.update"
  | "member.remove"
  | "consent.record"
  | "consent.withdraw"
  | "meeting.create"
  | "meeting.view"
  | "meeting.update"
  | "meeting.cancel"
  | "invitation.create"
  | "invitation.link_view"
  | "invitation.revoke"
  | "invitation.open"
  | "invitation.respond"
  | "invitation.calendar"
  | "feed.create"
  | "feed.revoke"
  | "feed.fetch"
  | "document.open"
  | "document.snapshot"
  | "attendance.set"
  | "agenda.carry"
  | "minutes.close"
  | "minutes.review"
  | "minutes.lock"
  | "minutes.correction_open"
  | "minutes.view"
  | "minutes.download"
  | "plan.view"
  | "plan.print"
  | "plan.download"
  | "plan.snapshot"
  | "plan.history_view"
  | "plan.revision_set"
  | "progress.record"
  | "progress.view"
  | "reminder.send"
  | "reminder.settings"
  | "tasks.view"
  | "task.status"
  | "organisation.create"
  | "organisation.update"
  | "offering.create"
  | "offering.update"
  | "offering.verify"
  | "offering.status"
  | "offering.import"
  | "offering.export"
  | "offering.calendar"
  | "offering.feed_renew"
  | "bridge.create"
  | "bridge.view"
  | "bridge.step"
  | "bridge.consent"
  | "bridge.consent_withdraw"
  | "bridge.link"
  | "bridge.link_open"
  | "bridge.link_sent"
  | "bridge.confirm"
  | "bridge.person_view";

export interface AuditActor {
  userId?: string | null;
  /** For events without an account: "anonymous", "system", later "invitation:<id>". */
  label?: string;
  municipalityId?: string | null;
  ip?: string | null;
}

/** The actor for an event done by a logged-in user in a request. */
export function auditActor(
  user: { id: string; municipalityId: string },
  context: { clientIp: string },
): AuditActor & { userId: string; municipalityId: string } {
  return { userId: user.id, municipalityId: user.municipalityId, ip: context.clientIp };
}

export interface AuditEvent {
  action: AuditAction;
  subjectType?: string;
  subjectId?: string;
  /** The person (hovedperson) the event concerns; every read or change of their data sets it. */
  personId?: string;
  details?: Record<string, unknown>;
}

/**
 * Writes a change's entry to the audit log, inside the change's own transaction `tx`, so a
 * change and its entry land together or not at all. There is no default: a change must pass
 * its transaction (events that change nothing use recordAuditNow).
 */
export async function recordAudit(
  actor: AuditActor,
  event: AuditEvent,
  tx: Database,
): Promise<void> {
  await tx.insert(auditLog).values({
    actorUserId: actor.userId ?? null,
    actorLabel: actor.userId ? "user" : (actor.label ?? "anonymous"),
    municipalityId: actor.municipalityId ?? null,
    ip: actor.ip ?? null,
    action: event.action,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    personId: event.personId ?? null,
    details: event.details ?? {},
  });
}

/**
 * Writes the entry of an event that changes nothing else — a read of a person's data (Normen:
 * access is logged), a refused login — at once, on the process's database handle.
 */
export function recordAuditNow(actor: AuditActor, event: AuditEvent): Promise<void> {
  return recordAudit(actor, event, getDatabase().db);
}

/**
 * Writes the entries of several events that change nothing else (a page that reads several
 * persons' data: one entry per person) at once, in one statement. Nothing for an empty list.
 * The events go to PostgreSQL as one JSON parameter (jsonb_to_recordset), in their order: a
 * page of My tasks logs up to 50 persons, and a multi-row VALUES list built by drizzle (nine
 * parameters a row) cost that page more of the server's CPU than its SQL (issue 12's bench).
 */
export async function recordAuditManyNow(actor: AuditActor, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = JSON.stringify(
    events.map((event) => ({
      action: event.action,
      subject_type: event.subjectType ?? null,
      subject_id: event.subjectId ?? null,
      person_id: event.personId ?? null,
      details: event.details ?? {},
    })),
  );
  await getDatabase().db.execute(sql`insert into ${auditLog}
      (actor_user_id, actor_label, municipality_id, ip,
       action, subject_type, subject_id, person_id, details)
    select ${actor.userId ?? null}::uuid, ${actor.userId ? "user" : (actor.label ?? "anonymous")},
      ${actor.municipalityId ?? null}::uuid, ${actor.ip ?? null}::text,
      e.action, e.subject_type, e.subject_id, e.person_id, e.details
    from rows from (jsonb_to_recordset(${rows}::jsonb)
      as (action text, subject_type text, subject_id text, person_id uuid, details jsonb))
      with ordinality as e(action, subject_type, subject_id, person_id, details, n)
    order by e.n`);
}

export interface AuditFilter {
  municipalityId: string;
  actorUserId?: string | null;
  personId?: string | null;
  /** Inclusive dates (yyyy-mm-dd) in Europe/Oslo. */
  from?: string | null;
  to?: string | null;
}

export async function queryAudit(filter: AuditFilter, limit: number) {
  const { db } = getDatabase();
  const conditions = [eq(auditLog.municipalityId, filter.municipalityId)];
  if (filter.actorUserId) conditions.push(eq(auditLog.actorUserId, filter.actorUserId));
  if (filter.personId) conditions.push(eq(auditLog.personId, filter.personId));
  if (filter.from) conditions.push(gte(auditLog.at, osloDayStart(filter.from)));
  if (filter.to) conditions.push(lt(auditLog.at, osloDayEnd(filter.to)));
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorUserId: auditLog.actorUserId,
      actorName: users.name,
      actorLabel: auditLog.actorLabel,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      personId: auditLog.personId,
      ip: auditLog.ip,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

/**
 * Reads the log for an admin with a parsed filter and records that it was read: the page
 * ("audit.view") and the CSV export ("audit.export") share this.
 */
export async function readAuditLog(
  admin: { id: string; municipalityId: string },
  context: { clientIp: string },
  filter: AuditFilterValues,
  options: { limit: number; action: "audit.view" | "audit.export" },
) {
  const { actor, person, from, to } = filter;
  const rows = await queryAudit(
    { municipalityId: admin.municipalityId, actorUserId: actor, personId: person, from, to },
    options.limit,
  );
  await recordAuditNow(auditActor(admin, context), {
    action: options.action,
    personId: person ?? undefined,
    details: { filter, rows: rows.length },
  });
  return rows;
}

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with '. */
export function toCsv(rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (value: string | number | null) => {
    let text = value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return rows.map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
