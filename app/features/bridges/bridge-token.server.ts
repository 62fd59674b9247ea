import crypto from "node:crypto";
import { env } from "../../env.server";
import { publicBaseUrl } from "../meetings/invitation-links.server";

/* The organisation's link to a bridge: derived, never stored (bridge-link.server.ts, ADR 025). */

/** The link token of a bridge's link version. */
export function bridgeLinkToken(bridgeId: string, linkVersion: number): string {
  return crypto
    .createHmac("sha256", env().SESSION_SECRET ?? "")
    .update(`bridge:${bridgeId}:${linkVersion}`)
    .digest("base64url");
}

/** The full address of a bridge's link version. */
export function bridgeLinkUrl(bridgeId: string, linkVersion: number): string {
  return new URL(`/b/${bridgeLinkToken(bridgeId, linkVersion)}`, publicBaseUrl()).href;
}
