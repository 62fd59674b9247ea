import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fs from "node:fs";
import type { ServerBuild } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { sessions, users } from "../../db/schema";
import { demoAccounts } from "../../db/seed";
import { createSession, sessionTokenHash } from "../../app/features/accounts/session.server";
import { FORM_TOKEN_FIELD, issueFormToken, userOwner } from "../../app/features/forms/once.server";
import { loadEnv } from "../../app/env.server";
import { BUILD_PATH, startServer, type RunningServer } from "../../server/boot";
import { openTestDatabase } from "./database";

/** The seeded demo accounts by role name (from db/seed.ts, the one list of them). */
export const DEMO = {
  admin: demoEmail("admin"),
  coordinator: demoEmail("koordinator"),
  leader: demoEmail("leder"),
  leader2: demoEmail("leder2"),
  nav: demoEmail("nav"),
  housing: demoEmail("bolig"),
  volunteer: demoEmail("frivillig"),
} as const;

function demoEmail(localPart: string): string {
  const account = demoAccounts.find((a) => a.email === `${localPart}@fjordvik.test`);
  if (!account) throw new Error(`no demo account ${localPart}`);
  return account.email;
}

export interface TestServer extends RunningServer {
  /** A Cookie header value for a fresh session of this user (the fixture login). */
  cookieFor(email: string): Promise<string>;
  userId(email: string): Promise<string>;
  /** Creates a user through the admin form (as the demo admin) and returns their id. */
  createUser(email: string, roles?: string[]): Promise<string>;
  /** Creates a user who has not set a password yet and issues an activation link for them. */
  activationLinkForNewUser(email: string): Promise<{ userId: string; token: string }>;
  fetch(pathname: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  /**
   * A one-time form token for the user of this session cookie, as a page's loader issues it
   * (app/features/forms/once.server.ts); `now` in ms since the epoch.
   */
  formToken(cookie: string, now?: number): Promise<string>;
  /**
   * POST an urlencoded form (entries may repeat), like a browser without JavaScript that has
   * just loaded the form: with a cookie and no `formToken` field, a fresh token is added.
   */
  post(
    pathname: string,
    fields: [string, string][] | Record<string, string>,
    cookie?: string,
  ): Promise<Response>;
}

let build: Promise<ServerBuild> | undefined;

/** The real HTTP server with the production build, on a port of its own and a fresh database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  build ??= import(pathToFileURL(BUILD_PATH).href) as Promise<ServerBuild>;
  const database = await openTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-data-"));
  const overrides = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    BROEN_DATA_DIR: dataDir,
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    RATE_LIMIT_GENERAL_PER_MINUTE: "100000",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "100000",
    RATE_LIMIT_AUTH_PER_MINUTE: "100000",
    ...env,
  };
  // startServer writes these into process.env; put the old values back when this server stops.
  const previous = Object.fromEntries(Object.keys(overrides).map((key) => [key, process.env[key]]));
  const running = await startServer({
    database,
    build: await build,
    env: overrides,
  });

  const userId = async (email: string) => {
    const [row] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, email));
    if (!row) throw new Error(`no user ${email}`);
    return row.id;
  };
  const fetchPath: TestServer["fetch"] = (pathname, init = {}) => {
    const { cookie, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (cookie) headers.set("Cookie", cookie);
    return fetch(new URL(pathname, running.url), { redirect: "manual", ...rest, headers });
  };
  const testServer: TestServer = {
    ...running,
    userId,
    async cookieFor(email) {
      const setCookie = await createSession(await userId(email), {
        ip: "127.0.0.1",
        userAgent: "test",
      });
      return setCookie.split(";")[0]!;
    },
    fetch: fetchPath,
    async formToken(cookie, now) {
      const idHash = await sessionTokenHash(new Request(running.url, { headers: { cookie } }));
      const [row] = idHash
        ? await database.db
            .select({ userId: sessions.userId })
            .from(sessions)
            .where(eq(sessions.idHash, idHash))
        : [];
      // No session: any token; the action refuses the post before reading it.
      return issueFormToken(userOwner({ id: row?.userId ?? "nobody" }), now);
    },
    async createUser(email, roles = ["leader"]) {
      const admin = await testServer.cookieFor(DEMO.admin);
      const response = await testServer.post(
        "/admin/users/new",
        [
          ["name", "Test Testesen"],
          ["email", email],
          ...roles.map((role): [string, string] => ["role", role]),
        ],
        admin,
      );
      const location = response.headers.get("location") ?? "";
      const id = /\/admin\/users\/([0-9a-f-]{36})/.exec(location)?.[1];
      if (!id) throw new Error(`creating ${email} failed with ${response.status}`);
      return id;
    },
    async activationLinkForNewUser(email) {
      const userId = await testServer.createUser(email);
      const admin = await testServer.cookieFor(DEMO.admin);
      const issued = await testServer.post(
        `/admin/users/${userId}`,
        { intent: "issue-link" },
        admin,
      );
      const token = /\/activate\/([A-Za-z0-9_-]+)/.exec(await issued.text())?.[1];
      if (!token) throw new Error(`no activation link for ${email} (${issued.status})`);
      return { userId, token };
    },
    async post(pathname, fields, cookie) {
      const entries = [...(Array.isArray(fields) ? fields : Object.entries(fields))];
      if (cookie && !entries.some(([name]) => name === FORM_TOKEN_FIELD))
        entries.push([FORM_TOKEN_FIELD, await testServer.formToken(cookie)]);
      return fetchPath(pathname, {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: running.url },
        body: new URLSearchParams(entries).toString(),
      });
    },
    close: async () => {
      await running.close();
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      loadEnv();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testServer;
}
