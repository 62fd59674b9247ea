import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  auditLog,
  consents,
  documentUpdates,
  meetingLeaders,
  meetings,
  planSnapshots,
} from "../../db/schema";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { PERSON_REF } from "../../app/features/documents/shapes";
import { addGoal, addPlanAction, crisisText } from "../../app/features/plan/document";
import type { PlanSnapshot } from "../../app/features/plan/history";
import { storePlanSnapshot } from "../../app/features/plan/plan-history.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * The plan's history on the real server (both databases; ADR 020): locking a meeting's minutes
 * stores the plan once; the history page shows leaders every part that changed and a partner
 * only the parts their consent covers now; others, bad ids and withdrawn consent are refused.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let leaderId: string;
let secondMeetingId: string;
const WORK_GOAL = "Praksisplass-hos-bakeriet-4c1d";
const WORK_GOAL_NOW = "Fast-deltidsjobb-hos-bakeriet-4c1d";
const MOOD_GOAL = "Roligere-kvelder-hemmelig-8e2a";
const CRISIS_TEXT = "Kriseplan-tidlige-tegn-5b7f";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leaderId = await server.userId(DEMO.leader);
  const { db } = server.database;
  // The plan as written before the meeting, stored before the realtime server loads it.
  const work = new Y.Doc();
  const goalId = addGoal(work, { inMyWords: WORK_GOAL, by: PERSON_REF });
  addPlanAction(work, {
    what: "Ringe bakeriet",
    responsible: PERSON_REF,
    due: "2027-01-15",
    goalId,
    by: PERSON_REF,
  });
  const crisis = new Y.Doc();
  crisisText(crisis, "earlySigns").insert(0, CRISIS_TEXT);
  await db.insert(documentUpdates).values([
    {
      documentName: planDocumentName(docs.networkId, "work_activity"),
      update: Y.encodeStateAsUpdate(work),
    },
    {
      documentName: planDocumentName(docs.networkId, "crisis_plan"),
      update: Y.encodeStateAsUpdate(crisis),
    },
  ]);
  // NAV may see work and economy; not mental health, not the crisis plan.
  await db.insert(consents).values({
    memberId: docs.navMemberId,
    content: "plan",
    planParts: ["work_activity", "economy"],
    givenOn: "2020-01-01",
    method: "verbal_in_meeting",
    recordedByUserId: leaderId,
  });
});

afterAll(async () => {
  await server?.close();
});

const get = (path: string, who?: string) =>
  server.fetch(path, { cookie: who ? cookie[who] : undefined, redirect: "manual" });
const historyPath = () => `/networks/${docs.networkId}/plan/history`;
const minutes = (fields: Record<string, string>) =>
  server.post(`/meetings/${docs.meetingId}/minutes`, fields, cookie.leader);
const snapshotCount = async () => {
  const [row] = await server.database.db
    .select({ n: count() })
    .from(planSnapshots)
    .where(eq(planSnapshots.networkId, docs.networkId));
  return row!.n;
};

describe("snapshot at the lock", () => {
  it("stores the plan once when the minutes are locked, however often the lock is sent", async () => {
    expect((await minutes({ intent: "close" })).status).toBe(200);
    expect(await snapshotCount()).toBe(0);
    const lock = {
      intent: "lock",
      version: "1",
      reason: "Personen var ikke til stede",
      understood: "yes",
    };
    const [first, second] = await Promise.all([minutes(lock), minutes(lock)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await minutes(lock)).status).toBe(200);
    expect(await snapshotCount()).toBe(1);
    const [row] = await server.database.db
      .select()
      .from(planSnapshots)
      .where(eq(planSnapshots.meetingId, docs.meetingId));
    const plan = row!.plan as PlanSnapshot;
    expect(plan.areas.work_activity?.goals.map((g) => g.inMyWords)).toEqual([WORK_GOAL]);
    expect(plan.areas.work_activity?.actions.map((a) => a.due)).toEqual(["2027-01-15"]);
    expect(plan.crisis?.earlySigns).toBe(CRISIS_TEXT);
    const [audit] = await server.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "plan.snapshot"), eq(auditLog.subjectId, docs.meetingId)));
    expect(audit!.n).toBe(1);
  });
});

