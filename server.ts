import { logger } from "./app/utils/logger.server";
import { demoLoginsIfPresent, startServer } from "./server/boot";
import { StartupError } from "./server/database";

/*
 * Entry point: `npm start` (production build) and `npm run dev` (live reload) both run this.
 * Configuration errors and an unreachable database end the process with one clear line.
 */
const SHUTDOWN_GRACE_MS = 10_000;

// A signal before the server is up: nothing to drain yet, just stop.
const stopEarly = () => process.exit(143);
process.once("SIGTERM", stopEarly);
process.once("SIGINT", stopEarly);

try {
  const running = await startServer();
  process.off("SIGTERM", stopEarly);
  process.off("SIGINT", stopEarly);
  const logins = await demoLoginsIfPresent(running.database);
  process.stdout.write(
    [`\nBroen: ${running.url}  (database: ${running.database.kind})`, ...logins, ""].join("\n"),
  );

  const shutdown = (signal: string) => {
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
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
} catch (error) {
  const known =
    error instanceof StartupError ||
    (error instanceof Error && error.message.startsWith("Invalid configuration"));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Broen could not start: ${message}\n`);
  if (!known) logger().error({ err: error }, "unexpected start-up failure");
  process.exit(1);
}
