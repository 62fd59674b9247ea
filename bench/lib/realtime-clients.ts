/*
 * Real y-websocket 3 clients for the realtime benchmark: `WebsocketProvider` with a `ws`
 * WebSocketPolyfill (which sends the Cookie and Origin headers a browser would, for Broen) and
 * `disableBc: true`, so every update really travels through the server under test.
 *
 * An edit sets the writer's entry in the Y.Map "edits" to its send time (performance.now() of
 * this thread, right before the set, which the provider sends synchronously). Every other
 * client of the document records arrival − t when the entry changes in its own Y.Doc, i.e.
 * after the provider has applied the server's frame. (A map, not a growing array: Yjs computes
 * an array event's changes by walking the whole array, so the clients' cost grew with every
 * edit and their queueing, not the servers, came to dominate the figures.)
 *
 * An edit counts as arrived when a state containing it arrives: a server may send a writer's
 * updates of one moment merged into one frame (Broen does, realtime/turn.ts), and then the
 * reader's map only shows the writer's last send time. So the writer keeps its send times (same
 * thread), and a reader that sees time t of a writer records every edit of that writer sent at
 * or before t that it had not seen yet. A server that sends each update on its own (the
 * reference) gives exactly one edit per change, as before.
 */
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { BenchError, sleep } from "./processes";

// y-websocket adds a process "exit" listener per provider; the bench opens hundreds.
process.setMaxListeners(0);

export interface Target {
  /** "broen" or "reference". */
  name: string;
  /** The provider's serverUrl: ws://host:port/realtime for Broen, ws://host:port for the peer. */
  serverUrl: string;
  /** Headers on every upgrade (Cookie and Origin for Broen; none for the peer). */
  headers: Record<string, string>;
}

interface Edit {
  w: number;
  t: number;
}

/** Arrival latencies (ms) of the edits sent inside the measured window [since, until). */
export class LatencySink {
  readonly samples: number[] = [];
  since = Infinity;
  until = Infinity;
  /** Deliveries seen, measured or not (to wait until every edit has arrived everywhere). */
  delivered = 0;

  record(edit: Edit, now: number): void {
    this.delivered++;
    if (edit.t >= this.since && edit.t < this.until) this.samples.push(now - edit.t);
  }
}

export interface BenchClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close codes seen (the server refusing or cutting off this client). */
  closeCodes: number[];
  synced(timeoutMs?: number): Promise<void>;
  /** One small edit carrying its send time. */
  edit(): void;
  destroy(): void;
}

function socketClass(headers: Record<string, string>) {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  };
}

/** Every writer's send times on this thread, by document and writer number, in order. */
const sendTimes = new Map<string, number[]>();
const sendKey = (room: string, writer: string) => `${room}\u0000${writer}`;

export function openClient(
  target: Target,
  room: string,
  options: { writer?: number; sink?: LatencySink } = {},
): BenchClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(target.serverUrl, room, doc, {
    WebSocketPolyfill: socketClass(target.headers) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const closeCodes: number[] = [];
  provider.on("connection-close", (event: CloseEvent | null) => {
    if (event) closeCodes.push(event.code);
  });
  const edits = doc.getMap<number>("edits");
  const sink = options.sink;
  if (sink) {
    /** Per writer: how many of its send times this client has recorded. */
    const seen = new Map<string, number>();
    edits.observe((event) => {
      if (event.transaction.local) return;
      const now = performance.now();
      for (const writer of event.keysChanged) {
        const t = edits.get(writer);
        if (t === undefined) continue;
        const log = sendTimes.get(sendKey(room, writer));
        if (!log) {
          sink.record({ w: Number(writer), t }, now);
          continue;
        }
        let i = seen.get(writer) ?? 0;
        for (; i < log.length && log[i]! <= t; i++)
          sink.record({ w: Number(writer), t: log[i]! }, now);
        seen.set(writer, i);
      }
    });
  }
  const writer = options.writer ?? 0;
  const sent: number[] = [];
  // Only a client opened as a writer (readers default to number 0 and never edit).
  if (options.writer !== undefined) sendTimes.set(sendKey(room, String(writer)), sent);
  return {
    doc,
    provider,
    closeCodes,
    synced: (timeoutMs = 30_000) =>
      provider.synced
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              provider.off("sync", done);
              reject(
                new BenchError(
                  `${target.name}: ${room} not synced within ${timeoutMs / 1000} s ` +
                    `(close codes: ${closeCodes.join(", ") || "none"})`,
                ),
              );
            }, timeoutMs);
            const done = (isSynced: boolean) => {
              if (!isSynced) return;
              clearTimeout(timer);
              provider.off("sync", done);
              resolve();
            };
            provider.on("sync", done);
          }),
    edit: () => {
      const t = performance.now();
      sent.push(t);
      edits.set(String(writer), t);
    },
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Clients connect at most this many at a time (a burst of upgrades is not what is measured). */
const CONNECT_BATCH = 50;

/** Waits until every client is synced, connecting them in batches. */
export async function connectAll(clients: BenchClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += CONNECT_BATCH) {
    await Promise.all(clients.slice(i, i + CONNECT_BATCH).map((c) => c.synced()));
  }
}

/** Opens a raw upgrade and reports the HTTP status (101 when accepted), then closes. */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on("open", () => {
      resolve(101);
      socket.close();
    });
    socket.on("error", () => resolve(0));
  });
}

/** Runs `count` paced calls: call i at start + i × intervalMs (no drift, no catch-up bursts). */
export async function paced(
  count: number,
  intervalMs: number,
  run: (i: number) => void,
): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    run(i);
  }
}

/** Polls until `done()` or the deadline; returns whether it became true. */
export async function pollUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
