import type { Socket } from "node:net";
import { WebSocket } from "ws";
import type { Identity, Permission } from "./hooks";
import { corkUntilTurnEnd } from "./turn";

/*
 * Close codes a client can show (docs/realtime.md). 1009 (frame too large) comes from ws itself
 * through maxPayload.
 */
export const CLOSE = {
  goingAway: { code: 1001, reason: "server shutting down" },
  malformed: { code: 1007, reason: "malformed message" },
  rateLimited: { code: 1008, reason: "too many messages" },
  awarenessTooLarge: { code: 1009, reason: "awareness state too large" },
  loadFailed: { code: 1011, reason: "document could not be loaded" },
  busy: { code: 1013, reason: "try again later" },
  sessionEnded: { code: 4401, reason: "session ended" },
  /** A frame over REALTIME_MAX_PAYLOAD: a 44xx code, so the client does not send it again. */
  changeTooLarge: { code: 4413, reason: "change too large" },
  /** An edit the acceptUpdate hook refused (a part the writer may not change). */
  changeRefused: { code: 4422, reason: "change not allowed" },
  accessWithdrawn: { code: 4403, reason: "access withdrawn" },
} as const;

export type CloseReason = (typeof CLOSE)[keyof typeof CLOSE];

/** Frames and bytes held for a connection while its document loads. */
const MAX_QUEUED_FRAMES = 64;
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** A reader this far behind is cut off rather than buffered without end. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * The TCP socket under a ws WebSocket (ws keeps it as `_socket`; it has no public cork), or
 * null when there is none to cork (then frames are written one by one, as ws does by itself).
 */
function rawSocket(socket: WebSocket): Socket | null {
  const tcp = (socket as unknown as { _socket?: Socket | null })._socket;
  return tcp && typeof tcp.cork === "function" && !tcp.destroyed ? tcp : null;
}

export type FrameHandler = (connection: Connection, frame: Uint8Array) => void;

let connectionsMade = 0;

/** One client's socket on one document: permission, rate limit, queued frames, awareness ids. */
export class Connection {
  /** Awareness client ids this connection owns; removed for everyone when it closes. */
  readonly awarenessIds = new Set<number>();
  /** Rises with every connection this process makes: a larger one is a newer socket. */
  readonly serial = ++connectionsMade;
  permission: Permission;
  alive = true;
  /** Which turn of the heartbeat pings this connection (server.ts). */
  heartbeatSlice = 0;
  toldReadOnly = false;
  closed = false;
  private tokens: number;
  private refilledAt = performance.now();
  private queue: Uint8Array[] | null = [];
  private queuedBytes = 0;
  private handler: FrameHandler | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly documentName: string,
    readonly identity: Identity,
    readonly ip: string,
    permission: Permission,
    private readonly messagesPerSecond: number,
    private readonly onRefused: (reason: CloseReason) => void,
  ) {
    this.permission = permission;
    this.tokens = messagesPerSecond * 3;
  }

  /** A frame from the socket: rate-limited, then queued until the document is ready. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    if (!this.takeToken()) return this.refuse(CLOSE.rateLimited);
    if (this.handler) return this.handler(this, frame);
    this.queuedBytes += frame.length;
    if (this.queue!.length >= MAX_QUEUED_FRAMES || this.queuedBytes > MAX_QUEUED_BYTES) {
      return this.refuse(CLOSE.busy);
    }
    this.queue!.push(frame);
  }

  /** The document is loaded: handle what waited, then every later frame directly. */
  start(handler: FrameHandler): void {
    const waiting = this.queue ?? [];
    this.queue = null;
    this.queuedBytes = 0;
    this.handler = handler;
    for (const frame of waiting) {
      if (this.closed) return;
      handler(this, frame);
    }
  }

  /**
   * Sends one frame (one protocol message). The TCP socket is corked until the end of this
   * event-loop turn (realtime/turn.ts), so all frames to this client in one turn leave in one
   * write; their order is the order of the calls.
   */
  send(frame: Uint8Array): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) return this.refuse(CLOSE.busy);
    const tcp = rawSocket(this.socket);
    if (tcp) corkUntilTurnEnd(tcp);
    this.socket.send(frame);
  }

  /** Closes with a code and reason the client can show. */
  refuse(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.onRefused(reason);
    this.socket.close(reason.code, reason.reason);
    // A peer that does not complete the closing handshake is cut off.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  private takeToken(): boolean {
    const now = performance.now();
    const burst = this.messagesPerSecond * 3;
    this.tokens = Math.min(
      burst,
      this.tokens + ((now - this.refilledAt) / 1000) * this.messagesPerSecond,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
