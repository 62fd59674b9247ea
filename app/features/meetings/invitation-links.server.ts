import crypto from "node:crypto";
import { env } from "../../env.server";
import { hashToken } from "../../utils/tokens.server";

/*
 * An invitation link's token is derived, not stored: HMAC(SESSION_SECRET, id + link version).
 * The database keeps only its SHA-256 (a leak of the database gives no working links), yet the
 * server can put the same personal link in every update and cancellation it sends. Raising the
 * link version replaces the link. See docs/decisions/005-invitation-links.md.
 */
export function invitationToken(invitationId: string, linkVersion: number): string {
  return crypto
    .createHmac("sha256", env().SESSION_SECRET ?? "")
    .update(`invitation:${invitationId}:${linkVersion}`)
    .digest("base64url");
}

export function invitationTokenHash(invitationId: string, linkVersion: number): string {
  return hashToken(invitationToken(invitationId, linkVersion));
}

/** The address people reach Broen at, for links in e-mails and calendar files. */
export function publicBaseUrl(): string {
  return env().PUBLIC_URL ?? `http://localhost:${env().PORT}`;
}

export function invitationUrl(invitationId: string, linkVersion: number): string {
  return new URL(`/i/${invitationToken(invitationId, linkVersion)}`, publicBaseUrl()).href;
}

/** A link works until INVITATION_LINK_DAYS_AFTER_MEETING days after the meeting ends. */
export function linkExpiry(startsAt: Date, durationMinutes: number): Date {
  return new Date(
    startsAt.getTime() +
      (durationMinutes + env().INVITATION_LINK_DAYS_AFTER_MEETING * 24 * 60) * 60_000,
  );
}
