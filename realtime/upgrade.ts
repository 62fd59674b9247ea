import type { Duplex } from "node:stream";
import type { RefusalStatus } from "./hooks";

const STATUS_TEXT: Record<RefusalStatus, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/** Answers an upgrade with a plain HTTP status and destroys the socket: no frame is exchanged. */
export function refuseUpgrade(socket: Duplex, status: RefusalStatus): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`,
    () => socket.destroy(),
  );
}

/**
 * Upgrade attempts per address in fixed one-minute windows: each attempt costs the
 * application's authorisation queries before it can be refused.
 */
export class UpgradeLimiter {
  private window = { startedAt: Date.now(), counts: new Map<string, number>() };

  constructor(private readonly perMinute: number) {}

  /** Counts an attempt from `address`; false once the address is over its limit. */
  allow(address: string, now = Date.now()): boolean {
    if (now - this.window.startedAt >= 60_000) {
      this.window = { startedAt: now, counts: new Map() };
    }
    const count = (this.window.counts.get(address) ?? 0) + 1;
    this.window.counts.set(address, count);
    return count <= this.perMinute;
  }
}
