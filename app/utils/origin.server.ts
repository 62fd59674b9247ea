import type { Env } from "../env.server";

/** Broen's own origin: PUBLIC_URL, or the Host the request was sent to when that is not set.
 * The rule for state-changing requests (server/security.ts) and WebSocket upgrades
 * (app/features/documents/realtime-hooks.server.ts). */
export function isOwnOrigin(env: Env, origin: string, host: string | undefined): boolean {
  try {
    return env.PUBLIC_URL
      ? origin === new URL(env.PUBLIC_URL).origin
      : new URL(origin).host === host;
  } catch {
    return false;
  }
}
