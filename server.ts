import cluster from "node:cluster";
import { loadEnv } from "./app/env.server";
import { logger } from "./app/utils/logger.server";
import { demoLoginsIfPresent, startServer } from "./server/boot";
import { runPrimary } from "./server/cluster";
import { StartupError } from "./server/database";

/*
 * Entry point: `npm start` (production build) and `npm run dev` (live reload) both run this.
 * Configuration errors and an unreachable database end the process with one clear line.
 * With WEB_CONCURRENCY > 1 this process only starts and watches that many server processes.
 */
const SHUTDOWN_GRACE_MS = 10_000;

/*
 * One signal handler from the first line on, so that there is no moment without one: before
 * the server is up there is nothing to drain, so it just stops; once it is up, it drains.
 * Once: a supervisor may signal the whole process group (this process and its parent).
 */
let running: Awaited<ReturnType<typeof startServer>> | undefined;
let stopping = false;
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  if (!running) process.exit(143);
  logger().info({ signal }, "shutting down");
  const force = setTimeout(() => {
    logger().error("shutdown took too long; exiting");
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

async function serve(): Promise<void> {
  running = await startServer();
  if (cluster.isPrimary) {
    const logins = await demoLoginsIfPresent(running.database);
    process.stdout.write(
      [`\nBroen: ${running.url}  (database: ${running.database.kind})`, ...logins, ""].join("\n"),
    );
  }
}

try {
  if (cluster.isPrimary && loadEnv().WEB_CONCURRENCY > 1) {
    // The primary only watches its workers: it passes signals on (server/cluster.ts).
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await runPrimary(loadEnv());
  } else {
    await serve();
  }
} catch (error) {
  // A signal during start-up may close the database under a query that was still running.
  if (stopping) await new Promise(() => {});
  const known =
    error instanceof StartupError ||
    (error instanceof Error && error.message.startsWith("Invalid configuration"));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Broen could not start: ${message}\n`);
  if (!known) logger().error({ err: error }, "unexpected start-up failure");
  process.exit(1);
}
