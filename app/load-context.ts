import "@remix-run/node";
import type { SessionUser } from "./features/accounts/session.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce: string;
    clientIp: string;
    /** Set by getSessionUser(): one session lookup shared by the loaders of a GET request. */
    sessionUser?: Promise<SessionUser | null>;
    /** Set by the server (server/request-url.ts) for a request whose URL it could not read. */
    malformedUrl?: boolean;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
