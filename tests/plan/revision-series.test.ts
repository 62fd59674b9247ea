import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, meetings, networks, outbox } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * Follow-up meetings made "until the plan's revision" follow the revision date when a leader
 * moves it on the plan page (issue 12), after a question that lists each meeting: an earlier
 * date cancels the meetings after it (everyone invited gets a CANCEL), a later one continues
 * the series with the last meeting's place, leaders and invitees. "Move only the date" leaves
 * the meetings and unties the series from the revision; a second click moves nothing twice;
 * partners get the 404 answer.
 */
let server: TestServer;
let docs: DemoDocuments;
let seriesId = "";
const cookie: Record<string, string> = {};

const page = () => `/networks/${docs.networkId}/plan`;
const QUESTION = "Skal oppfølgingsmøtene følge den nye datoen?";
const revise = (planRevisionOn: string, as = "leader", series?: string) =>
  server.post(
    page(),
    { intent: "revision", planRevisionOn, ...(series ? { series } : {}) },
    cookie[as],
  );
const revisionOn = async () =>
  (
    await server.database.db
      .select({ on: networks.planRevisionOn })
      .from(networks)
      .where(eq(networks.id, docs.networkId))
  )[0]!.on;
/** The series' meetings: "yyyy-mm-dd status", in order. */
const series = async () =>
  (
    await server.database.db
      .select({ startsAt: meetings.startsAt, status: meetings.status })
      .from(meetings)
      .where(eq(meetings.seriesId, seriesId))
      .orderBy(asc(meetings.startsAt))
  )
    .map((m) => `${m.startsAt.toISOString().slice(0, 10)} ${m.status}`)
    .sort();
const seriesIds = async () =>
  (
    await server.database.db
      .select({ id: meetings.id })
      .from(meetings)
      .where(eq(meetings.seriesId, seriesId))
  ).map((m) => m.id);

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const role of ["leader", "nav"] as const) cookie[role] = await server.cookieFor(DEMO[role]);
  expect((await revise("2027-03-01")).status).toBe(200);
  const leaderId = await server.userId(DEMO.leader);
  const created = await server.post(
    `/meetings/new?networkId=${docs.networkId}`,
    [
      ["intent", "create"],
      ["kind", "follow_up_meeting"],
      ["date", "2027-02-01"],
      ["time", "10:00"],
      ["durationMinutes", "60"],
      ["place", "Fjordvik helsehus, rom 3"],
      ["videoLink", ""],
      ["internalTitle", "Oppfølging"],
      ["calendarTitle", "Møte – Broen"],
      ["memberId", docs.navMemberId],
      ["leaderId", leaderId],
      ["repeatEveryWeeks", "1"],
      ["repeatUntilRevision", "on"],
    ],
    cookie.leader,
  );
  expect(created.status).toBe(302);
  const firstId = /\/meetings\/([0-9a-f-]{36})/.exec(created.headers.get("location") ?? "")![1]!;
  seriesId = (await server.database.db.select().from(meetings).where(eq(meetings.id, firstId)))[0]!
    .seriesId!;
});

afterAll(async () => {
  await server?.close();
});

