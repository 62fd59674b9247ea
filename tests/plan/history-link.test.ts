import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { auditLog } from "../../db/schema";
import { PERSON_REF } from "../../app/features/documents/shapes";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { addGoal, readAreaPlan } from "../../app/features/plan/document";
import { EMPTY_SNAPSHOT } from "../../app/features/plan/history";
import { storePlanSnapshot } from "../../app/features/plan/plan-history.server";
import { startTestServer, type TestServer } from "../support/server";
import { demoDocuments, personLinkToken, type DemoDocuments } from "../support/realtime";

/*
 * The plan's history through the person's own link (issue 12): the same view of what changed
 * between meetings as the leaders', every part (the crisis plan and areas no partner sees
 * included), linked from their plan page and logged as the person; any other link is a 404.
 */
let server: TestServer;
let docs: DemoDocuments;
let personToken = "";
let snapshotId = "";
const WORK_GOAL = "Prøve-meg-i-bakeriet-link-7d3";
const MOOD_GOAL = "Sove-bedre-om-kvelden-link-1c5";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  const { db } = server.database;
  personToken = await personLinkToken(db, docs);
  const area = (words: string) => {
    const doc = new Y.Doc();
    addGoal(doc, { inMyWords: words, by: PERSON_REF });
    return readAreaPlan(doc).plan;
  };
  await storePlanSnapshot(db, {
    networkId: docs.networkId,
    meetingId: docs.meetingId,
    plan: {
      ...EMPTY_SNAPSHOT,
      areas: { work_activity: area(WORK_GOAL), mental_health: area(MOOD_GOAL) },
    },
  });
  const html = await (await server.fetch(`/i/${personToken}/plan/history`)).text();
  snapshotId = /<option value="([0-9a-f-]{36})"/.exec(html)?.[1] ?? "";
});

afterAll(async () => {
  await server?.close();
});

describe("plan history through the person's link", () => {
  it("shows every part that changed, and the plan page links to it", async () => {
    const response = await server.fetch(`/i/${personToken}/plan/history`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(WORK_GOAL);
    expect(html).toContain(MOOD_GOAL);
    expect(snapshotId).not.toBe("");
    const plan = await (await server.fetch(`/i/${personToken}/plan`)).text();
    expect(plan).toContain(`href="/i/${personToken}/plan/history"`);
  });

  it("is logged as the person, via the link", async () => {
    const rows = await server.database.db
      .select({
        label: auditLog.actorLabel,
        userId: auditLog.actorUserId,
        details: auditLog.details,
      })
      .from(auditLog)
      .where(and(eq(auditLog.action, "plan.history_view"), eq(auditLog.subjectId, docs.networkId)));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.userId).toBeNull();
      expect(row.label).toMatch(/^person:/);
      expect(row.details).toMatchObject({ parts: "all", via: "link" });
    }
  });

  it("a relative's link, an unknown link and an old link get 404; a bad meeting id is a 400", async () => {
    const relative = invitationToken(docs.relativeInvitationId, 1);
    for (const token of [relative, "not-a-token", personToken.slice(0, -2) + "xx"]) {
      expect((await server.fetch(`/i/${token}/plan/history`)).status, token).toBe(404);
    }
    expect((await server.fetch(`/i/${personToken}/plan/history?to=nonsense`)).status).toBe(400);
    expect(
      (await server.fetch(`/i/${personToken}/plan/history?to=${crypto.randomUUID()}`)).status,
    ).toBe(400);
    expect((await server.fetch(`/i/${personToken}/plan/history?to=${snapshotId}`)).status).toBe(
      200,
    );
  });
});
