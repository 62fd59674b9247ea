import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, rawUpgrade, until, type DemoDocuments } from "../support/realtime";

/* A short heartbeat in a server of its own, so that no other test's client is held to it. */
let server: TestServer;
let docs: DemoDocuments;
let leader: string;

beforeAll(async () => {
  server = await startTestServer({ REALTIME_HEARTBEAT_MS: "200" });
  docs = await demoDocuments(server.database.db);
  leader = await server.cookieFor(DEMO.leader);
});

afterAll(async () => {
  await server?.close();
});

describe("heartbeat", () => {
  it("cuts a connection that stops answering pings", async () => {
    const before = server.realtime.metrics.closed.heartbeat;
    const silent = new WebSocket(server.url.replace(/^http/, "ws") + `/realtime/${docs.agenda}`, {
      headers: { Cookie: leader, Origin: server.url },
      autoPong: false,
    });
    const code = await new Promise<number>((resolve) => silent.on("close", resolve));
    expect(code).toBe(1006); // terminated without a closing handshake
    expect(server.realtime.metrics.closed.heartbeat).toBeGreaterThan(before);
    const healthy = await rawUpgrade(server.url, `/realtime/${docs.agenda}`, {
      Cookie: leader,
      Origin: server.url,
    });
    expect(healthy.status).toBe(101);
    healthy.socket?.terminate();
  });

  it("spreads the pings over the period instead of sending them all at once", async () => {
    const sockets: WebSocket[] = [];
    const firstPing = new Map<WebSocket, number>();
    try {
      for (let i = 0; i < 20; i++) {
        const { status, socket } = await rawUpgrade(server.url, `/realtime/${docs.agenda}`, {
          Cookie: leader,
          Origin: server.url,
        });
        expect(status).toBe(101);
        sockets.push(socket!);
        socket!.on("ping", () => {
          if (!firstPing.has(socket!)) firstPing.set(socket!, performance.now());
        });
      }
      await until(() => (firstPing.size === sockets.length ? true : undefined), "every ping");
      // Pings sent in the same turn arrive within a millisecond or two; turns are 20 ms apart.
      const times = [...firstPing.values()].sort((a, b) => a - b);
      const bursts = times.filter((t, i) => i === 0 || t - times[i - 1]! > 5).length;
      expect(bursts).toBeGreaterThanOrEqual(4);
    } finally {
      for (const socket of sockets) socket.terminate();
    }
  });
});
