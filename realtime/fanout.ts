import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import * as Y from "yjs";
import { logger, safeError } from "./log";
import type { DatabaseHandle } from "../db/client";
import type { CrossProcess, DocumentRegistry } from "./documents";
import type { Announcer, UpdateLog } from "./update-log";

/*
 * Several server processes on one PostgreSQL: each process announces what it stored with
 * NOTIFY on one channel, in the very statement that stored it (so it arrives on commit), and
 * the others apply it to the documents they have loaded. Small updates travel inline; larger
 * ones are read back from the update log. Awareness (who is here, cursors) travels inline and
 * is never stored. On the embedded database there is one process and none of this runs.
 */
export const DOCUMENTS_CHANNEL = "broen_documents";
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_INLINE_BASE64 = 6000;

/**
 * Payload: `<process id> <json>`; a process skips its own without parsing them. Stored updates
 * are announced once per write for all its documents (`l`: document, first row id, inline
 * update or null), not once per document: fewer notifications for every process to receive.
 */
interface StoredAnnouncement {
  d: string;
  f: number;
  u: string | null;
}
type Message = { k: "u"; l: StoredAnnouncement[] } | { k: "a"; d: string; a: string };

export class Fanout implements CrossProcess, Announcer {
  readonly processId = crypto.randomUUID();
  readonly channel = DOCUMENTS_CHANNEL;
  readonly prefix = `${this.processId} `;
  private unlisten: (() => Promise<void>) | null = null;
  private listenedBefore = false;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly registry: () => DocumentRegistry,
    private readonly log: () => UpdateLog,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      DOCUMENTS_CHANNEL,
      (payload) => this.receive(payload),
      () => {
        // After a lost connection to the database: catch up on everything stored meanwhile.
        if (this.listenedBefore) void this.catchUp();
        this.listenedBefore = true;
      },
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  /** The merged update of one document's batch, if it fits in a NOTIFY payload. */
  inline(updates: Uint8Array[]): string {
    const encoded = Buffer.from(
      updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates),
    ).toString("base64");
    return encoded.length <= MAX_INLINE_BASE64 ? encoded : "";
  }

  publishAwareness(documentName: string, update: Uint8Array): void {
    const encoded = Buffer.from(update).toString("base64");
    if (encoded.length > MAX_INLINE_BASE64) return; // one client's state is capped far below
    const message: Message = { k: "a", d: documentName, a: encoded };
    this.database.db
      .execute(
        sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${this.prefix + JSON.stringify(message)})`,
      )
      .catch((error: unknown) =>
        logger().warn({ err: safeError(error) }, "realtime: sharing awareness failed"),
      );
  }

  private receive(payload: string): void {
    if (payload.startsWith(this.prefix)) return; // our own
    let message: Message;
    try {
      message = JSON.parse(payload.slice(payload.indexOf(" ") + 1)) as Message;
    } catch {
      return;
    }
    if (message.k === "a") {
      const document = this.registry().get(message.d);
      // Loading may have read the log before this commit: apply once loading is done.
      void document?.ready
        .then(() => document.applyRemoteAwareness(Buffer.from(message.a, "base64")))
        .catch((error: unknown) =>
          logger().warn(
            { err: safeError(error), document: message.d },
            "realtime: applying another process's presence failed",
          ),
        );
      return;
    }
    for (const stored of message.l) this.applyStored(stored);
  }

  private applyStored(stored: StoredAnnouncement): void {
    const document = this.registry().get(stored.d);
    if (!document) return; // not loaded here: it is read from the log when someone opens it
    // Loading may have read the log before this commit: apply once loading is done.
    void document.ready
      .then(async () => {
        if (stored.u) {
          document.applyRemote(Buffer.from(stored.u, "base64"));
        } else {
          for (const update of await this.log().since(stored.d, stored.f)) {
            document.applyRemote(update);
          }
        }
      })
      .catch((error: unknown) =>
        logger().warn(
          { err: safeError(error), document: stored.d },
          "realtime: applying another process's update failed",
        ),
      );
  }

  private async catchUp(): Promise<void> {
    for (const document of this.registry().all()) {
      if (!document.isReady) continue;
      try {
        for (const update of await this.log().since(document.name, 0)) {
          document.applyRemote(update);
        }
      } catch (error) {
        logger().warn(
          { err: safeError(error), document: document.name },
          "realtime: catch-up failed",
        );
      }
    }
  }
}
