/*
 * The benchmark's calendar data: meetings spread around today, inserted with SQL that matches
 * db/schema/meetings.ts (tables meetings and meeting_leaders), and the same meetings as the feed builder
 * gets them from app/features/meetings/calendar-feed.server.ts.
 */
import crypto from "node:crypto";
import { DateTime } from "luxon";
import type { CalendarMeeting, FeedInput } from "../../app/features/calendar/ical.server";
import type { BenchDatabase } from "./bench-database";
import type { BroenClient } from "./broen-client";

export interface PlannedMeeting {
  id: string;
  kind: string;
  startsAt: Date;
  durationMinutes: number;
  place: string;
  videoLink: string | null;
  internalTitle: string;
  cancelled: boolean;
}

const KINDS = ["network_meeting", "follow_up_meeting", "evaluation_meeting"] as const;
const TITLES = ["Nettverksmøte", "Oppfølgingsmøte", "Evalueringsmøte"] as const;

/** `past` meetings over the last 28 days, the rest over the next 180, office hours in Oslo. */
export function planMeetings(total: number, past: number): PlannedMeeting[] {
  const today = DateTime.now().setZone("Europe/Oslo").startOf("day");
  return Array.from({ length: total }, (_, i) => {
    const day =
      i < past
        ? -28 + Math.floor((i * 28) / past)
        : 1 + Math.floor(((i - past) * 180) / (total - past));
    const start = today.plus({ days: day }).set({ hour: 8 + (i % 8), minute: (i % 4) * 15 });
    return {
      id: crypto.randomUUID(),
      kind: KINDS[i % 3]!,
      startsAt: start.toJSDate(),
      durationMinutes: i % 2 ? 60 : 90,
      place: `Fjordvik helsehus, møterom ${(i % 5) + 1}`,
      videoLink: i % 4 === 0 ? `https://video.fjordvik.test/rom/${i}` : null,
      internalTitle: TITLES[i % 3]!,
      cancelled: i % 20 === 19,
    };
  });
}

const ROW_CHUNK = 100;

/**
 * Inserts the meetings and their leader (tables meetings, meeting_leaders in
 * db/schema/meetings.ts), then analyzes the tables unless `analyze` is false (a caller that
 * inserts many small batches analyzes once at the end).
 */
export async function insertMeetings(
  db: BenchDatabase,
  planned: PlannedMeeting[],
  networkId: string,
  leaderId: string,
  options: { analyze?: boolean } = {},
) {
  const now = new Date().toISOString();
  for (let offset = 0; offset < planned.length; offset += ROW_CHUNK) {
    const chunk = planned.slice(offset, offset + ROW_CHUNK);
    const params: (string | null)[] = [];
    const rows = chunk.map((m) => {
      const at = params.length;
      params.push(
        m.id,
        networkId,
        m.kind,
        m.startsAt.toISOString(),
        String(m.durationMinutes),
        m.place,
        m.videoLink,
        m.internalTitle,
        m.cancelled ? "cancelled" : "scheduled",
        m.cancelled ? now : null,
        `${m.id}@broen`,
        m.cancelled ? "1" : "0",
        leaderId,
      );
      const p = (n: number) => `$${at + n}`;
      return (
        `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}::meeting_kind, ${p(4)}::timestamptz, ` +
        `${p(5)}::int, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}::meeting_status, ` +
        `${p(10)}::timestamptz, ${p(11)}, ${p(12)}::int, ${p(13)}::uuid, ${p(13)}::uuid)`
      );
    });
    await db.query(
      `insert into meetings (id, network_id, kind, starts_at, duration_minutes, place, ` +
        `video_link, internal_title, status, cancelled_at, ical_uid, sequence, ` +
        `created_by_user_id, updated_by_user_id) values ${rows.join(", ")}`,
      params,
    );
    await db.query(
      `insert into meeting_leaders (meeting_id, user_id) values ` +
        chunk.map((_, i) => `($${i + 2}::uuid, $1::uuid)`).join(", "),
      [leaderId, ...chunk.map((m) => m.id)],
    );
  }
  // A database in use has statistics on its tables (autovacuum gathers them within a minute of
  // a bulk insert). Without them PostgreSQL plans for a near-empty table: the list query then
  // joined all 380 upcoming meetings before sorting (0.8 ms instead of 0.1 ms per request).
  if (options.analyze !== false)
    await db.query("analyze meetings, meeting_leaders, networks, persons");
}

export const countEvents = (ics: string) => ics.split("BEGIN:VEVENT").length - 1;

/** The same meetings as calendar-feed.server.ts hands them to feedCalendar(). */
export function feedInput(planned: PlannedMeeting[], origin: string): FeedInput {
  const meetings: CalendarMeeting[] = planned.map((m) => {
    const url = new URL(`/meetings/${m.id}`, origin).href;
    return {
      uid: `${m.id}@broen`,
      sequence: m.cancelled ? 1 : 0,
      startsAt: m.startsAt,
      durationMinutes: m.durationMinutes,
      title: "Møte – Broen",
      place: m.place,
      videoLink: m.videoLink,
      description: `Se møtet i Broen / See the meeting in Broen: ${url}`,
      url,
      cancelled: m.cancelled,
    };
  });
  return { name: "Broen", meetings, stamp: new Date() };
}

/** What setUpLeaderFeed made through the forms. */
export interface LeaderFeed {
  personId: string;
  networkId: string;
  /** The https subscription link of the leader's new calendar feed. */
  feedUrl: string;
}

/**
 * The calendar benchmark's data built through the real forms, as the leader `client` (logged
 * in) would in a browser: a person, a network for them led by `leaderId`, one member (a friend,
 * invited) and a calendar feed. Each form is posted from its page with the page's form token
 * (BroenClient.postForm). Returns the new ids and the feed's link; throws BenchError naming the
 * step that was not answered as expected.
 */
export async function setUpLeaderFeed(client: BroenClient, leaderId: string): Promise<LeaderFeed> {
  const personId = await client.createAndFollow(
    "creating a person",
    "/persons/new",
    { name: "Benk Markussen" },
    "/persons",
  );
  const networkId = await client.createAndFollow(
    "creating a network",
    `/persons/${personId}`,
    { intent: "create-network", kind: "network_meeting_group", leaderId },
    "/networks",
  );
  await client.postExpectingPage("adding a member", `/networks/${networkId}`, {
    intent: "add-member",
    name: "Test",
    relation: "friend",
    circle: "family_friends",
    wantsInvited: "yes",
  });
  const feedUrl = await client.createFeed();
  return { personId, networkId, feedUrl };
}
