import crypto from "node:crypto";
import { env } from "../../env.server";

/*
 * Tickets: an invitation-link holder has no session, so the invitation page hands the browser a
 * short-lived signed ticket for the one document it may read. The ticket names the invitation,
 * the link version it was issued for, the document and an expiry. A new link makes every
 * ticket of the old one useless; the permission itself is checked again at every connection.
 */

export const TICKET_LIFETIME_MS = 5 * 60 * 1000;

export interface TicketHolder {
  invitationId: string;
  linkVersion: number;
}

function ticketKey(): Buffer {
  return crypto
    .createHmac("sha256", env().SESSION_SECRET ?? "")
    .update("realtime-ticket")
    .digest();
}

function sign(payload: string): string {
  return crypto.createHmac("sha256", ticketKey()).update(payload).digest("base64url");
}

/** A ticket for `documentName`, valid for TICKET_LIFETIME_MS from `now` (ms since epoch). */
export function issueTicket(
  holder: TicketHolder,
  documentName: string,
  now: number = Date.now(),
): string {
  const payload = Buffer.from(
    JSON.stringify({
      i: holder.invitationId,
      v: holder.linkVersion,
      d: documentName,
      e: now + TICKET_LIFETIME_MS,
    }),
  ).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

export type TicketCheck =
  ({ ok: true } & TicketHolder) | { ok: false; reason: "invalid" | "expired" };

/** Checks the signature (constant time), the document and the expiry. Never throws. */
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
  let body: { i?: unknown; v?: unknown; d?: unknown; e?: unknown };
  try {
    body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (
    typeof body.i !== "string" ||
    !Number.isSafeInteger(body.v) ||
    body.d !== documentName ||
    typeof body.e !== "number"
  ) {
    return { ok: false, reason: "invalid" };
  }
  if (body.e < now) return { ok: false, reason: "expired" };
  return { ok: true, invitationId: body.i, linkVersion: body.v as number };
}
