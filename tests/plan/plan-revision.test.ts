import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, networks } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * The plan's next revision date on the plan page (issue 12): leaders change it with the same
 * rule as when the network is made (empty, or a plausible date); bad input is a 400 with the
 * field's message; a partner gets the 404 answer and no form; the change is logged once.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const role of ["leader", "nav"] as const) cookie[role] = await server.cookieFor(DEMO[role]);
});

afterAll(async () => {
  await server?.close();
});

const page = () => `/networks/${docs.networkId}/plan`;
const revisionOn = async () =>
  (
    await server.database.db
      .select({ on: networks.planRevisionOn })
      .from(networks)
      .where(eq(networks.id, docs.networkId))
  )[0]!.on;
const revisionLogs = () =>
  server.database.db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, "plan.revision_set"), eq(auditLog.subjectId, docs.networkId)));

describe("the revision date on the plan page", () => {
  it("a leader sees the form and changes the date; saving it again logs nothing more", async () => {
    const html = await (await server.fetch(page(), { cookie: cookie.leader })).text();
    expect(html).toContain('name="planRevisionOn"');
    const response = await server.post(
      page(),
      { intent: "revision", planRevisionOn: "2027-03-15" },
      cookie.leader,
    );
    expect(response.status).toBe(200);
    expect(await revisionOn()).toBe("2027-03-15");
    expect(await revisionLogs()).toHaveLength(1);
    // Shown in Norwegian date form, never ISO, on the page.
    const after = await (await server.fetch(page(), { cookie: cookie.leader })).text();
    expect(after).toContain("15. mars 2027");
    await server.post(page(), { intent: "revision", planRevisionOn: "2027-03-15" }, cookie.leader);
    expect(await revisionLogs()).toHaveLength(1);
  });

  it("a date that is not a date, or far off, is a 400 and changes nothing", async () => {
    for (const bad of ["15.03.2027", "2027-02-30", "3027-01-01"]) {
      const response = await server.post(
        page(),
        { intent: "revision", planRevisionOn: bad },
        cookie.leader,
      );
      expect(response.status).toBe(400);
    }
    expect(await revisionOn()).toBe("2027-03-15");
  });

  it("an empty field clears the date", async () => {
    const response = await server.post(
      page(),
      { intent: "revision", planRevisionOn: "" },
      cookie.leader,
    );
    expect(response.status).toBe(200);
    expect(await revisionOn()).toBeNull();
    await server.post(page(), { intent: "revision", planRevisionOn: "2027-04-01" }, cookie.leader);
  });

  it("a partner gets no form and the 404 answer when posting", async () => {
    const html = await (await server.fetch(page(), { cookie: cookie.nav })).text();
    expect(html).not.toContain('name="planRevisionOn"');
    const response = await server.post(
      page(),
      { intent: "revision", planRevisionOn: "2030-01-01" },
      cookie.nav,
    );
    expect(response.status).toBe(404);
    expect(await revisionOn()).toBe("2027-04-01");
  });
});
