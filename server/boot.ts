import http from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { loadEnv, servedOverHttps, type Env } from "../app/env.server";
import { logger } from "../app/utils/logger.server";
import { installDatabase, type DatabaseHandle } from "../db/client";
import { demoLoginLines, hasDemoAccounts, isEmpty, seedDemoData } from "../db/seed";
import { seedDemoPlan } from "../db/seed-plan";
import { attachRealtime, type RealtimeServer } from "../realtime/server";
import { documentHooks, realtimeLogger } from "../app/features/documents/realtime-hooks.server";
import { projectionsSettled } from "../app/features/tasks/projection.server";
import { createApp } from "./app";
import { ensureSessionSecret, openConfiguredDatabase } from "./database";
import { watchDevBuild } from "./dev-build";
import { startHousekeeping } from "./housekeeping";
import { startMailSender } from "../app/features/mail/sender.server";

const root = path.resolve(fileURLToPath(import.meta.url), "../..");
export const BUILD_PATH = path.join(root, "build/index.js");
export const PUBLIC_DIR = path.join(root, "public");

export interface StartOptions {
  /** Overrides on top of process.env (tests, benchmarks). */
  env?: Record<string, string | undefined>;
  /** An already opened and migrated database (tests); otherwise opened from the environment. */
  database?: DatabaseHandle;
  build?: ServerBuild | (() => Promise<ServerBuild>);
}

export interface RunningServer {
  url: string;
  env: Env;
  database: DatabaseHandle;
  server: http.Server;
  realtime: RealtimeServer;
  /** Stops accepting, lets running requests finish, then closes the database. */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  // Overrides go into process.env so the Remix build (which reads env() itself) sees them too.
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let env = loadEnv();
  if (!env.SESSION_SECRET) {
    process.env.SESSION_SECRET = ensureSessionSecret(env);
    env = loadEnv();
  }

  const database = options.database ?? (await openConfiguredDatabase(env));
  installDatabase(database);

  // The demo data (with its published password) fills an empty embedded database only for a
  // local install; a deployment served over https never gets it automatically.
  let seeded = false;
  const localInstall = !servedOverHttps(env);
  if (
    !options.database &&
    database.kind === "pglite" &&
    localInstall &&
    (await isEmpty(database.db))
  ) {
    await seedDemoData(database.db);
    await seedDemoPlan(database.db);
    seeded = true;
  }
  if (!localInstall && (await hasDemoAccounts(database.db))) {
    logger().warn(
      "demo accounts with the published password exist in a deployment served over https",
    );
  }

  // Under `remix dev` (REMIX_DEV_ORIGIN set) the build is reloaded on change and the page
  // talks to the dev server's live-reload socket, which the CSP must then allow.
  const devOrigin = env.NODE_ENV === "development" ? process.env.REMIX_DEV_ORIGIN : undefined;
  const build =
    options.build ??
    (devOrigin
      ? watchDevBuild(BUILD_PATH)
      : ((await import(pathToFileURL(BUILD_PATH).href)) as ServerBuild));
  const devSocketOrigin = devOrigin ? devOrigin.replace(/^http/, "ws") : undefined;
  const app = createApp({ env, build, publicDir: PUBLIC_DIR, devSocketOrigin });
  const server = http.createServer(app);
  server.on("clientError", answerUnreadableRequest);
  const realtime = await attachRealtime(server, {
    database,
    settings: env,
    hooks: documentHooks(env, database),
    logger: realtimeLogger,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://localhost:${port}`;

  if (!options.database) {
    logger().info({ url, db: database.kind, seeded }, "Broen is listening");
  }

  const stopHousekeeping = startHousekeeping();
  // Without SMTP_URL nothing leaves the machine: messages wait in the outbox for admins to read.
  const mailSender = env.SMTP_URL
    ? startMailSender({ smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, pollMs: env.MAIL_POLL_MS })
    : null;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      stopHousekeeping();
      await mailSender?.stop();
      await realtime.close();
      await projectionsSettled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      if (!options.database) await database.close();
    })();
    return closing;
  };
  return { url, env, database, server, realtime, close };
}

const UNREADABLE: Record<string, [status: number, reason: string, text: string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "Adressen eller forespørselen er for lang. / The address or request is too long.",
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    413,
    "Payload Too Large",
    "Skjemaet er for stort. / The form is too large.",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    "Request Timeout",
    "Forespørselen kom for sakte fram. / The request arrived too slowly.",
  ],
};
const NOT_HTTP: [number, string, string] = [
  400,
  "Bad Request",
  "Forespørselen kunne ikke leses. / The request could not be read.",
];

/**
 * A request Node's parser refuses (bytes that are not HTTP, a request line or headers over
 * 16 KiB) never reaches the app: answered as Node would, but with a message, and not logged.
 */
function answerUnreadableRequest(error: NodeJS.ErrnoException, socket: Duplex) {
  // As Node's own answer: only if no answer to an earlier request on this connection has begun.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })
    ._httpMessage;
  if (error.code !== "ECONNRESET" && socket.writable && !inFlight?.headersSent) {
    const [status, reason, text] = UNREADABLE[error.code ?? ""] ?? NOT_HTTP;
    const body = Buffer.from(`${text}\n`);
    const head =
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n`;
    socket.write(Buffer.concat([Buffer.from(head), body]));
  }
  socket.destroy();
}

export async function demoLoginsIfPresent(database: DatabaseHandle): Promise<string[]> {
  return (await hasDemoAccounts(database.db)) ? demoLoginLines() : [];
}
