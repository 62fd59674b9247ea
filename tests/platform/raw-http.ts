import net from "node:net";
import { Writable } from "node:stream";
import pino from "pino";

/*
 * Helpers for the hostile-request tests (malformed-urls.test.ts, hostile-bodies.test.ts):
 * requests written byte for byte on a socket (fetch and http.request refuse to send most of
 * them), and a log that the tests can read.
 */

export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends `request` as it is on a new connection and reads the answer until the server closes. */
export function rawRequest(url: string, request: Buffer | string): Promise<RawAnswer> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(parseAnswer(Buffer.concat(chunks).toString("utf8"))));
    socket.write(typeof request === "string" ? Buffer.from(request, "latin1") : request);
  });
}

export function parseAnswer(text: string): RawAnswer {
  const split = text.indexOf("\r\n\r\n");
  const head = split === -1 ? text : text.slice(0, split);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
    head,
    body: split === -1 ? "" : text.slice(split + 4),
  };
}

/** A GET with `Connection: close`, so that the answer ends with the connection. */
export function rawGet(url: string, target: string, headers: Record<string, string> = {}) {
  const lines = Object.entries({ Host: new URL(url).host, ...headers, Connection: "close" }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return rawRequest(url, `GET ${target} HTTP/1.1\r\n${lines.join("")}\r\n`);
}

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Swaps the process's logger for one that keeps what is logged (debug and up) in memory. */
export function captureLog() {
  const slot = globalThis as typeof globalThis & { __broenLogger?: pino.Logger };
  const previous = slot.__broenLogger;
  const entries: LogEntry[] = [];
  slot.__broenLogger = pino(
    { level: "debug" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line) entries.push(JSON.parse(line) as LogEntry);
        }
        done();
      },
    }),
  );
  return {
    entries,
    /** Entries at warn level or above (pino: warn 40, error 50, fatal 60). */
    warnings: () => entries.filter((entry) => entry.level >= 40),
    restore: () => {
      slot.__broenLogger = previous;
    },
  };
}
