/*
 * Counters for the realtime server, read by the admin-only metrics route
 * (app/routes/admin.realtime.tsx). Counts and sizes only: never document content or names.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

export class RealtimeMetrics {
  connections = 0;
  documents = 0;
  updatesReceived = 0;
  updateBytesReceived = 0;
  updatesPersisted = 0;
  bytesPersisted = 0;
  pendingWrites = 0;
  writeErrors = 0;
  compactions = 0;
  /** Frames not applied: a read-only connection's edits, frames past the rate limit. */
  droppedFrames = { readOnly: 0, rateLimited: 0, queueFull: 0, presenceNotOwned: 0 };
  closed = { malformed: 0, tooLarge: 0, rateLimited: 0, revoked: 0, heartbeat: 0, refused: 0 };
  refusedUpgrades = 0;
  /** The cross-process fan-out (PostgreSQL only): other processes known, announcing or not. */
  crossProcess: { readonly peerCount: number; readonly announcing: boolean } | null = null;
  /** The last 1,000 persistence lags, as a ring (this runs for every stored update). */
  private lagWindow: number[] = [];
  private lagNext = 0;
  private lastPersistLagMs = 0;
  private samples: { at: number; received: number; bytes: number }[] = [];
  /** How late the event loop ran, per second of the last ten (p99 and max, ms). */
  private loopDelay = monitorEventLoopDelay({ resolution: 5 });
  private loopSeconds: { p99: number; max: number }[] = [];

  constructor() {
    this.loopDelay.enable();
  }

  stop(): void {
    this.loopDelay.disable();
  }

  recordReceived(bytes: number): void {
    this.updatesReceived++;
    this.updateBytesReceived += bytes;
  }

  recordPersisted(bytes: number, lagMs: number): void {
    this.updatesPersisted++;
    this.bytesPersisted += bytes;
    this.lastPersistLagMs = lagMs;
    this.lagWindow[this.lagNext] = lagMs;
    this.lagNext = (this.lagNext + 1) % 1000;
  }

  /** Rates over the last ten seconds: the route samples on every read, and so does a timer. */
  sample(now = Date.now()): void {
    this.samples.push({ at: now, received: this.updatesReceived, bytes: this.updateBytesReceived });
    while (this.samples.length > 2 && this.samples[0]!.at < now - 10_000) this.samples.shift();
    if (this.loopDelay.count > 0) {
      this.loopSeconds.push({
        p99: this.loopDelay.percentile(99) / 1e6,
        max: this.loopDelay.max / 1e6,
      });
      if (this.loopSeconds.length > 10) this.loopSeconds.shift();
      this.loopDelay.reset();
    }
  }

  snapshot() {
    this.sample();
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const seconds = Math.max((last.at - first.at) / 1000, 1);
    const sorted = [...this.lagWindow].sort((a, b) => a - b);
    const p99 = sorted.length
      ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!
      : 0;
    return {
      documentsLoaded: this.documents,
      connections: this.connections,
      updatesPerSecond: round((last.received - first.received) / seconds),
      bytesPerSecond: round((last.bytes - first.bytes) / seconds),
      updatesReceived: this.updatesReceived,
      updatesPersisted: this.updatesPersisted,
      bytesPersisted: this.bytesPersisted,
      pendingWrites: this.pendingWrites,
      persistenceLagMs: { last: round(this.lastPersistLagMs), p99: round(p99) },
      writeErrors: this.writeErrors,
      compactions: this.compactions,
      droppedFrames: { ...this.droppedFrames },
      closedConnections: { ...this.closed },
      refusedUpgrades: this.refusedUpgrades,
      otherProcesses: this.crossProcess?.peerCount ?? 0,
      announcing: this.crossProcess?.announcing ?? false,
      eventLoopDelayMs: {
        p99: round(Math.max(0, ...this.loopSeconds.map((s) => s.p99))),
        max: round(Math.max(0, ...this.loopSeconds.map((s) => s.max))),
      },
    };
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

export type RealtimeMetricsSnapshot = ReturnType<RealtimeMetrics["snapshot"]>;
