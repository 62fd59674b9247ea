import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../db/client";
import type { ConsentContent } from "../../db/enums";
import { invitations, meetings, networkMembers, networks, persons } from "../../db/schema";
import { env } from "../env.server";
import { networkAccess } from "./access.server";
import { contentsInForce } from "./consent.server";
import type { SessionUser } from "./session.server";

/*
 * The live documents and who may do what with them: the one place for these rules, used by
 * the realtime server at the upgrade and again whenever access may have changed.
 * - agenda:<meetingId> — those who manage the meeting's network edit; an invited partner, or
 *   the holder of an invitation link, reads it while the member's consent for "agenda" is in
 *   force.
 * - plan:<networkId> — those who manage the network edit; a partner who is a member reads it
 *   while their consent for "plan" is in force.
 * Everyone else: none. Admins get nothing by role alone. See docs/realtime.md.
 */
export const documentKinds = ["agenda", "plan"] as const;
export type DocumentKind = (typeof documentKinds)[number];
export type DocumentPermission = "edit" | "read" | "none";

export interface DocumentName {
  kind: DocumentKind;
  id: string;
  /** `${kind}:${id}`, the room name clients use and the key in the update log. */
  name: string;
}

const NAME = /^(agenda|plan):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** A well-formed document name, or null. Whether the object exists is checked separately. */
export function parseDocumentName(value: string): DocumentName | null {
  const match = NAME.exec(value.toLowerCase());
  if (!match) return null;
  const kind = match[1] as DocumentKind;
  const id = match[2]!;
  return { kind, id, name: `${kind}:${id}` };
}

const CONTENT_OF: Record<DocumentKind, ConsentContent> = { agenda: "agenda", plan: "plan" };

/** Who is asking: a logged-in user, or the holder of an invitation link (through a ticket). */
export type DocumentAsker =
  { kind: "user"; user: SessionUser } | { kind: "invitation"; invitationId: string };

export interface DocumentGrant {
  permission: DocumentPermission;
  /** The person the document is about (for the audit log and for targeted revocation). */
  personId: string | null;
  municipalityId: string | null;
}

const NONE: DocumentGrant = { permission: "none", personId: null, municipalityId: null };

const OWNER = {
  networkId: networks.id,
  personId: networks.personId,
  municipalityId: persons.municipalityId,
};

/** The network a document belongs to, or null when the object does not exist. */
async function networkOf(doc: DocumentName, db: Database) {
  if (doc.kind === "plan") {
    const [row] = await db
      .select(OWNER)
      .from(networks)
      .innerJoin(persons, eq(persons.id, networks.personId))
      .where(eq(networks.id, doc.id));
    return row ?? null;
  }
  const [row] = await db
    .select(OWNER)
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(meetings.id, doc.id));
  return row ?? null;
}

export async function documentPermission(
  asker: DocumentAsker,
  doc: DocumentName,
): Promise<DocumentGrant> {
  const { db } = getDatabase();
  const owner = await networkOf(doc, db);
  if (!owner) return NONE;
  const content = CONTENT_OF[doc.kind];
  const granted = (permission: DocumentPermission): DocumentGrant => ({
    permission,
    personId: owner.personId,
    municipalityId: owner.municipalityId,
  });

  if (asker.kind === "invitation") {
    if (doc.kind !== "agenda") return NONE;
    const [invitation] = await db
      .select({ memberId: invitations.memberId })
      .from(invitations)
      .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
      .where(
        and(
          eq(invitations.id, asker.invitationId),
          eq(invitations.meetingId, doc.id),
          isNull(invitations.revokedAt),
          isNull(networkMembers.removedAt),
          gt(invitations.expiresAt, new Date()),
        ),
      );
    if (!invitation) return NONE;
    const mayRead = (await contentsInForce(invitation.memberId, db)).has(content);
    return mayRead ? granted("read") : NONE;
  }

  const access = await networkAccess(asker.user, owner.networkId);
  if (access.level === "manage") return granted("edit");
  if (access.level !== "member") return NONE;

  // A partner: their current membership of this network, invited to the meeting for an agenda.
  const [member] = await db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.networkId, owner.networkId),
        eq(networkMembers.userId, asker.user.id),
        isNull(networkMembers.removedAt),
        doc.kind === "agenda"
          ? sql`exists (select 1 from ${invitations} where ${invitations.memberId} = ${networkMembers.id}
              and ${invitations.meetingId} = ${doc.id} and ${invitations.revokedAt} is null)`
          : undefined,
      ),
    );
  if (!member) return NONE;
  const mayRead = (await contentsInForce(member.id, db)).has(content);
  return mayRead ? granted("read") : NONE;
}

// ---------------------------------------------------------------------------------------------
// Tickets: an invitation-link holder has no session, so the invitation page hands the browser a
// short-lived signed ticket for the one document it may read. The ticket names the invitation,
// the document and an expiry; the permission is checked again at every connection.

export const TICKET_LIFETIME_MS = 5 * 60 * 1000;

function ticketKey(): Buffer {
  return crypto
    .createHmac("sha256", env().SESSION_SECRET ?? "")
    .update("realtime-ticket")
    .digest();
}

function sign(payload: string): string {
  return crypto.createHmac("sha256", ticketKey()).update(payload).digest("base64url");
}

export function issueTicket(
  invitationId: string,
  documentName: string,
  now: number = Date.now(),
): string {
  const payload = Buffer.from(
    JSON.stringify({ i: invitationId, d: documentName, e: now + TICKET_LIFETIME_MS }),
  ).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

export type TicketCheck =
  { ok: true; invitationId: string } | { ok: false; reason: "invalid" | "expired" };

export function verifyTicket(ticket: string, documentName: string, now = Date.now()): TicketCheck {
  const [payload, signature, extra] = ticket.split(".");
  if (!payload || !signature || extra !== undefined || payload.length > 500) {
    return { ok: false, reason: "invalid" };
  }
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    return { ok: false, reason: "invalid" };
  }
  let body: { i?: unknown; d?: unknown; e?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (typeof body.i !== "string" || body.d !== documentName || typeof body.e !== "number") {
    return { ok: false, reason: "invalid" };
  }
  if (body.e < now) return { ok: false, reason: "expired" };
  return { ok: true, invitationId: body.i };
}
