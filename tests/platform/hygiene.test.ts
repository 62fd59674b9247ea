import http from "node:http";
import zlib from "node:zlib";
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

/** A GET that keeps the body as sent (fetch would decode it and hide the framing). */
function rawGet(path: string, acceptEncoding?: string) {
  return new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = http.get(
      new URL(path, server.url),
      { headers: acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
  });
}

// Before the rate limits below use up the general limit.
describe("responses", () => {
  it("send a page compressed in one piece, with its length, as the client accepts", async () => {
    const decode = {
      br: (body: Buffer) => zlib.brotliDecompressSync(body),
      gzip: (body: Buffer) => zlib.gunzipSync(body),
    };
    for (const [accept, encoding] of [
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["gzip;q=1, br;q=0.5", "gzip"],
    ] as const) {
      const { headers, body } = await rawGet("/login", accept);
      expect(headers["content-encoding"], accept).toBe(encoding);
      expect(headers["content-length"], accept).toBe(String(body.length));
      expect(headers["transfer-encoding"], accept).toBeUndefined();
      expect(headers.vary, accept).toMatch(/accept-encoding/i);
      expect(decode[encoding](body).toString("utf8"), accept).toMatch(/^<!DOCTYPE html>/i);
    }
    for (const accept of [undefined, "identity", "compress"]) {
      const { headers, body } = await rawGet("/login", accept);
      expect(headers["content-encoding"], accept).toBeUndefined();
      expect(headers["content-length"], accept).toBe(String(body.length));
      expect(body.toString("utf8"), accept).toMatch(/^<!DOCTYPE html>/i);
    }
  });

  it("give HEAD the headers of GET, and compress error pages the same way", async () => {
    const get = await rawGet("/login", "br");
    const head = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
      const request = http.request(
        new URL("/login", server.url),
        { method: "HEAD", headers: { "Accept-Encoding": "br" } },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.headers));
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(head["content-encoding"]).toBe("br");
    // Each page carries a fresh nonce and compresses a little differently: lengths nearly match.
    expect(Math.abs(Number(head["content-length"]) - get.body.length)).toBeLessThan(64);

    const missing = await rawGet("/no-such-page", "gzip");
    expect(missing.headers["content-encoding"]).toBe("gzip");
    expect(missing.headers["content-length"]).toBe(String(missing.body.length));
    expect(zlib.gunzipSync(missing.body).toString("utf8")).toMatch(/^<!DOCTYPE html>/i);
  });

  it("compress other responses on the way out (here a script)", async () => {
    const page = (await rawGet("/login")).body.toString("utf8");
    const script = /<link rel="modulepreload" href="(\/build\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script, "a script of the page").toBeTruthy();
    const { headers, body } = await rawGet(script!, "gzip");
    expect(headers["content-encoding"]).toBe("gzip");
    expect(zlib.gunzipSync(body).length).toBeGreaterThan(body.length);
  });
});

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
    // The organisation's link to a bridge (issue 13); the bridge page itself has no secret.
    expect(redactPath("/b/AbC123_-xyz?x=1")).toBe("/b/[token]?x=1");
    expect(redactPath("/bridges/0b7c")).toBe("/bridges/0b7c");
  });
});
