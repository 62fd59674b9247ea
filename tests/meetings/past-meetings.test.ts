import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetings, networks } from "../../db/schema";
import { nb } from "../../app/i18n/nb";
import { snapshotOf } from "../../app/features/meetings/meetings.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Issue 10, item 14: a meeting time that has passed is neither refused nor taken silently. The
 * form answers 400 with a warning and a box to tick ("the meeting was held then"); with the box
 * ticked it saves. On an edit, only a change to a past time asks again.
 */

let server: TestServer;
let cookie = "";
let networkId = "";
let leaderId = "";
const db = () => server.database.db;
const oslo = () => DateTime.now().setZone("Europe/Oslo");
const counter = { value: 0 };

beforeAll(async () => {
  server = await startTestServer();
  cookie = await server.cookieFor(DEMO.leader);
  leaderId = await server.userId(DEMO.leader);
  networkId = (await db().select({ id: networks.id }).from(networks))[0]!.id;
});
afterAll(async () => {
  await server?.close();
});

function meetingForm(when: DateTime, extra: [string, string][] = []): [string, string][] {
  return [
    ["kind", "network_meeting"],
    ["date", when.toISODate()!],
    ["time", when.toFormat("HH:mm")],
    ["durationMinutes", "60"],
    ["place", "Fjordvik bibliotek"],
    ["videoLink", ""],
    ["internalTitle", `Møte i etterkant ${++counter.value}`],
    ["calendarTitle", "Møte – Broen"],
    ["leaderId", leaderId],
    ...extra,
  ];
}

const countMeetings = async () => (await db().select({ id: meetings.id }).from(meetings)).length;

describe("a meeting time that has passed", () => {
  it("asks the leader to confirm on create, and saves once confirmed", async () => {
    const lastWeek = oslo()
      .minus({ weeks: 1 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const before = await countMeetings();
    const asked = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [["intent", "create"], ...meetingForm(lastWeek)],
      cookie,
    );
    expect(asked.status).toBe(400);
    const html = await asked.text();
    expect(html).toContain(nb["meeting.pastWarning"]);
    expect(html).toContain(nb["meeting.inPast"]);
    expect(html).toMatch(/<input[^>]*name="pastConfirmed"/);
    expect(await countMeetings(), "nothing saved before the leader confirms").toBe(before);

    const saved = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [["intent", "create"], ...meetingForm(lastWeek, [["pastConfirmed", "on"]])],
      cookie,
    );
    expect(saved.status).toBe(302);
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(saved.headers.get("location") ?? "")![1]!;
    const [row] = await db().select().from(meetings).where(eq(meetings.id, id));
    expect(row!.startsAt.getTime()).toBe(lastWeek.toMillis());
  });

  it("does not ask for a time still ahead", async () => {
    const nextWeek = oslo()
      .plus({ weeks: 1 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const saved = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [["intent", "create"], ...meetingForm(nextWeek)],
      cookie,
    );
    expect(saved.status).toBe(302);
  });

  it("asks again on edit only when the time changes to another past time", async () => {
    const lastWeek = oslo()
      .minus({ weeks: 1 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const created = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [["intent", "create"], ...meetingForm(lastWeek, [["pastConfirmed", "on"]])],
      cookie,
    );
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(created.headers.get("location") ?? "")![1]!;
    const row = async () => (await db().select().from(meetings).where(eq(meetings.id, id)))[0]!;
    const edit = async (when: DateTime, extra: [string, string][] = []) => {
      const current = await row();
      return server.post(
        `/meetings/${id}/edit`,
        [
          ["intent", "update"],
          ["version", String(current.version)],
          ["startedFrom", JSON.stringify(snapshotOf(current))],
          ...meetingForm(when, extra),
        ],
        cookie,
      );
    };

    // Same (past) time, another title: saved without asking.
    expect((await edit(lastWeek)).status).toBe(302);

    const earlier = lastWeek.minus({ days: 2 });
    const asked = await edit(earlier);
    expect(asked.status).toBe(400);
    expect(await asked.text()).toContain(nb["meeting.pastWarning"]);
    expect((await row()).startsAt.getTime()).toBe(lastWeek.toMillis());

    expect((await edit(earlier, [["pastConfirmed", "on"]])).status).toBe(302);
    expect((await row()).startsAt.getTime()).toBe(earlier.toMillis());
  });
});

describe("a date inside a validation message", () => {
  it("is shown as every other date, not as yyyy-mm-dd", async () => {
    // Weekly at 02:30 from 17 October 2027: the third meeting falls in the repeated hour.
    const refused = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [
        ["intent", "create"],
        ...meetingForm(DateTime.fromISO("2027-10-17T02:30", { zone: "Europe/Oslo" }), [
          ["repeatEveryWeeks", "1"],
          ["repeatCount", "3"],
        ]),
      ],
      cookie,
    );
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain("Møtet i serien 31. okt. 2027 ville falle");
    expect(html).not.toContain("2027-10-31 ville");
  });
});
