import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, rawUpgrade, type DemoDocuments } from "../support/realtime";

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
});
