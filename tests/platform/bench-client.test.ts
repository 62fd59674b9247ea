import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../db/seed";
import { BroenClient, formTokenOf } from "../../bench/lib/broen-client";
import { setUpLeaderFeed } from "../../bench/lib/calendar-data";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * The benchmarks' HTTP client (bench/lib/broen-client.ts) posts the real forms as a browser
 * does. When the forms gained their one-time token, the client kept posting without it and
 * every bench that builds data through the forms failed before measuring anything; this runs
 * the calendar bench's data-building step (bench/lib/calendar-data.ts setUpLeaderFeed) against
 * the test server, so a client that no longer posts what the forms need fails here.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("the benchmarks' form client", () => {
  it("builds the calendar bench's person, network, member and feed through the forms", async () => {
    const client = new BroenClient(server.url);
    await client.logIn(DEMO.leader, DEMO_PASSWORD);
    const leaderId = await server.userId(DEMO.leader);

    const built = await setUpLeaderFeed(client, leaderId);

    const network = await client.get(`/networks/${built.networkId}`);
    expect(network.status).toBe(200);
    expect(network.body).toContain("Benk Markussen");
    const feed = await client.get(new URL(built.feedUrl).pathname);
    expect(feed.status).toBe(200);
    expect(feed.body).toContain("BEGIN:VCALENDAR");
  });

  it("finds the page's form token, and the server still refuses a post without one", async () => {
    const client = new BroenClient(server.url);
    await client.logIn(DEMO.leader, DEMO_PASSWORD);
    const page = await client.get("/persons/new");
    expect(formTokenOf(page.body)).toMatch(/^[0-9a-z]+\.[\w-]+\.[\w-]+$/);

    const bare = await client.post("/persons/new", { name: "Uten Nøkkel" });
    expect(bare.status).toBe(400);
  });
});
