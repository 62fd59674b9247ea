import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, planActions } from "../../db/schema";
import { addAction, addItem } from "../../app/features/agenda/document";
import { addPlanAction, chooseAreas } from "../../app/features/plan/document";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { pdfText } from "../support/pdf-text";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  personLinkToken,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * Actions captured in a meeting's agenda on the plan page (issue 12): read from the
 * projection, read-only, under "from the meetings" with the meeting named (linked for those
 * with an account). Leaders and the person see every meeting's; a partner only those of
 * meetings whose agenda they may read (invitation and consent), and nothing without consent
 * for the plan.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
const clients: Client[] = [];
const ACTION = "Møtetiltak-søke-kurs-5e1a";
const COMMENT = "Søknaden er sendt-9b2";
const PLAN_ACTION = "Plantiltak-cv-7c3";
const PLAN_COMMENT = "CV-en er nesten ferdig-4d8";
let personToken = "";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const role of ["leader", "nav", "housing"] as const)
    cookie[role] = await server.cookieFor(DEMO[role]);
  const { db } = server.database;
  personToken = await personLinkToken(db, docs);
  const agenda = connectClient(server.url, docs.agenda, { cookie: cookie.leader });
  clients.push(agenda);
  await agenda.synced();
  const itemId = addItem(agenda.doc, { title: "Arbeid", createdBy: null });
  const actionId = addAction(
    agenda.doc,
    itemId,
    { what: ACTION, responsible: `member:${docs.navMemberId}`, due: "2027-01-20" },
    null,
  )!;
  await until(
    async () =>
      (
        await server.database.db
          .select()
          .from(planActions)
          .where(and(eq(planActions.documentName, docs.agenda), eq(planActions.actionId, actionId)))
      )[0],
    "the projection of the meeting action",
    10_000,
  );
  // NAV marks it in progress with a comment between meetings.
  const response = await server.post(
    "/tasks",
    { documentName: docs.agenda, actionId, status: "in_progress", comment: COMMENT },
    cookie.nav,
  );
  expect(response.status).toBe(200);
  // A plan action of NAV's in the work area, with a status note set between meetings.
  const overview = connectClient(server.url, docs.plan, { cookie: cookie.leader });
  clients.push(overview);
  await overview.synced();
  chooseAreas(overview.doc, ["work_activity"]);
  const workDoc = planDocumentName(docs.networkId, "work_activity");
  const work = connectClient(server.url, workDoc, { cookie: cookie.leader });
  clients.push(work);
  await work.synced();
  const planActionId = addPlanAction(work.doc, {
    what: PLAN_ACTION,
    responsible: `member:${docs.navMemberId}`,
    due: null,
    goalId: null,
    by: null,
  });
  await until(
    async () =>
      (
        await server.database.db
          .select()
          .from(planActions)
          .where(and(eq(planActions.documentName, workDoc), eq(planActions.actionId, planActionId)))
      )[0],
    "the projection of the plan action",
    10_000,
  );
  // NAV may see the plan's work and economy parts, and the meeting's agenda.
  const leaderId = await server.userId(DEMO.leader);
  await server.database.db.insert(consents).values([
    {
      memberId: docs.navMemberId,
      content: "plan",
      planParts: ["work_activity", "economy"],
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: leaderId,
    },
    {
      memberId: docs.navMemberId,
      content: "agenda",
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: leaderId,
    },
  ]);
  const planStatus = await server.post(
    "/tasks",
    { documentName: workDoc, actionId: planActionId, status: "blocked", comment: PLAN_COMMENT },
    cookie.nav,
  );
  expect(planStatus.status).toBe(200);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

const planPage = async (as: string) => {
  const response = await server.fetch(`/networks/${docs.networkId}/plan`, { cookie: cookie[as] });
  return { status: response.status, html: await response.text() };
};

describe("meeting actions on the plan page", () => {
  it("the leader sees the action under 'from the meetings', with its status comment and a link to the meeting", async () => {
    const { status, html } = await planPage("leader");
    expect(status).toBe(200);
    expect(html).toContain("Tiltak fra møtene");
    expect(html).toContain(ACTION);
    expect(html).toContain(COMMENT);
    expect(html).toContain(`href="/meetings/${docs.meetingId}"`);
    expect(html).toContain("20. jan. 2027");
    // What is shown (not the page's data for the browser) has no ISO dates.
    expect(html.replace(/<script[\s\S]*?<\/script>/g, "")).not.toContain("2027-01-20");
  });

  it("the print page and the PDF hold it, and the plan actions' status notes, as the page does", async () => {
    const print = await (
      await server.fetch(`/networks/${docs.networkId}/plan/print`, { cookie: cookie.leader })
    ).text();
    for (const text of ["Tiltak fra møtene", ACTION, COMMENT, PLAN_ACTION, PLAN_COMMENT])
      expect(print).toContain(text);
    const response = await server.fetch(`/networks/${docs.networkId}/plan.pdf`, {
      cookie: cookie.leader,
    });
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = pdfText(Buffer.from(await response.arrayBuffer()));
    for (const text of ["Tiltak fra møtene", ACTION, COMMENT, PLAN_ACTION, PLAN_COMMENT])
      expect(pdf).toContain(text);
    // The person's own print page, too.
    const own = await (await server.fetch(`/i/${personToken}/plan/print`)).text();
    expect(own).toContain(ACTION);
    expect(own).toContain(PLAN_COMMENT);
  });

  it("the person sees it through their link, without a link to a page they have no access to", async () => {
    const html = await (await server.fetch(`/i/${personToken}/plan`)).text();
    expect(html).toContain(ACTION);
    expect(html).not.toContain(`href="/meetings/${docs.meetingId}"`);
  });

  it("a partner sees it while they may read the meeting's agenda, and not after", async () => {
    expect((await planPage("nav")).html).toContain(ACTION);
    await server.database.db
      .delete(consents)
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "agenda")));
    const after = await planPage("nav");
    expect(after.status).toBe(200);
    expect(after.html).not.toContain("Tiltak fra møtene");
    expect(after.html).not.toContain(ACTION);
  });

  it("a partner without consent for the plan sees none of it", async () => {
    const { html } = await planPage("housing");
    expect(html).not.toContain(ACTION);
  });
});
