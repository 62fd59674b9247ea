import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

// The benchmark's floor (app/routes/bench.floor.tsx): only with BROEN_BENCH_FLOOR=1.
let server: TestServer;
const before = process.env.BROEN_BENCH_FLOOR;
beforeAll(async () => {
  delete process.env.BROEN_BENCH_FLOOR;
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
  if (before === undefined) delete process.env.BROEN_BENCH_FLOOR;
  else process.env.BROEN_BENCH_FLOOR = before;
});

const rowLinks = (html: string) =>
  new Set(html.match(/href="\/meetings\/[0-9a-f-]{36}"/g) ?? []).size;

describe("the bench floor route", () => {
  it("is the ordinary 404 page in normal operation", async () => {
    const floor = await server.fetch("/bench/floor");
    const unknown = await server.fetch("/no-such-page");
    expect(floor.status).toBe(404);
    expect(unknown.status).toBe(404);
    const html = await floor.text();
    expect(rowLinks(html)).toBe(0);
    // What the reader sees is the page of any unknown URL (only the route's scripts differ).
    const seen = (text: string) => [
      /<title>.*?<\/title>/.exec(text)?.[0],
      /<main[^>]*>.*?<\/main>/s.exec(text)?.[0],
    ];
    expect(seen(html)[1]).toBeTruthy();
    expect(seen(html)).toEqual(seen(await unknown.text()));
    const data = await server.fetch("/bench/floor.data");
    expect(data.status).toBe(404);
  });

  it("with BROEN_BENCH_FLOOR=1, renders 50 meeting rows without a session", async () => {
    process.env.BROEN_BENCH_FLOOR = "1";
    try {
      const response = await server.fetch("/bench/floor");
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(rowLinks(html)).toBe(50);
      expect(html).toContain('<ul class="meeting-list">');
      expect(html).toContain("<title>Møter – Broen</title>");
      // The logged-out shell: no navigation, no logout form.
      expect(html).not.toContain('action="/logout"');
    } finally {
      delete process.env.BROEN_BENCH_FLOOR;
    }
  });
});
