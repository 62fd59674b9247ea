import type { IncomingMessage } from "node:http";
import type * as Y from "yjs";

/*
 * What the engine asks of the application, given once at boot (like Hocuspocus's extension
 * hooks). The engine knows sockets, Yjs, the update log and fan-out; who may open which
 * document, and what happens around it, is the application's (app/features/documents).
 */

export type Permission = "edit" | "read";

/** Who holds a connection, as the application describes them. The engine reads only `key`. */
export interface Identity {
  /**
   * Connections with the same key on the same document share one recheck answer, and are the
   * same owner of a presence (awareness client id): a newer socket with the same key takes over
   * a client id an older one announced (a browser reconnecting), any other key is refused. So
   * the key must name whoever may speak for a browser tab: one login session, or one invitation
   * link (its version included), never a whole user.
   */
  key: string;
}

export type RefusalStatus = 400 | 401 | 403 | 404 | 429 | 503;

export type Authorisation<I extends Identity> =
  | {
      ok: true;
      permission: Permission;
      identity: I;
      /** The document's canonical name (e.g. lower case), if it differs from the one asked for. */
      documentName?: string;
    }
  | { ok: false; status: RefusalStatus; reason: string };

/** A permission now, or why an open connection ends (close codes 4401 and 4403). */
export type RecheckAnswer = Permission | "sessionEnded" | "accessWithdrawn";

export interface OpenConnection<I extends Identity> {
  documentName: string;
  identity: I;
  permission: Permission;
  ip: string;
}

export interface RealtimeHooks<I extends Identity = Identity> {
  /**
   * Before the handshake, for the raw document name from the URL: grant a permission with the
   * asker's identity, or refuse with an HTTP status (the socket is then destroyed).
   */
  authorise(request: IncomingMessage, documentName: string): Promise<Authorisation<I>>;
  /** For an open connection whose access may have changed. */
  recheck(identity: I, documentName: string): Promise<RecheckAnswer>;
  /**
   * Subscribes to "access may have changed" announcements. The listener gets a test that says
   * which connections are concerned; those are rechecked at once. Resolves to a stop function.
   */
  watchAccess?(
    listener: (concerns: (identity: I) => boolean) => void,
  ): Promise<() => Promise<void>>;
  /**
   * Before an edit of a connection with permission "edit" is applied: null to apply it, or why
   * it may not be (the connection is then closed with 4422 and nothing of the update is kept).
   * For documents whose parts belong to different writers (an agenda: ADR 014). Must not
   * change `doc`. A hook that throws refuses.
   */
  acceptUpdate?(connection: OpenConnection<I>, doc: Y.Doc, update: Uint8Array): string | null;
  /** A connection was accepted (after the handshake). */
  opened?(connection: OpenConnection<I>): void;
  /** A connection ended, for whatever reason. */
  closed?(connection: OpenConnection<I>): void;
  /** A document finished loading from the update log in this process. */
  loaded?(documentName: string, doc: Y.Doc): void;
  /** Updates of a document were stored in the update log by this process. */
  stored?(documentName: string): void;
  /**
   * The loaded document changed (a client's edit, a server change, another process's update),
   * after the change was applied. Called for every change: debounce in the hook. Read `doc`
   * only synchronously or while it is still loaded (`unloading` comes before it is destroyed).
   */
  changed?(documentName: string, doc: Y.Doc): void;
  /** The document is about to be destroyed (unloaded, or the server closes): a last read. */
  unloading?(documentName: string, doc: Y.Doc): void;
}
