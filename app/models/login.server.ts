import { eq, sql } from "drizzle-orm";
import { getDatabase } from "../../db/client";
import { loginThrottle, users } from "../../db/schema";
import { recordAudit } from "./audit.server";
import { verifyPassword } from "./password.server";
import { createSession } from "./session.server";

const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;
/** Failures before a lock: per account (e-mail) and per client address. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

const accountKey = (email: string) => `account:${email}`;
const addressKey = (ip: string) => `address:${ip}`;

export type LoginResult =
  { ok: true; setCookie: string; userId: string } | { ok: false; reason: "invalid" | "throttled" };

/**
 * Checks a password login. Unknown e-mail, wrong password and inactive account all give the
 * same answer, in the same time (a decoy hash is verified), so the form tells nobody whether
 * an e-mail has an account.
 */
export async function attemptLogin(
  email: string,
  password: string,
  meta: { ip: string; userAgent: string | null },
): Promise<LoginResult> {
  const { db } = getDatabase();
  const keys = [accountKey(email), addressKey(meta.ip)];
  if (await isLocked(keys)) {
    await recordAudit(
      { label: "anonymous", ip: meta.ip },
      { action: "auth.login_failed", details: { reason: "throttled" } },
    );
    return { ok: false, reason: "throttled" };
  }

  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, password);

  if (!user || !passwordOk || !user.active) {
    await registerFailure(accountKey(email), MAX_FAILURES_PER_ACCOUNT);
    await registerFailure(addressKey(meta.ip), MAX_FAILURES_PER_ADDRESS);
    await recordAudit(
      { userId: user?.id, municipalityId: user?.municipalityId, ip: meta.ip, label: "anonymous" },
      {
        action: "auth.login_failed",
        subjectType: "user",
        subjectId: user?.id,
        details: { reason: "invalid" },
      },
    );
    return { ok: false, reason: "invalid" };
  }

  await db.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
  const setCookie = await createSession(user.id, meta);
  await recordAudit(
    { userId: user.id, municipalityId: user.municipalityId, ip: meta.ip },
    { action: "auth.login", subjectType: "user", subjectId: user.id },
  );
  return { ok: true, setCookie, userId: user.id };
}

async function isLocked(keys: string[]): Promise<boolean> {
  const rows = await getDatabase()
    .db.select({ lockedUntil: loginThrottle.lockedUntil })
    .from(loginThrottle)
    .where(sql`${loginThrottle.key} in ${keys}`);
  const now = Date.now();
  return rows.some((row) => row.lockedUntil && row.lockedUntil.getTime() > now);
}

/** One atomic upsert: counts failures in a sliding window and locks when the limit is reached. */
async function registerFailure(key: string, limit: number): Promise<void> {
  const now = new Date();
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  const lockUntil = new Date(now.getTime() + LOCK_MS);
  const stale = sql`${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz`;
  const nextFailures = sql`case when ${stale} then 1 else ${loginThrottle.failures} + 1 end`;
  await getDatabase()
    .db.insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now, lockedUntil: limit <= 1 ? lockUntil : null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: nextFailures,
        windowStartedAt: sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${nextFailures} >= ${limit} then ${lockUntil.toISOString()}::timestamptz else ${loginThrottle.lockedUntil} end`,
      },
    });
}

/** Counters whose window and lock have both passed carry no information any more. */
export async function pruneLoginThrottle(): Promise<void> {
  const now = new Date();
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  await getDatabase()
    .db.delete(loginThrottle)
    .where(
      sql`${loginThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz
        and (${loginThrottle.lockedUntil} is null or ${loginThrottle.lockedUntil} < ${now.toISOString()}::timestamptz)`,
    );
}
