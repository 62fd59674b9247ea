import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { malformedTarget, MAX_URL_LENGTH } from "../../server/request-url";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { captureLog, rawGet, rawRequest, type RawAnswer } from "./raw-http";

/*
 * Issue 10, item 7: a URL that cannot be read (`/networks/%ED%A0%80`, `/login%FF`) answered
 * 500 and logged an error, without login. Every kind of malformed URL is now an ordinary
 * error page with status 400, for anyone, with any method, and nothing is logged above debug.
 */

let server: TestServer;
let log: ReturnType<typeof captureLog>;
let leader = "";
let host = "";

beforeAll(async () => {
  log = captureLog();
  server = await startTestServer();
  leader = await server.cookieFor(DEMO.leader);
  host = new URL(server.url).host;
});
afterAll(async () => {
  await server.close();
  log.restore();
});

const UUID = "00000000-0000-4000-8000-000000000000";

/** Request-targets that are refused, by kind. */
const MALFORMED: [kind: string, target: string][] = [
  // Percent-escapes that do not decode: invalid UTF-8, a surrogate, an overlong form, bare `%`.
  ["invalid UTF-8", "/login%FF"],
  ["an encoded surrogate", "/networks/%ED%A0%80"],
  ["an overlong UTF-8 form", "/networks/%C0%AE%C0%AE"],
  ["a truncated sequence", "/meetings/%E0%A4%A"],
  ["a bare %", "/%"],
  ["a % at the end", "/login%"],
  ["a % without hex digits", "/%zz/x"],
  ["a token that does not decode", "/i/%FF"],
  ["an activation token that does not decode", "/activate/%ED%A0%80"],
  ["a feed token that does not decode", "/calendar/%FF"],
  ["a ticket path that does not decode", "/i/%FF/ticket"],
  ["a single-fetch path", "/login.data%FF"],
  ["a static file path", "/build/%FF.js"],
  ["a public file path", "/favicon%FF.svg"],
  ["the health check", "/healthz%FF"],
  ["invalid UTF-8 and a valid query", "/networks/%FF?x=1"],
  // Control characters once decoded.
  ["a NUL byte", "/x%00y"],
  ["a NUL byte in a token", "/i/%00abc"],
  ["a NUL byte in an activation token", "/activate/%00"],
  ["a line feed", "/login%0A"],
  ["DEL", `/networks/${UUID}%7F`],
  // Dot segments and encoded separators.
  ["dot-dot segments", "/../../etc/passwd"],
  ["dot-dot under /build", "/build/../package.json"],
  ["encoded dot-dot", "/%2e%2e/%2E%2E/etc/passwd"],
  ["encoded dot-dot under /build", "/build/%2e%2e/package.json"],
  ["a dot segment", "/meetings/./x"],
  ["an encoded slash", "/login/..%2f..%2fetc"],
  ["an encoded slash in a token", "/i/a%2Fb"],
  ["an encoded backslash", "/i/a%5Cb"],
  ["a backslash", "/\\evil.example"],
  // Request-target forms other than a path; a fragment; length.
  ["the asterisk form", "*"],
  ["the absolute form", "http://evil.example/login"],
  ["a fragment", "/login#x"],
  ["a path over 8 KiB", `/${"a".repeat(MAX_URL_LENGTH)}`],
  ["a query over 8 KiB", `/login?x=${"a".repeat(MAX_URL_LENGTH)}`],
];

function expectErrorPage(answer: RawAnswer, what: string) {
  expect(answer.status, what).toBe(400);
  expect(answer.head, what).toMatch(/content-type: text\/html/i);
  expect(answer.body, what).toContain("<title>Ugyldig forespørsel – Broen</title>");
  expect(answer.body, what).toContain('<h1 id="error-title">Ugyldig forespørsel</h1>');
  expect(answer.body, what).toContain("Adressen er ugyldig. / The address is not valid.");
}

