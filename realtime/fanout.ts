import crypto from "node:crypto";
import { sql } from "drizzle-orm";
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
 * are announced once per write for all its documents (`l`: document, first row id, and `s`, the
 * document's updates of that write as comma-separated base64, or null when they are too large
 * to travel), not once per document: fewer notifications for every process to receive. (Before,
 * `u` carried one merged update; merging cost the writer more than the receivers save, and a
 * process that only knows `u` reads `s`-announced rows back from the log by `f`.)
 */
interface StoredAnnouncement {
  d: string;
  f: number;
  s?: string | null;
  u?: string | null;
}
type Message = { k: "u"; l: StoredAnnouncement[] } | { k: "a"; d: string; a: string };

export class Fanout implements CrossProcess, Announcer {
  readonly processId = crypto.randomUUID();
  readonly channel = DOCUMENTS_CHANNEL;
  readonly prefix = `${this.processId} `;
  readonly maxInline = MAX_INLINE_BASE64;
  private unlisten: (() => Promise<void>) | null = null;
  private listenedBefore = false;
  /** Presence announcements gathered for the next statement (payloads, in order). */
  private presence: string[] = [];
  private presenceTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly registry: () => DocumentRegistry,
    private readonly log: () => UpdateLog,
    /** How long presence announcements gather before one statement sends them all. */
    private readonly gatherMs = 10,
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
    this.stopped = true;
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    this.presence = []; // presence is not stored: clients announce it again when they reconnect
    await this.unlisten?.();
    this.unlisten = null;
  }

  /**
   * Presence changes gather for the gather time and go out in one statement, one notification
   * each (the same payload as ever): 200 clients leaving at once are a handful of statements,
   * not 200 round trips in one burst.
   */
  publishAwareness(documentName: string, update: Uint8Array): void {
    if (this.stopped) return; // shutting down: the clients announce themselves elsewhere
    const encoded = Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString(
      "base64",
    );
    if (encoded.length > MAX_INLINE_BASE64) return; // one client's state is capped far below
    const message: Message = { k: "a", d: documentName, a: encoded };
    this.presence.push(this.prefix + JSON.stringify(message));
    this.presenceTimer ??= setTimeout(() => this.sendPresence(), this.gatherMs);
  }

  private sendPresence(): void {
    this.presenceTimer = null;
    const payloads = this.presence;
    this.presence = [];
    if (payloads.length === 0) return;
    this.database.db
      .execute(
        sql`select count(pg_notify(${DOCUMENTS_CHANNEL}, payload))
          from unnest(${sql.param(payloads)}::text[]) as p(payload)`,
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
    document.foreignRowsStored();
    // Loading may have read the log before this commit: apply once loading is done.
    void document.ready
      .then(async () => {
        if (stored.s) {
          document.applyRemote(stored.s.split(",").map((u) => Buffer.from(u, "base64")));
        } else if (stored.u) {
          document.applyRemote([Buffer.from(stored.u, "base64")]);
        } else {
          document.applyRemote(await this.log().since(stored.d, stored.f));
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
        document.foreignRowsStored();
        document.applyRemote(await this.log().since(document.name, 0));
      } catch (error) {
        logger().warn(
          { err: safeError(error), document: document.name },
          "realtime: catch-up failed",
        );
      }
    }
  }
}
