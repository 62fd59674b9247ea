import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { CLOSE, Connection, type CloseReason } from "../../realtime/connection";

/* One connection's bookkeeping, without a network: the queue while loading and the rate limit. */
function fakeConnection(messagesPerSecond = 1000) {
  const closes: { code: number; reason: string }[] = [];
  const refused: CloseReason[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send: () => {},
    close: (code: number, reason: string) => closes.push({ code, reason }),
    terminate: () => {},
  } as unknown as WebSocket;
  const connection = new Connection(
    socket,
    "agenda:x",
    { key: "invitation:x" },
    "::1",
    "read",
    messagesPerSecond,
    (reason) => refused.push(reason),
  );
  return { connection, closes, refused };
}

describe("a connection", () => {
  it("holds frames until its document is loaded, then handles them in order", () => {
    const { connection } = fakeConnection();
    connection.receive(Uint8Array.of(1));
    connection.receive(Uint8Array.of(2));
    const handled: number[] = [];
    connection.start((_c, frame) => handled.push(frame[0]!));
    connection.receive(Uint8Array.of(3));
    expect(handled).toEqual([1, 2, 3]);
  });

  it("closes with 1013 when too much waits for a slow load", () => {
    const { connection, closes } = fakeConnection();
    for (let i = 0; i < 100; i++) connection.receive(new Uint8Array(10));
    expect(closes).toEqual([CLOSE.busy]);
    expect(connection.closed).toBe(true);
  });

  it("closes with 1008 past the message rate (a burst of three seconds is allowed)", () => {
    const { connection, closes } = fakeConnection(10);
    connection.start(() => {});
    for (let i = 0; i < 30; i++) connection.receive(Uint8Array.of(0));
    expect(closes).toEqual([]);
    // Refilling ten a second cannot keep up with a thousand frames, however slow the machine.
    for (let i = 0; i < 1000 && !connection.closed; i++) connection.receive(Uint8Array.of(0));
    expect(closes).toEqual([CLOSE.rateLimited]);
  });
});
