import "@remix-run/node";
import type { SessionUser } from "./features/accounts/session.server";

declare module "@remix-run/node" {
  interface AppLoadContext {
    cspNonce: string;
    clientIp: string;
    /** Set by getSessionUser(): one session lookup shared by the loaders of a GET request. */
    sessionUser?: Promise<SessionUser | null>;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
