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

// A signal before the server is up: nothing to drain yet, just stop.
const stopEarly = () => process.exit(143);
process.once("SIGTERM", stopEarly);
process.once("SIGINT", stopEarly);

async function serve(): Promise<void> {
  const running = await startServer();
  process.off("SIGTERM", stopEarly);
  process.off("SIGINT", stopEarly);
  if (cluster.isPrimary) {
    const logins = await demoLoginsIfPresent(running.database);
    process.stdout.write(
      [`\nBroen: ${running.url}  (database: ${running.database.kind})`, ...logins, ""].join("\n"),
    );
  }

  // Once: a supervisor may signal the whole process group (this process and its parent).
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
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
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

try {
  if (cluster.isPrimary && loadEnv().WEB_CONCURRENCY > 1) {
    process.off("SIGTERM", stopEarly);
    process.off("SIGINT", stopEarly);
    await runPrimary(loadEnv());
  } else {
    await serve();
  }
} catch (error) {
  const known =
    error instanceof StartupError ||
    (error instanceof Error && error.message.startsWith("Invalid configuration"));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Broen could not start: ${message}\n`);
  if (!known) logger().error({ err: error }, "unexpected start-up failure");
  process.exit(1);
}