describe("malformed URLs", () => {
  it.each(MALFORMED)("answers %s with the 400 error page, logged in or not", async (_k, target) => {
    expectErrorPage(await rawGet(server.url, target), "anonymous");
    const answer = await rawGet(server.url, target, { Cookie: leader });
    expectErrorPage(answer, "logged in");
    // The page is the site's own, with the leader's navigation.
    expect(answer.body).toContain('href="/meetings"');
  });

  it.each(MALFORMED.filter(([kind]) => !kind.includes("8 KiB")))(
    "answers a post to %s with the 400 error page too",
    async (_kind, target) => {
      const body = "email=a%40b.no&password=x";
      const answer = await rawRequest(
        server.url,
        `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${server.url}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
      expectErrorPage(answer, target);
    },
  );

  it("answers HEAD with 400 and no body", async () => {
    const answer = await rawRequest(
      server.url,
      `HEAD /login%FF HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toBe("");
  });

  it("answers a request line that Node itself cannot read with 4xx and a message", async () => {
    const rawBytes = Buffer.concat([
      Buffer.from("GET /login"),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(` HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    ]);
    for (const answer of [
      await rawRequest(server.url, rawBytes),
      await rawGet(server.url, "/login x"),
      await rawGet(server.url, "/login\tx"),
    ]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toBe(
        "Forespørselen kunne ikke leses. / The request could not be read.\n",
      );
    }
    // Over 16 KiB of request line and headers: 431, from Node's parser.
    const long = await rawGet(server.url, `/${"a".repeat(20_000)}`);
    expect(long.status).toBe(431);
    expect(long.body).toContain("for lang");
  });

  it("keeps serving ordinary URLs, including odd but valid ones", async () => {
    expect((await rawGet(server.url, "/login")).status).toBe(200);
    expect((await rawGet(server.url, "/login?redirectTo=%2Fmeetings")).status).toBe(200);
    expect((await rawGet(server.url, "/favicon.svg")).status).toBe(200);
    expect((await rawGet(server.url, "/healthz")).status).toBe(200);
    // Valid escapes of odd characters, a double slash, a dot inside a segment: not found.
    for (const target of ["/i/%E2%80%AE", "/i/%EF%BF%BF", "//evil.example/x", "/i/a.b", "/a%2eb"]) {
      expect((await rawGet(server.url, target)).status, target).toBe(404);
    }
    expect((await rawGet(server.url, `/networks/${UUID}`, { Cookie: leader })).status).toBe(404);
  });
});

describe("malformed query strings", () => {
  // Query strings decode leniently everywhere (URLSearchParams): undecodable bytes become
  // U+FFFD. A route that reads the parameter refuses the value with its own message.
  it.each([
    ["/meetings?date=%FF", 400],
    ["/meetings?network=%00", 400],
    ["/meetings?page=%", 400],
    ["/meetings?view=%ED%A0%80", 400],
    ["/meetings/new?networkId=%FF", 404],
    ["/meetings?%zz", 200],
    ["/meetings?%FF=1", 200],
  ])("%#: %s answers %i", async (target, status) => {
    const answer = await rawGet(server.url, target, { Cookie: leader });
    expect(answer.status).toBe(status);
  });

  it("copes with deeply nested and very many keys (nothing parses them but URLSearchParams)", async () => {
    for (const target of [
      `/meetings?${"a[b]".repeat(1500)}=1`,
      `/meetings?${"a=1&".repeat(1500)}`,
    ]) {
      expect((await rawGet(server.url, target, { Cookie: leader })).status).toBe(200);
    }
  });

  it("ignores an unusable return path on the login page", async () => {
    for (const target of ["/login?redirectTo=%FF", "/login?redirectTo=%00", "/login?%"]) {
      expect((await rawGet(server.url, target)).status, target).toBe(200);
    }
  });
});

describe("malformed hosts", () => {
  it.each(["localhost:99999", "1.2.3.4.5", "a b", "exa_mple.test", "[zz]", "localhost:", "a@b"])(
    "answers Host %j with the 400 error page",
    async (badHost) => {
      expectErrorPage(await rawGet(server.url, "/login", { Host: badHost }), badHost);
    },
  );

  it("answers a request without Host with 400 (from Node)", async () => {
    const answer = await rawRequest(server.url, "GET /login HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(400);
  });

  it("checks the forwarded host and scheme when a proxy is trusted", async () => {
    const proxied = await startTestServer({ TRUST_PROXY: "1" });
    try {
      for (const headers of [
        { "X-Forwarded-Host": "a b" } as Record<string, string>,
        { "X-Forwarded-Host": "localhost:99999" },
        { "X-Forwarded-Host": "1.2.3.4.5, broen.test" },
        { "X-Forwarded-Proto": "javascript" },
        { "X-Forwarded-Proto": "a b" },
      ]) {
        expectErrorPage(await rawGet(proxied.url, "/login", headers), JSON.stringify(headers));
      }
      for (const headers of [
        { "X-Forwarded-Host": "broen.fjordvik.test" } as Record<string, string>,
        { "X-Forwarded-Host": "broen.fjordvik.test:8443, other" },
        { "X-Forwarded-Proto": "https" },
      ]) {
        expect((await rawGet(proxied.url, "/login", headers)).status).toBe(200);
      }
    } finally {
      await proxied.close();
    }
  });
});

describe("methods a page does not take", () => {
  it("answers TRACE with 405 (TRACK and made-up methods are refused by Node: 400)", async () => {
    for (const [method, status] of [
      ["TRACE", 405],
      ["TRACK", 400],
      ["FOO", 400],
    ] as const) {
      const answer = await rawRequest(
        server.url,
        `${method} /login HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer.status, method).toBe(status);
    }
  });

  it("answers a post to a page without a form, and OPTIONS, with 405", async () => {
    const post = await server.post("/meetings", { a: "b" }, leader);
    expect(post.status).toBe(405);
    expect(await post.text()).toContain("Denne siden tar ikke imot skjemaer.");
    expect((await server.post("/finnes-ikke", { a: "b" })).status).toBe(405);
    expect((await server.fetch("/login", { method: "OPTIONS" })).status).toBe(405);
  });
});

describe("realtime upgrades to malformed paths", () => {
  it.each(["/realtime/%FF", "/realtime/%00", "/realtime/x?ticket=%00", "/realtime/..%2fx"])(
    "refuses %s with a 4xx",
    async (target) => {
      const answer = await rawRequest(
        server.url,
        `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    },
  );
});

describe("the check itself", () => {
  it("accepts what browsers send", () => {
    for (const target of [
      "/",
      "/login?redirectTo=%2Fmeetings%3Fview%3Dweek",
      "/i/AbC-_123/calendar.ics",
      "/meetings?date=2026-01-05&view=week",
      "/s%C3%B8k/%F0%9F%98%80",
      "/login?x=%FF",
    ]) {
      expect(malformedTarget(target), target).toBeNull();
    }
  });
});

describe("logging", () => {
  it("logged nothing above debug for any of it", () => {
    expect(log.warnings()).toEqual([]);
  });
});
