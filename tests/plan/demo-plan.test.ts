import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planActions, planGoals } from "../../db/schema";
import { seedDemoPlan } from "../../db/seed-plan";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { documentStateNow } from "../../app/features/documents/state.server";
import { readAreaPlan, readCrisisPlan, readOverview } from "../../app/features/plan/document";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * The demo plan a local install starts with (db/seed-plan.ts): its documents read without a
 * single problem, the projection holds its goals and actions, NAV's My tasks lists NAV's
 * actions (the overdue one first) and NAV's plan page shows work and economy but not the
 * crisis plan. Seeding twice changes nothing.
 */
let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  await seedDemoPlan(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

const state = async (name: string) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await documentStateNow(name));
  return doc;
};

describe("the demo plan", () => {
  it("is written as well-formed live documents, one per part", async () => {
    const overview = readOverview(await state(planDocumentName(docs.networkId)));
    expect(overview.problems).toEqual([]);
    expect(overview.overview.areas).toEqual([
      "mental_health",
      "housing",
      "work_activity",
      "economy",
      "network_belonging",
    ]);
    const work = readAreaPlan(await state(planDocumentName(docs.networkId, "work_activity")));
    expect(work.problems).toEqual([]);
    expect(work.plan.goals.map((g) => g.inMyWords)).toEqual([
      "Jeg vil prøve meg i jobb to dager i uka, helst med noe praktisk.",
    ]);
    const crisis = readCrisisPlan(await state(planDocumentName(docs.networkId, "crisis_plan")));
    expect(crisis.problems).toEqual([]);
    expect(crisis.crisis.contacts.length).toBe(2);
  });

  it("is projected, and seeding again changes nothing", async () => {
    const { db } = server.database;
    const count = async () => ({
      goals: (await db.select().from(planGoals).where(eq(planGoals.networkId, docs.networkId)))
        .length,
      actions: (
        await db.select().from(planActions).where(eq(planActions.networkId, docs.networkId))
      ).length,
    });
    expect(await count()).toEqual({ goals: 5, actions: 7 });
    await seedDemoPlan(db);
    expect(await count()).toEqual({ goals: 5, actions: 7 });
  });

  it("gives NAV its tasks, the overdue one first, and only the parts NAV's consent covers", async () => {
    const cookie = await server.cookieFor(DEMO.nav);
    const tasks = await (await server.fetch("/tasks", { cookie })).text();
    const overdue = tasks.indexOf("Avklare arbeidsavklaringspenger");
    const soon = tasks.indexOf("Finne en praksisplass sammen med Siri");
    expect(overdue).toBeGreaterThan(-1);
    expect(soon).toBeGreaterThan(overdue);
    expect(tasks).toContain("Sette opp et enkelt budsjett for måneden");
    expect(tasks).not.toContain("Søke om kommunal utleiebolig");

    const plan = await server.fetch(`/networks/${docs.networkId}/plan`, { cookie });
    expect(plan.status).toBe(200);
    const text = await plan.text();
    expect(text).toContain("Jeg vil prøve meg i jobb to dager i uka");
    expect(text).not.toContain("Jeg sover dårlig");
    expect(text).not.toContain("Jeg vil bo i min egen leilighet");
  });
});
