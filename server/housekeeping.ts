import { logger } from "../app/utils/logger.server";
import { pruneLoginThrottle } from "../app/features/accounts/login.server";
import { pruneExpiredSessions } from "../app/features/accounts/session.server";
import { pruneFormSubmissions } from "../app/features/forms/once.server";

const EVERY_MS = 10 * 60 * 1000;

/** Removes expired sessions, stale login counters and used form tokens now and then; returns a stop function. */
export function startHousekeeping(): () => void {
  const run = async () => {
    try {
      await pruneExpiredSessions();
      await pruneLoginThrottle();
      await pruneFormSubmissions();
    } catch (error) {
      logger().warn({ err: error }, "housekeeping failed");
    }
  };
  const timer = setInterval(() => void run(), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
