import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * The keystroke benchmark's page (app/routes/bench.collab.tsx): only with BROEN_BENCH_FLOOR=1,
 * only for someone logged in, and the reference server's URL only from the environment.
 */
let server: TestServer;
let cookie: string;
const saved = {
  floor: process.env.BROEN_BENCH_FLOOR,
  reference: process.env.BROEN_BENCH_REFERENCE_URL,
};
const DOC = "00000000-0000-4000-8000-000000000001";

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(async () => {
  delete process.env.BROEN_BENCH_FLOOR;
  delete process.env.BROEN_BENCH_REFERENCE_URL;
  server = await startTestServer();
  cookie = await server.cookieFor(DEMO.leader);
});
afterAll(async () => {
  await server.close();
  restore("BROEN_BENCH_FLOOR", saved.floor);
  restore("BROEN_BENCH_REFERENCE_URL", saved.reference);
});

describe("the bench collab page", () => {
  it("is the ordinary 404 page in normal operation, also for a logged-in leader", async () => {
    for (const target of ["broen", "reference"]) {
      const page = await server.fetch(`/bench/collab?target=${target}&doc=${DOC}`, { cookie });
      expect(page.status).toBe(404);
      const data = await server.fetch(`/bench/collab.data?target=${target}&doc=${DOC}`, {
        cookie,
      });
      expect(data.status).toBe(404);
    }
  });

  describe("with BROEN_BENCH_FLOOR=1", () => {
    beforeAll(() => {
      process.env.BROEN_BENCH_FLOOR = "1";
    });
    afterAll(() => {
      delete process.env.BROEN_BENCH_FLOOR;
      delete process.env.BROEN_BENCH_REFERENCE_URL;
    });

    it("sends someone without a session to the login", async () => {
      const response = await server.fetch(`/bench/collab?target=broen&doc=${DOC}`);
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    });

    it("answers bad parameters with 400 and a message, never a 500", async () => {
      for (const query of [
        `target=elsewhere&doc=${DOC}`,
        "target=broen&doc=not-an-id",
        "target=broen",
        `doc=${DOC}`,
      ]) {
        const response = await server.fetch(`/bench/collab?${query}`, { cookie });
        expect(response.status, query).toBe(400);
      }
    });

    it("shows the agenda page for Broen's own socket", async () => {
      const response = await server.fetch(`/bench/collab?target=broen&doc=${DOC}`, { cookie });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("<h1>Dagsorden</h1>");
    });

    it("points at a reference only from the environment, and only on loopback", async () => {
      const url = `/bench/collab?target=reference&doc=${DOC}`;
      expect((await server.fetch(url, { cookie })).status).toBe(400);
      process.env.BROEN_BENCH_REFERENCE_URL = "wss://example.org:443";
      expect((await server.fetch(url, { cookie })).status).toBe(400);
      process.env.BROEN_BENCH_REFERENCE_URL = "ws://127.0.0.1:4321";
      const page = await server.fetch(url, { cookie });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("ws://127.0.0.1:4321");
      // A URL in the request is never taken: the page's data names only the configured one.
      const data = await server.fetch(
        `/bench/collab.data?target=reference&doc=${DOC}&serverUrl=ws://127.0.0.1:9`,
        { cookie },
      );
      const text = await data.text();
      expect(text).toContain('"ws://127.0.0.1:4321"');
      expect(text).not.toContain("ws://127.0.0.1:9");
    });
  });
});