describe("the follow-up series follows the revision date", () => {
  it("asks first, naming each meeting an earlier date would cancel; nothing changes yet", async () => {
    expect(await series()).toEqual([
      "2027-02-01 scheduled",
      "2027-02-08 scheduled",
      "2027-02-15 scheduled",
      "2027-02-22 scheduled",
      "2027-03-01 scheduled",
    ]);
    const response = await revise("2027-02-14");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(QUESTION);
    for (const day of ["15. feb. 2027", "22. feb. 2027", "1. mars 2027"])
      expect(html).toContain(day);
    expect(html).not.toContain("8. feb. 2027");
    expect(html).toContain('data-color="danger"');
    expect(await revisionOn()).toBe("2027-03-01");
    expect((await series()).every((m) => m.endsWith("scheduled"))).toBe(true);
  });

  it("moving the meetings cancels those after the date, with a CANCEL to each invitee; a second click changes nothing more", async () => {
    const [first, second] = await Promise.all([
      revise("2027-02-14", "leader", "move"),
      revise("2027-02-14", "leader", "move"),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await revisionOn()).toBe("2027-02-14");
    expect(await series()).toEqual([
      "2027-02-01 scheduled",
      "2027-02-08 scheduled",
      "2027-02-15 cancelled",
      "2027-02-22 cancelled",
      "2027-03-01 cancelled",
    ]);
    const cancels = await server.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .innerJoin(invitations, eq(invitations.id, outbox.invitationId))
      .where(
        and(inArray(invitations.meetingId, await seriesIds()), eq(outbox.calendarMethod, "CANCEL")),
      );
    expect(cancels.length).toBe(3);
    const logged = await server.database.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, "plan.revision_set"), eq(auditLog.subjectId, docs.networkId)));
    expect(logged.at(-1)!.details).toMatchObject({ to: "2027-02-14", cancelled: 3, added: 0 });
    const cancelled = await server.database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, "meeting.cancel"), inArray(auditLog.subjectId, await seriesIds())),
      );
    expect(cancelled).toHaveLength(3);
  });

  it("a later date continues the series with the last meeting's place, leaders and invitees", async () => {
    // Added meetings keep the leaders who may still lead.
    const asked = await (await revise("2027-03-01")).text();
    expect(asked).toContain(QUESTION);
    const response = await revise("2027-03-01", "leader", "move");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("0 avlyst, 3 lagt til");
    expect(await series()).toEqual([
      "2027-02-01 scheduled",
      "2027-02-08 scheduled",
      "2027-02-15 cancelled",
      "2027-02-15 scheduled",
      "2027-02-22 cancelled",
      "2027-02-22 scheduled",
      "2027-03-01 cancelled",
      "2027-03-01 scheduled",
    ]);
    const added = await server.database.db
      .select()
      .from(meetings)
      .where(and(eq(meetings.seriesId, seriesId), eq(meetings.status, "scheduled")))
      .orderBy(asc(meetings.startsAt));
    const last = added.at(-1)!;
    expect(last.place).toBe("Fjordvik helsehus, rom 3");
    // Same wall-clock time in Oslo as the first (10:00, CET).
    expect(last.startsAt.toISOString()).toBe("2027-03-01T09:00:00.000Z");
    const invited = await server.database.db
      .select()
      .from(invitations)
      .where(eq(invitations.meetingId, last.id));
    expect(invited.map((i) => i.memberId)).toEqual([docs.navMemberId]);
    const mails = await server.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.invitationId, invited[0]!.id));
    expect(mails).toHaveLength(1);
  });

  it("'move only the date' leaves the meetings, and the series no longer follows the date", async () => {
    const asked = await (await revise("2027-03-15")).text();
    expect(asked).toContain(QUESTION);
    expect(asked).toContain("15. mars 2027");
    expect(asked).not.toContain('data-color="danger"');
    expect((await revise("2027-03-15", "leader", "keep")).status).toBe(200);
    expect(await revisionOn()).toBe("2027-03-15");
    expect(await series()).toHaveLength(8);
    // Kept apart from the revision, the series is not asked about again, nor revived later.
    const again = await revise("2027-04-12");
    expect(await again.text()).not.toContain(QUESTION);
    expect(await revisionOn()).toBe("2027-04-12");
    expect(await series()).toHaveLength(8);
  });

  it("refuses a partner (404) and an unknown choice (400), changing nothing", async () => {
    expect((await revise("2027-02-10", "nav", "move")).status).toBe(404);
    expect((await revise("2027-02-10", "leader", "everything")).status).toBe(400);
    expect(await revisionOn()).toBe("2027-04-12");
    expect(await series()).toHaveLength(8);
  });

  it("clearing the date asks nothing and leaves the meetings", async () => {
    const response = await revise("");
    expect(await response.text()).not.toContain(QUESTION);
    expect(await revisionOn()).toBeNull();
    expect(await series()).toHaveLength(8);
  });
});
