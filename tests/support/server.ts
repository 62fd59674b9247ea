import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import fs from "node:fs";
import type { ServerBuild } from "@remix-run/node";
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { createSession } from "../../app/models/session.server";
import { BUILD_PATH, startServer, type RunningServer } from "../../server/boot";
import { openTestDatabase } from "./database";

export const DEMO = {
  admin: "admin@fjordvik.test",
  coordinator: "koordinator@fjordvik.test",
  leader: "leder@fjordvik.test",
  leader2: "leder2@fjordvik.test",
  nav: "nav@fjordvik.test",
  housing: "bolig@fjordvik.test",
  volunteer: "frivillig@fjordvik.test",
} as const;

export interface TestServer extends RunningServer {
  /** A Cookie header value for a fresh session of this user (the fixture login). */
  cookieFor(email: string): Promise<string>;
  userId(email: string): Promise<string>;
  fetch(pathname: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  /** POST an urlencoded form (entries may repeat), like a browser without JavaScript. */
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
  const running = await startServer({
    database,
    build: await build,
    env: {
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      BROEN_DATA_DIR: dataDir,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      RATE_LIMIT_GENERAL_PER_MINUTE: "100000",
      RATE_LIMIT_MUTATIONS_PER_MINUTE: "100000",
      RATE_LIMIT_AUTH_PER_MINUTE: "100000",
      ...env,
    },
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
  return {
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
    post: (pathname, fields, cookie) =>
      fetchPath(pathname, {
        method: "POST",
        cookie,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: running.url },
        body: new URLSearchParams(
          Array.isArray(fields) ? fields : Object.entries(fields),
        ).toString(),
      }),
    close: async () => {
      await running.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
