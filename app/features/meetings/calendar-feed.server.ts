import { once, type FormClaim } from "../forms/once.server";
import { eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { calendarFeeds } from "../../../db/schema";
import { hashToken, newToken } from "../../utils/tokens.server";
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { can } from "../access/permissions";
import { feedCalendar } from "../calendar/ical.server";
import { publicBaseUrl } from "./invitation-links.server";
import { listMeetings } from "./meetings.server";
import { accessUserById, type SessionUser } from "../accounts/session.server";

type Context = { clientIp: string };
/** How far back a feed reaches: recent meetings stay visible for a while. */
const RECENT_DAYS = 30;
/** More than anyone has in a few months; a bound so one feed cannot grow without limit. */
const FEED_LIMIT = 2000;

export async function hasFeed(userId: string): Promise<boolean> {
  const [row] = await getDatabase()
    .db.select({ userId: calendarFeeds.userId })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.userId, userId));
  return !!row;
}

/**
 * A new secret subscription link (the previous one stops working); shown once. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function createFeed(
  user: SessionUser,
  context: Context,
  claim?: FormClaim,
): Promise<{ https: string; webcal: string }> {
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const { token, hash } = newToken();
      await tx
        .insert(calendarFeeds)
        .values({ userId: user.id, tokenHash: hash })
        .onConflictDoUpdate({
          target: calendarFeeds.userId,
          set: { tokenHash: hash, createdAt: new Date() },
        });
      await recordAudit(
        auditActor(user, context),
        { action: "feed.create", subjectType: "user", subjectId: user.id },
        tx,
      );
      const https = new URL(`/calendar/${token}.ics`, publicBaseUrl()).href;
      return { https, webcal: https.replace(/^https?:/, "webcal:") };
    }),
  );
}

export async function revokeFeed(user: SessionUser, context: Context): Promise<void> {
  await getDatabase().db.transaction(async (tx) => {
    await tx.delete(calendarFeeds).where(eq(calendarFeeds.userId, user.id));
    await recordAudit(
      auditActor(user, context),
      { action: "feed.revoke", subjectType: "user", subjectId: user.id },
      tx,
    );
  });
}

/**
 * The feed behind a subscription link: the user's upcoming and recent meetings (those they
 * lead or are invited to, by the same access rules as the pages), with neutral titles and no
 * attendees. Null for an unknown or revoked link, a deactivated user, or one whose roles no
 * longer let them see meetings.
 */
export async function feedByToken(token: string, ip: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const { db } = getDatabase();
  const [feed] = await db
    .select()
    .from(calendarFeeds)
    .where(eq(calendarFeeds.tokenHash, hashToken(token)));
  if (!feed) return null;
  const user = await accessUserById(feed.userId);
  // The same role rule as the meetings pages: without it, no meetings at all.
  if (!user || !can(user.roles, "meetings.view")) return null;
  const from = new Date(Date.now() - RECENT_DAYS * 86_400_000);
  const rows = await listMeetings(user, { tab: "all", from, limit: FEED_LIMIT });
  await recordAuditNow(
    { userId: user.id, municipalityId: user.municipalityId, ip },
    {
      action: "feed.fetch",
      subjectType: "user",
      subjectId: user.id,
      details: { meetings: rows.length },
    },
  );
  const base = publicBaseUrl();
  return feedCalendar({
    name: "Broen",
    meetings: rows.map((m) => {
      const url = new URL(`/meetings/${m.id}`, base).href;
      return {
        uid: m.icalUid,
        sequence: m.sequence,
        startsAt: m.startsAt,
        durationMinutes: m.durationMinutes,
        title: m.calendarTitle,
        place: m.place,
        videoLink: m.videoLink,
        description: `Se møtet i Broen / See the meeting in Broen: ${url}`,
        url,
        cancelled: m.status === "cancelled",
      };
    }),
  });
}
