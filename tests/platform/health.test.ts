import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("health and shell", () => {
  it("answers /healthz with the database kind", async () => {
    const response = await server.fetch("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ok: true,
      db: process.env.TEST_DATABASE_URL ? "postgres" : "pglite",
    });
  });

  it("serves the login page in bokmål with an enforced nonce CSP", async () => {
    const response = await server.fetch("/login");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="nb"');
    expect(html).toContain("Logg inn");
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'self'");
    expect(response.headers.get("content-security-policy-report-only")).toBeNull();
    // Every inline script carries this response's nonce; no other inline script exists.
    const inlineScripts = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inlineScripts.length).toBeGreaterThan(0);
    for (const [, attributes] of inlineScripts) expect(attributes).toContain(`nonce="${nonce}"`);
  });

  it("gives a new nonce on every response", async () => {
    const a = (await server.fetch("/login")).headers.get("content-security-policy");
    const b = (await server.fetch("/login")).headers.get("content-security-policy");
    expect(a).not.toEqual(b);
  });

  it("gives a real 404 page for unknown URLs", async () => {
    const response = await server.fetch("/finnes-ikke/egentlig");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Siden finnes ikke");
  });

  it("serves fingerprinted assets as immutable", async () => {
    const html = await (await server.fetch("/login")).text();
    const asset = /href="(\/build\/[^"]+\.css)"/.exec(html)?.[1];
    expect(asset).toBeTruthy();
    const response = await server.fetch(asset!);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("immutable");
  });
});
