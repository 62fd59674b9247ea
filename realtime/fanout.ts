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
 *
 * A process that is alone announces nothing: under load the announcements were about a quarter of
 * PostgreSQL's work and came back to this process's own listening connection (ADR 029). So the
 * processes on a channel keep track of each other (the peer protocol, below) and announce while
 * they know of another, and while they have just started or reconnected and may not know yet.
 * What a process stored unannounced is in the log: whoever hears of a process it did not know,
 * or a hello, reads its loaded documents back from the log (catch-up), and a process that was
 * silent sends its hello only after its last unannounced write has committed, so that catch-up
 * finds it.
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
/**
 * The peer protocol: `h` hello (I start, reconnected, or was silent: read what I stored, and say
 * you are here), `p` present (the answer to a hello, and every heartbeat), `b` bye (I stop).
 */
type PeerMessage = { k: "h" } | { k: "p" } | { k: "b" };
type Message = { k: "u"; l: StoredAnnouncement[] } | { k: "a"; d: string; a: string } | PeerMessage;

/** The peer protocol's clock and timings (tests shorten them). */
export interface PeerTimings {
  /** How long a process announces after its hello before it concludes it is alone (ms). */
  helloMs: number;
  /** How often a process says it is present (ms); a peer not heard for three is gone. */
  heartbeatMs: number;
}

