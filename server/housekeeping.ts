import { logger } from "../app/utils/logger.server";
import { pruneLoginThrottle } from "../app/features/accounts/login.server";
import { pruneExpiredSessions } from "../app/features/accounts/session.server";
import { pruneFormSubmissions } from "../app/features/forms/once.server";
import { runReminders } from "../app/features/mail/reminders.server";

const EVERY_MS = 10 * 60 * 1000;

/**
 * Removes expired sessions, stale login counters and used form tokens now and then, and queues
 * due reminders (reminders.server.ts: each is sent once, so every process may run it); returns
 * a stop function.
 */
export function startHousekeeping(): () => void {
  const run = async () => {
    try {
      await pruneExpiredSessions();
      await pruneLoginThrottle();
      await pruneFormSubmissions();
    } catch (error) {
      logger().warn({ err: error }, "housekeeping failed");
    }
    try {
      const queued = await runReminders();
      if (queued.meetings + queued.revisions > 0) logger().info(queued, "reminders queued");
    } catch (error) {
      logger().warn({ err: error }, "reminders failed");
    }
  };
  const timer = setInterval(() => void run(), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
