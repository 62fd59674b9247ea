import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, planActions } from "../../db/schema";
import { addAction, addItem } from "../../app/features/agenda/document";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { addPlanAction, chooseAreas } from "../../app/features/plan/document";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/plan-status-note.test.ts");

/*
 * The status note in the live editors (issue 12): when the responsible (NAV) sets an action's
 * status between meetings with a comment, a leader with the plan page and the meeting's agenda
 * open sees the comment with who set it and when, beside the status, without reloading. The
 * plan page also lists the meeting's action under "from the meetings". axe finds nothing.
 */
let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
const sessions: BrowserSession[] = [];
const clients: Client[] = [];
const cookie: Record<string, string> = {};
const ids: Record<string, string> = {};
const PLAN_ACTION = "Se på leiligheter sammen-3f1";
const AGENDA_ACTION = "Ringe arbeidsgiver-8c2";
const PLAN_COMMENT = "Visning avtalt til fredag-71a";
const AGENDA_COMMENT = "Venter på svar-2d9";
const SLOW = 180_000;

async function open(name: string) {
  const client = connectClient(server.url, name, { cookie: cookie.leader });
  clients.push(client);
  await client.synced();
  return client;
}

const projected = (documentName: string, actionId: string) =>
  until(
    async () =>
      (
        await server.database.db
          .select()
          .from(planActions)
          .where(
            and(eq(planActions.documentName, documentName), eq(planActions.actionId, actionId)),
          )
      )[0],
    `the projection of ${actionId}`,
    10_000,
  );

async function expectNoViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${violations.join("\n")}`).toEqual([]);
}

describe.skipIf(!hasChromium)("status notes in the live editors", () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    docs = await demoDocuments(server.database.db);
    for (const role of ["leader", "nav"] as const)
      cookie[role] = await server.cookieFor(DEMO[role]);
    const nav = `member:${docs.navMemberId}`;
    const overview = await open(docs.plan);
    chooseAreas(overview.doc, ["housing"]);
    const housing = planDocumentName(docs.networkId, "housing");
    const area = await open(housing);
    ids.plan = addPlanAction(area.doc, {
      what: PLAN_ACTION,
      responsible: nav,
      due: null,
      goalId: null,
      by: null,
    });
    const agenda = await open(docs.agenda);
    const itemId = addItem(agenda.doc, { title: "Arbeid", createdBy: null });
    ids.agenda = addAction(
      agenda.doc,
      itemId,
      { what: AGENDA_ACTION, responsible: nav, due: null },
      null,
    )!;
    await projected(housing, ids.plan);
    await projected(docs.agenda, ids.agenda);
    await server.database.db.insert(consents).values({
      memberId: docs.navMemberId,
      content: "plan",
      planParts: ["housing"],
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: await server.userId(DEMO.leader),
    });
  });

  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    for (const session of sessions) await session.close();
    await browser?.close();
    await server?.close();
  });

  it(
    "the leader sees NAV's comment, who and when, on the plan and in the agenda, as it is set",
    async () => {
      const plan = await openSession(browser, server, { as: DEMO.leader });
      const meeting = await openSession(browser, server, { as: DEMO.leader });
      sessions.push(plan, meeting);
      await plan.page.goto(`${server.url}/networks/${docs.networkId}/plan`);
      await meeting.page.goto(`${server.url}/meetings/${docs.meetingId}`);
      for (const { page } of [plan, meeting]) await waitForHydration(page);
      await plan.page.locator("li.plan-action", { hasText: PLAN_ACTION }).waitFor();
      await meeting.page.locator(".actions-list li", { hasText: AGENDA_ACTION }).waitFor();

      for (const [documentName, actionId, comment] of [
        [planDocumentName(docs.networkId, "housing"), ids.plan!, PLAN_COMMENT],
        [docs.agenda, ids.agenda!, AGENDA_COMMENT],
      ] as const) {
        const response = await server.post(
          "/tasks",
          { documentName, actionId, status: "blocked", comment },
          cookie.nav,
        );
        expect(response.status).toBe(200);
      }

      const planNote = plan.page
        .locator("li.plan-action", { hasText: PLAN_ACTION })
        .locator(".status-note");
      await planNote.waitFor({ timeout: 20_000 });
      const planText = await planNote.innerText();
      expect(planText).toContain("Status satt av Omar Haugland");
      expect(planText).toContain(PLAN_COMMENT);
      expect(planText).not.toMatch(/\d{4}-\d{2}-\d{2}/);

      const agendaNote = meeting.page
        .locator(".actions-list li", { hasText: AGENDA_ACTION })
        .locator(".status-note");
      await agendaNote.waitFor({ timeout: 20_000 });
      expect(await agendaNote.innerText()).toContain(AGENDA_COMMENT);

      // The meeting's action is on the plan page too (after a reload: it is read from SQL).
      await plan.page.reload();
      await waitForHydration(plan.page);
      await plan.page
        .locator(".plan-meeting-actions li", { hasText: AGENDA_ACTION })
        .waitFor({ timeout: 20_000 });
      await plan.page.locator("li.plan-action", { hasText: PLAN_ACTION }).waitFor();
      await expectNoViolations(plan.page, "the plan page with notes and meeting actions");
      for (const session of [plan, meeting]) expect(session.problems).toEqual([]);
    },
    SLOW,
  );
});
