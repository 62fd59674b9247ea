import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactPath } from "../../app/utils/logger.server";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    RATE_LIMIT_AUTH_PER_MINUTE: "3",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "8",
    RATE_LIMIT_GENERAL_PER_MINUTE: "40",
  });
});
afterAll(() => server.close());

describe("rate limits", () => {
  it("limits login posts per address with a readable 429", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await server.post("/login", { email: "a@fjordvik.test", password: "x" })).status,
      );
    }
    expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
    expect(statuses[3]).toBe(429);
    const limited = await server.post("/login", { email: "a@fjordvik.test", password: "x" });
    expect(await limited.text()).toContain("For mange forespørsler");
  });

  it("limits other state-changing requests, then every request", async () => {
    let status = 0;
    for (let i = 0; i < 10 && status !== 429; i++) {
      status = (await server.post("/language", { locale: "en" })).status;
    }
    expect(status).toBe(429);
    // Reading still works until the general limit is reached.
    expect((await server.fetch("/login")).status).toBe(200);
    for (let i = 0; i < 50 && status !== 429; i++) status = (await server.fetch("/login")).status;
    expect(status).toBe(429);
  });
});

describe("logs", () => {
  it("never write a token from a link path", () => {
    expect(redactPath("/activate/AbC123_-xyz")).toBe("/activate/[token]");
    expect(redactPath("/admin/users")).toBe("/admin/users");
  });
});

describe("responses", () => {
  it("are compressed when the client accepts it", async () => {
    const response = await fetch(new URL("/login", server.url), {
      headers: { "Accept-Encoding": "gzip" },
    });
    expect(response.headers.get("content-encoding")).toBe("gzip");
  });
});
