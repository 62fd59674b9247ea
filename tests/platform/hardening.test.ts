import http from "node:http";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressKey } from "../../app/features/accounts/login.server";
import { isPlausibleDate, osloDayEnd, osloDayStart } from "../../app/utils/oslo-time";
import { safeError } from "../../app/utils/logger.server";
import { auditLog } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A raw request, for headers fetch() will not send (a bad Host, a chunked body). */
function raw(options: http.RequestOptions & { body?: string; chunked?: boolean }): Promise<number> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port: url.port, ...options }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    if (options.body !== undefined) {
      if (options.chunked) request.setHeader("Transfer-Encoding", "chunked");
      request.write(options.body);
    }
    request.end();
  });
}

describe("login throttling under concurrency", () => {
  it("lets at most five parallel guesses at one account be checked", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        server.post("/login", { email: DEMO.leader2, password: `guess-${i}` }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it("records a failed login as anonymous, about the account, in its municipality", async () => {
    const userId = await server.userId(DEMO.leader2);
    const rows = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.login_failed"), eq(auditLog.subjectId, userId)));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.actorUserId).toBeNull();
      expect(row.actorLabel).toBe("anonymous");
      expect(row.municipalityId).not.toBeNull();
    }
    const unknown = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "auth.login_failed"), isNull(auditLog.subjectId)));
    expect(unknown.every((row) => row.actorUserId === null)).toBe(true);
  });

  it("counts an IPv6 /64 as one address", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:0db8:0001:0002:ffff:1:2:3"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("::ffff:10.1.2.3")).toBe("address:10.1.2.3");
    expect(addressKey("192.0.2.7")).toBe("address:192.0.2.7");
  });
});

describe("request hygiene", () => {
  it("answers a malformed Host header with 400, not 500", async () => {
    expect(await raw({ path: "/login", headers: { Host: "a b" } })).toBe(400);
    expect(await raw({ path: "/login", headers: { Host: "localhost:1" } })).toBe(200);
  });

  it("refuses a form body without a declared length (chunked) with 411", async () => {
    const status = await raw({
      path: "/login",
      method: "POST",
      chunked: true,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.no&password=x",
    });
    expect(status).toBe(411);
  });

  it("marks pages and data as not to be cached", async () => {
    const cookie = await server.cookieFor(DEMO.admin);
    expect((await server.fetch("/admin/users", { cookie })).headers.get("cache-control")).toBe(
      "no-store",
    );
    expect((await server.fetch("/admin/users.data", { cookie })).headers.get("cache-control")).toBe(
      "no-store",
    );
    expect((await server.fetch("/login")).headers.get("cache-control")).toBe("no-store");
  });

  it("sends security headers on static files too", async () => {
    const response = await server.fetch("/favicon.svg");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("titles each page in the reader's language", async () => {
    const cookie = await server.cookieFor(DEMO.admin);
    expect(await (await server.fetch("/admin/audit", { cookie })).text()).toContain(
      "<title>Logg over tilgang og endringer – Broen</title>",
    );
    const switched = await server.post("/language", { locale: "en", redirectTo: "/login" });
    const languageCookie = switched.headers.get("set-cookie")!.split(";")[0]!;
    const english = await server.fetch("/login", { cookie: languageCookie });
    expect(await english.text()).toContain("<title>Log in – Broen</title>");
  });
});

describe("dates in Oslo", () => {
  it("finds the start of a day across daylight-saving changes", () => {
    expect(osloDayStart("2025-03-30").toISOString()).toBe("2025-03-29T23:00:00.000Z");
    expect(osloDayEnd("2025-03-30").toISOString()).toBe("2025-03-30T22:00:00.000Z");
    expect(osloDayStart("2025-10-26").toISOString()).toBe("2025-10-25T22:00:00.000Z");
    expect(osloDayEnd("2025-10-26").toISOString()).toBe("2025-10-26T23:00:00.000Z");
  });

  it("accepts only real dates in a sane range", () => {
    expect(isPlausibleDate("2024-02-29")).toBe(true);
    expect(isPlausibleDate("2025-02-29")).toBe(false);
    expect(isPlausibleDate("2024-02-30")).toBe(false);
    expect(isPlausibleDate("0001-01-01")).toBe(false);
    expect(isPlausibleDate("9999-12-31")).toBe(false);
  });

  it.each(["0001-01-01", "9999-12-31", "2024-02-30"])(
    "answers the audit filter date %s with 400",
    async (date) => {
      const cookie = await server.cookieFor(DEMO.admin);
      expect((await server.fetch(`/admin/audit?from=${date}`, { cookie })).status).toBe(400);
      expect((await server.fetch(`/admin/audit.csv?to=${date}`, { cookie })).status).toBe(400);
    },
  );
});

describe("error logging", () => {
  it("drops SQL parameters from logged errors", () => {
    const error = new Error(
      "Failed query: select * from users where email = $1\nparams: kari@fjordvik.test",
    );
    expect(safeError(error).message).toBe("Failed query: select * from users where email = $1");
    const wrapped = Object.assign(new Error("outer\nparams: secret"), {
      cause: Object.assign(new Error("duplicate key"), { code: "23505" }),
    });
    expect(safeError(wrapped)).toEqual({ name: "Error", message: "duplicate key", code: "23505" });
  });
});

describe("single-fetch posts count as login attempts", () => {
  it("applies the auth rate limit to /login.data", async () => {
    const limited = await startTestServer({ RATE_LIMIT_AUTH_PER_MINUTE: "2" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (await limited.post("/login.data", { email: "x@fjordvik.test", password: "x" })).status,
        );
      }
      expect(statuses[2]).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it("checks Origin against PUBLIC_URL when it is set", async () => {
    const proxied = await startTestServer({ PUBLIC_URL: "https://broen.fjordvik.test" });
    try {
      const sameHost = await proxied.post("/language", { locale: "en" }); // Origin: the local address
      expect(sameHost.status).toBe(403);
      const fromPublic = await proxied.fetch("/language", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: "https://broen.fjordvik.test",
        },
        body: "locale=en",
      });
      expect(fromPublic.status).toBe(302);
    } finally {
      await proxied.close();
    }
  });
});
