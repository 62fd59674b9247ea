import { eq, sql } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { loginThrottle, users } from "../../../db/schema";
import { recordAudit, recordAuditNow } from "../audit/audit.server";
import { verifyPassword } from "./password.server";
import { createSession } from "./session.server";

const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;
/** Attempts allowed per window: per account (e-mail) and per client address. */
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

const accountKey = (email: string) => `account:${email}`;

/** IPv6 clients usually own a whole /64: count them as one address. */
export function addressKey(ip: string): string {
  if (!ip.includes(":") || ip.startsWith("::ffff:")) return `address:${ip.replace(/^::ffff:/, "")}`;
  const [head = "", tail = ""] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill("0"), ...tailGroups];
  return `address:${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export type LoginResult =
  { ok: true; setCookie: string; userId: string } | { ok: false; reason: "invalid" | "throttled" };

/**
 * Checks a password login. Unknown e-mail, wrong password and inactive account all give the
 * same answer, in the same time (a decoy hash is verified), so the form tells nobody whether
 * an e-mail has an account. Each attempt is counted before the password is checked, so
 * parallel requests cannot slip past the limit.
 */
export async function attemptLogin(
  email: string,
  password: string,
  meta: { ip: string; userAgent: string | null; previousSessionHash?: string | null },
): Promise<LoginResult> {
  const { db } = getDatabase();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const actor = { label: "anonymous", municipalityId: user?.municipalityId, ip: meta.ip };
  const subject = user ? { subjectType: "user", subjectId: user.id } : {};

  const accountLocked = await countAttempt(accountKey(email), MAX_FAILURES_PER_ACCOUNT);
  const addressLocked = await countAttempt(addressKey(meta.ip), MAX_FAILURES_PER_ADDRESS);
  if (accountLocked || addressLocked) {
    await recordAuditNow(actor, {
      action: "auth.login_failed",
      ...subject,
      details: { reason: "throttled" },
    });
    return { ok: false, reason: "throttled" };
  }

  const passwordOk = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !passwordOk || !user.active) {
    await recordAuditNow(actor, {
      action: "auth.login_failed",
      ...subject,
      details: { reason: "invalid" },
    });
    return { ok: false, reason: "invalid" };
  }

  const setCookie = await db.transaction(async (tx) => {
    await tx.delete(loginThrottle).where(eq(loginThrottle.key, accountKey(email)));
    // A success is not a failure of the address either.
    await tx
      .update(loginThrottle)
      .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
      .where(eq(loginThrottle.key, addressKey(meta.ip)));
    const cookie = await createSession(user.id, meta, tx);
    await recordAudit(
      { userId: user.id, municipalityId: user.municipalityId, ip: meta.ip },
      { action: "auth.login", subjectType: "user", subjectId: user.id },
      tx,
    );
    return cookie;
  });
  return { ok: true, setCookie, userId: user.id };
}

/**
 * Counts one attempt for a key in one atomic upsert and tells whether the key is locked:
 * past `limit` attempts within the window it locks for LOCK_MS.
 */
async function countAttempt(key: string, limit: number): Promise<boolean> {
  const now = new Date();
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const lockSql = sql`${new Date(now.getTime() + LOCK_MS).toISOString()}::timestamptz`;
  const locked = sql`(${loginThrottle.lockedUntil} is not null and ${loginThrottle.lockedUntil} > ${nowSql})`;
  const stale = sql`(${loginThrottle.windowStartedAt} < ${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz and not ${locked})`;
  const next = sql`case when ${stale} then 1 else ${loginThrottle.failures} + 1 end`;
  const [row] = await getDatabase()
    .db.insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: next,
        windowStartedAt: sql`case when ${stale} then ${nowSql} else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${locked} then ${loginThrottle.lockedUntil} when ${next} > ${limit} then ${lockSql} else null end`,
      },
    })
    .returning({ lockedUntil: loginThrottle.lockedUntil });
  return !!row?.lockedUntil && row.lockedUntil.getTime() > now.getTime();
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
