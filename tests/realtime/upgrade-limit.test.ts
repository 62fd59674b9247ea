import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, rawUpgrade, type DemoDocuments } from "../support/realtime";

/* Upgrade attempts are limited per address: each costs queries before it can be refused. */
let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer({ REALTIME_UPGRADES_PER_MINUTE: "5" });
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

describe("upgrade attempts", () => {
  it("answers 429 past the limit, whether the attempts were allowed or refused", async () => {
    const cookie = await server.cookieFor(DEMO.leader);
    const path = `/realtime/${docs.agenda}`;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const headers: Record<string, string> = { Origin: server.url };
      if (i % 2 === 0) headers.Cookie = cookie;
      const result = await rawUpgrade(server.url, path, headers);
      result.socket?.terminate();
      statuses.push(result.status);
    }
    expect(statuses).toEqual([101, 401, 101, 401, 101, 429]);
    // Ordinary requests are not affected.
    expect((await server.fetch("/healthz")).status).toBe(200);
  });
});