const PEER_TIMINGS: PeerTimings = { helloMs: 5_000, heartbeatMs: 10_000 };
const HEARTBEAT = JSON.stringify({ k: "p" });

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
  /** The other processes on the channel, by process id: when each was last heard (ms). */
  private readonly peers = new Map<string, number>();
  /** Until then this process announces even if it knows of no other (its hello phase, ms). */
  private helloUntil = -Infinity;
  private heartbeat: NodeJS.Timeout | null = null;
  /** A hello that could not be sent: the next heartbeat sends it instead of `p`. */
  private helloOwed = false;
  /**
   * When this process last heard its own heartbeat come back (ms). If they stop coming back,
   * its listening connection may be dead without anyone noticing yet: then it cannot know
   * whether it is alone, and announces.
   */
  private ownHeardAt = -Infinity;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly registry: () => DocumentRegistry,
    private readonly log: () => UpdateLog,
    /** How long presence announcements gather before one statement sends them all. */
    private readonly gatherMs = 10,
    private readonly timings: PeerTimings = PEER_TIMINGS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Whether this process's writes and presence changes are announced now: while it knows of
   * another process on the channel, or in its hello phase. Read by the update log per write.
   */
  get announcing(): boolean {
    const now = this.now();
    return (
      this.peers.size > 0 ||
      now < this.helloUntil ||
      now - this.ownHeardAt > 2 * this.timings.heartbeatMs
    );
  }

  /** Other processes this one knows of (for the metrics route). */
  get peerCount(): number {
    return this.peers.size;
  }

  async start(): Promise<void> {
    this.helloUntil = this.now() + this.timings.helloMs;
    this.ownHeardAt = this.now();
    this.unlisten = await this.database.listen(
      DOCUMENTS_CHANNEL,
      (payload) => this.receive(payload),
      () => {
        // After a lost connection to the database: catch up on everything stored meanwhile,
        // and say hello again (others may have dropped this process, or come meanwhile).
        if (this.listenedBefore) void this.catchUp();
        this.listenedBefore = true;
        void this.helloAfterSettling();
      },
    );
    this.heartbeat = setInterval(() => this.beat(), this.timings.heartbeatMs);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    this.presenceTimer = null;
    this.presence = []; // presence is not stored: clients announce it again when they reconnect
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    // Whatever the log still writes after this is announced: the others may not have heard
    // the bye yet, and those who did read the log when they hear from this process again.
    this.helloUntil = Infinity;
    await this.log().flush(); // what was stored in silence is committed before the bye
    await this.send({ k: "b" });
    await this.unlisten?.();
    this.unlisten = null;
  }

  /**
   * Starts announcing, waits until everything this process stored before is committed (some of
   * it perhaps unannounced), then says hello: whoever hears it reads the log, so nothing stored
   * in silence is missed.
   */
  private async helloAfterSettling(): Promise<void> {
    this.helloOwed = true;
    this.helloUntil = this.now() + this.timings.helloMs;
    await this.log().flush();
    this.helloUntil = this.now() + this.timings.helloMs; // the phase counts from the hello
    if (await this.send({ k: "h" })) this.helloOwed = false;
  }

  /**
   * Every heartbeat: forget peers not heard for three heartbeats (checked once a heartbeat, so
   * a silent peer is forgotten after three to four), and say this process is here — with a
   * hello if the last one could not be sent.
   */
  private beat(): void {
    const oldest = this.now() - 3 * this.timings.heartbeatMs;
    for (const [peer, heard] of this.peers) if (heard < oldest) this.peers.delete(peer);
    if (this.helloOwed) void this.helloAfterSettling();
    else void this.send({ k: "p" });
  }

  /** Sends one peer message; false if it could not be sent (logged). */
  private async send(message: PeerMessage): Promise<boolean> {
    if (this.stopped && message.k !== "b") return false; // e.g. a hello still settling
    try {
      await this.database.db.execute(
        sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${this.prefix + JSON.stringify(message)})`,
      );
      return true;
    } catch (error) {
      // A lost heartbeat is repaired by the next one; a lost hello is owed (see beat).
      logger().warn({ err: safeError(error) }, "realtime: telling other processes failed");
      return false;
    }
  }

  private heard(from: string, message: PeerMessage): void {
    if (this.stopped) return;
    if (message.k === "b") {
      this.peers.delete(from);
      // Its last writes may have been made in silence (committed before its bye).
      void this.catchUp();
      return;
    }
    const known = this.peers.has(from);
    const wasAnnouncing = this.announcing;
    this.peers.set(from, this.now());
    if (message.k === "p" && known) return; // a heartbeat
    // A hello, or a process not known until now: what it stored unannounced is in the log.
    void this.catchUp();
    // This process may have stored unannounced: once that is committed, a hello makes the
    // others read it. Otherwise a hello is answered: the newcomer then knows of this process.
    if (!wasAnnouncing) void this.helloAfterSettling();
    else if (message.k === "h") void this.send({ k: "p" });
  }

  /**
   * Presence changes gather for the gather time and go out in one statement, one notification
   * each (the same payload as ever): 200 clients leaving at once are a handful of statements,
   * not 200 round trips in one burst.
   */
  publishAwareness(documentName: string, update: Uint8Array): void {
    if (this.stopped) return; // shutting down: the clients announce themselves elsewhere
    // Alone: nobody to tell. A process that comes later gets every client's presence within
    // y-protocols' renewal (each client sends its state again every 15 s).
    if (!this.announcing) return;
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
    if (payload.startsWith(this.prefix)) {
      // Our own: skipped, but our heartbeat coming back shows that we still hear the channel.
      if (payload === this.prefix + HEARTBEAT) this.ownHeardAt = this.now();
      return;
    }
    const space = payload.indexOf(" ");
    let message: Message;
    try {
      message = JSON.parse(payload.slice(space + 1)) as Message;
    } catch {
      return;
    }
    // Anything else is ignored: this runs in the driver's data handler, so a malformed payload
    // must not throw (that would drop the shared listening connection).
    if (typeof message !== "object" || message === null) return;
    if (message.k === "h" || message.k === "p" || message.k === "b") {
      if (space > 0) this.heard(payload.slice(0, space), message);
      return;
    }
    if (message.k === "a") {
      if (typeof message.d !== "string" || typeof message.a !== "string") return;
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
    if (message.k !== "u" || !Array.isArray(message.l)) return; // a kind of a later version
    for (const stored of message.l) {
      if (typeof stored === "object" && stored !== null && typeof stored.d === "string") {
        this.applyStored(stored);
      }
    }
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

  /** Reads every loaded document's log again (each on its own: one slow load holds up none). */
  private async catchUp(): Promise<void> {
    await Promise.all(
      this.registry()
        .all()
        .map(async (document) => {
          try {
            await document.ready; // one still loading may have read the log before the change
          } catch {
            return; // it failed to load: its connections were refused, nothing to catch up
          }
          try {
            document.foreignRowsStored();
            document.applyRemote(await this.log().since(document.name, 0));
          } catch (error) {
            logger().warn(
              { err: safeError(error), document: document.name },
              "realtime: catch-up failed",
            );
          }
        }),
    );
  }
}
