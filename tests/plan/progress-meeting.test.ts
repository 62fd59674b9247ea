import { eq, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetings, networks, progressNotes } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * A progress note made by a leader in or for a meeting keeps the meeting (issue 12,
 * progress_notes.meeting_id), and the table of notes shows it; a meeting of another network
 * or no meeting at all is a 400 and stores nothing; a note without a meeting stays possible.
 */
let server: TestServer;
let docs: DemoDocuments;
let leaderCookie = "";
const WORDS = "Bedre-dager-etter-møtet-4b7";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  leaderCookie = await server.cookieFor(DEMO.leader);
});

afterAll(async () => {
  await server?.close();
});

const pagePath = () => `/networks/${docs.networkId}/progress`;
const notes = () =>
  server.database.db
    .select()
    .from(progressNotes)
    .where(eq(progressNotes.networkId, docs.networkId));

describe("progress notes and meetings", () => {
  it("the leader's form offers the network's meetings; the note keeps the one chosen, and the table shows it", async () => {
    const html = await (await server.fetch(pagePath(), { cookie: leaderCookie })).text();
    expect(html).toContain('name="meetingId"');
    expect(html).toContain(`value="${docs.meetingId}"`);
    const response = await server.post(
      pagePath(),
      { area: "housing", scale: "4", inMyWords: WORDS, meetingId: docs.meetingId },
      leaderCookie,
    );
    expect(response.status).toBe(200);
    const [note] = await notes();
    expect(note?.meetingId).toBe(docs.meetingId);
    const [meeting] = await server.database.db
      .select({ startsAt: meetings.startsAt })
      .from(meetings)
      .where(eq(meetings.id, docs.meetingId));
    const shown = new Intl.DateTimeFormat("nb-NO", {
      dateStyle: "medium",
      timeZone: "Europe/Oslo",
    }).format(meeting!.startsAt);
    const table = await (await server.fetch(pagePath(), { cookie: leaderCookie })).text();
    const row = /<tr>(?:(?!<\/tr>)[\s\S])*Bedre-dager-etter-møtet-4b7[\s\S]*?<\/tr>/.exec(
      table,
    )?.[0];
    expect(row).toContain(shown);
  });

  it("another network's meeting, an unknown one or garbage is a 400 and stores nothing", async () => {
    const [other] = await server.database.db
      .select({ id: meetings.id })
      .from(meetings)
      .innerJoin(networks, eq(networks.id, meetings.networkId))
      .where(ne(meetings.networkId, docs.networkId))
      .limit(1);
    const bad = [crypto.randomUUID(), "not-a-meeting", ...(other ? [other.id] : [])];
    for (const meetingId of bad) {
      const response = await server.post(
        pagePath(),
        { area: "housing", scale: "3", meetingId },
        leaderCookie,
      );
      expect(response.status, meetingId).toBe(400);
    }
    expect(await notes()).toHaveLength(1);
  });

  it("a note without a meeting is still fine", async () => {
    const response = await server.post(
      pagePath(),
      { area: "housing", scale: "3", meetingId: "" },
      leaderCookie,
    );
    expect(response.status).toBe(200);
    const all = await notes();
    expect(all).toHaveLength(2);
    expect(all.filter((n) => n.meetingId === null)).toHaveLength(1);
  });
});