describe("the history page", () => {
  beforeAll(async () => {
    const { db } = server.database;
    const [first] = await db
      .select({ plan: planSnapshots.plan, startsAt: meetings.startsAt })
      .from(planSnapshots)
      .innerJoin(meetings, eq(meetings.id, planSnapshots.meetingId))
      .where(eq(planSnapshots.meetingId, docs.meetingId));
    const before = first!.plan as PlanSnapshot;
    const work = before.areas.work_activity!;
    // The next meeting: the goal in new words, the action done and moved, a new mental-health
    // goal and a changed crisis plan.
    const after: PlanSnapshot = {
      ...before,
      areas: {
        work_activity: {
          goals: work.goals.map((g) => ({ ...g, inMyWords: WORK_GOAL_NOW })),
          actions: work.actions.map((a) => ({ ...a, status: "done", due: "2027-02-01" })),
        },
        mental_health: {
          goals: [{ ...work.goals[0]!, id: "mood-goal-1", inMyWords: MOOD_GOAL }],
          actions: [],
        },
      },
      crisis: { ...before.crisis!, earlySigns: `${CRISIS_TEXT} og mer` },
    };
    const [meeting] = await db
      .insert(meetings)
      .values({
        networkId: docs.networkId,
        kind: "follow_up_meeting",
        startsAt: new Date(first!.startsAt.getTime() + 30 * 86_400_000),
        durationMinutes: 60,
        internalTitle: "Oppfølging",
        icalUid: `${crypto.randomUUID()}@broen.test`,
        createdByUserId: leaderId,
      })
      .returning({ id: meetings.id });
    secondMeetingId = meeting!.id;
    await db.insert(meetingLeaders).values({ meetingId: secondMeetingId, userId: leaderId });
    expect(
      await storePlanSnapshot(db, {
        networkId: docs.networkId,
        meetingId: secondMeetingId,
        plan: after,
      }),
    ).toBe(true);
    // Idempotent: a second store for the same meeting stores nothing.
    expect(
      await storePlanSnapshot(db, {
        networkId: docs.networkId,
        meetingId: secondMeetingId,
        plan: before,
      }),
    ).toBe(false);
  });

  it("shows a leader every part that changed between the two meetings", async () => {
    const response = await get(historyPath(), "leader");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Mål med nye ord");
    expect(html).toContain(WORK_GOAL_NOW);
    expect(html).toContain(WORK_GOAL);
    expect(html).toContain("Tiltak som er gjort");
    expect(html).toContain("Tiltak med ny frist");
    expect(html).toContain(MOOD_GOAL);
    expect(html).toContain("Kriseplanen er endret");
    expect(html).not.toContain(CRISIS_TEXT);
  });

  it("compares the first meeting with the empty plan when asked", async () => {
    const [first] = await server.database.db
      .select({ id: planSnapshots.id })
      .from(planSnapshots)
      .where(eq(planSnapshots.meetingId, docs.meetingId));
    const html = await (await get(`${historyPath()}?to=${first!.id}`, "leader")).text();
    expect(html).toContain("Nye mål");
    expect(html).toContain(WORK_GOAL);
    expect(html).not.toContain(MOOD_GOAL);
  });

  it("shows a partner only the parts their consent covers", async () => {
    const response = await get(historyPath(), "nav");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(WORK_GOAL_NOW);
    expect(html).not.toContain(MOOD_GOAL);
    expect(html).not.toContain("Kriseplan");
    expect(html).not.toContain("Psykisk helse");
  });

  it("refuses others, bad ids, and shows nothing after consent is withdrawn", async () => {
    expect((await get(historyPath(), "leader2")).status).toBe(404);
    expect((await get(historyPath(), "volunteer")).status).toBe(404);
    expect((await get(historyPath())).status).toBe(302);
    expect((await get(`/networks/${crypto.randomUUID()}/plan/history`, "leader")).status).toBe(404);
    expect((await get(`${historyPath()}?to=${crypto.randomUUID()}`, "leader")).status).toBe(400);
    expect((await get(`${historyPath()}?from=not-an-id`, "leader")).status).toBe(400);
    await server.database.db
      .update(consents)
      .set({ withdrawnAt: new Date() })
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "plan")));
    const html = await (await get(historyPath(), "nav")).text();
    expect(html).toContain("Du har ikke samtykke til å se noen del av planen.");
    expect(html).not.toContain(WORK_GOAL_NOW);
    const [views] = await server.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "plan.history_view"), eq(auditLog.subjectId, docs.networkId)));
    expect(views!.n).toBeGreaterThanOrEqual(4);
  });
});
