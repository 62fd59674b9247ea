import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offerings, planGoals } from "../../db/schema";
import { seedDemoPlan } from "../../db/seed-plan";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * Proposing from the offerings search (issue 13): opened from a goal's "Foreslå tilbud" page
 * (?for=<network>&goalId=…), the search keeps that context, says what the proposal serves and
 * gives each hit a "propose" link to the propose page with the offering chosen. Only those who
 * manage the network get that context: a partner, another network's leader, a malformed id or
 * a goal that is not in the plan get the 404 answer; without `for` the search is as before.
 */
let server: TestServer;
let docs: DemoDocuments;
let goalId = "";
let dinnerId = "";
const cookie: Record<string, string> = {};
const GOAL_WORDS = "Jeg vil være med på noe fast hver uke";

beforeAll(async () => {
  server = await startTestServer();
  const { db } = server.database;
  docs = await demoDocuments(db);
  await seedDemoPlan(db);
  for (const role of ["leader", "leader2", "nav", "coordinator"] as const)
    cookie[role] = await server.cookieFor(DEMO[role]);
  goalId = (
    await db
      .select({ id: planGoals.goalId })
      .from(planGoals)
      .where(and(eq(planGoals.networkId, docs.networkId), eq(planGoals.area, "network_belonging")))
  )[0]!.id;
  dinnerId = (await db.select().from(offerings).where(eq(offerings.title, "Middag for alle")))[0]!
    .id;
});

afterAll(async () => {
  await server?.close();
});

const search = (query: string, as: string) =>
  server.fetch(`/offerings/search?${query}`, { cookie: cookie[as] });

describe("proposing from the offerings search", () => {
  it("the propose page links to the search, which keeps the goal and links each hit back", async () => {
    const propose = await (
      await server.fetch(`/networks/${docs.networkId}/bridges/new?goalId=${goalId}`, {
        cookie: cookie.leader,
      })
    ).text();
    const href = `/offerings/search?for=${docs.networkId}&amp;goalId=${goalId}#q`;
    expect(propose).toContain(`href="${href}"`);

    const response = await search(`for=${docs.networkId}&goalId=${goalId}&q=middag`, "leader");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(GOAL_WORDS);
    expect(html).toContain(`name="for" value="${docs.networkId}"`);
    expect(html).toContain(`name="goalId" value="${goalId}"`);
    const link = `/networks/${docs.networkId}/bridges/new?goalId=${goalId}&amp;offeringId=${dinnerId}`;
    expect(html).toContain(`href="${link}"`);
    expect(html).toContain("Foreslå dette tilbudet");

    // The propose page with the offering chosen: first in the list, and selected.
    const chosen = await (
      await server.fetch(link.replaceAll("&amp;", "&"), { cookie: cookie.leader })
    ).text();
    expect(chosen).toMatch(new RegExp(`<option value="${dinnerId}" selected`));
  });

  it("without 'for' the search has no propose links", async () => {
    const html = await (await search("q=middag", "leader")).text();
    expect(html).toContain(`href="/offerings/${dinnerId}"`);
    expect(html).not.toContain("Foreslå dette tilbudet");
  });

  it("refuses the context to anyone who may not propose for that network (404)", async () => {
    for (const [query, as] of [
      [`for=${docs.networkId}&goalId=${goalId}`, "nav"],
      [`for=${docs.networkId}&goalId=${goalId}`, "leader2"],
      [`for=not-a-uuid`, "leader"],
      [`for=${crypto.randomUUID()}`, "leader"],
      [`for=${docs.networkId}&goalId=${"x".repeat(65)}`, "leader"],
      [`for=${docs.networkId}&goalId=unknown-goal`, "leader"],
    ] as const) {
      const response = await search(query, as);
      expect(response.status, `${as} ${query}`).toBe(404);
      expect(await response.text()).not.toContain(GOAL_WORDS);
    }
  });
});
