import { desc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, documentUpdates } from "../../db/schema";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { addGoal, addPlanAction } from "../../app/features/plan/document";
import { TASKS_PAGE_SIZE } from "../../app/features/tasks/tasks-page.server";
import { readProjection, writeProjection } from "../../app/features/tasks/projection.server";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * My tasks in pages of TASKS_PAGE_SIZE (as the meetings list): a partner with more open tasks
 * than one page sees the overdue ones first, the headings count them all, each page links to
 * the next and the previous, and a page past the end shows the last one. A page read is logged
 * for the tasks it showed.
 */
let server: TestServer;
let docs: DemoDocuments;
let cookie = "";
const COUNT = TASKS_PAGE_SIZE + 7;
const OVERDUE = 3;

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  cookie = await server.cookieFor(DEMO.nav);
  const { db } = server.database;
  await db.insert(consents).values({
    memberId: docs.navMemberId,
    content: "plan",
    planParts: ["work_activity"],
    givenOn: "2020-01-01",
    method: "verbal_in_meeting",
    recordedByUserId: await server.userId(DEMO.leader),
  });
  const name = planDocumentName(docs.networkId, "work_activity");
  const doc = new Y.Doc();
  const goalId = addGoal(doc, { inMyWords: "Jobb", by: null });
  const day = (offset: number) => {
    const date = new Date(`${osloToday()}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() + offset);
    return date.toISOString().slice(0, 10);
  };
  for (let i = 0; i < COUNT; i++) {
    addPlanAction(doc, {
      // Overdue ones last in the document: the list must still put them first.
      what: i >= COUNT - OVERDUE ? `Forfalt ${i}` : `Oppgave ${String(i).padStart(2, "0")}`,
      responsible: `member:${docs.navMemberId}`,
      due: i >= COUNT - OVERDUE ? day(-2) : day(10 + i),
      goalId,
      by: null,
    });
  }
  await db
    .insert(documentUpdates)
    .values({ documentName: name, update: Y.encodeStateAsUpdate(doc) });
  await writeProjection(readProjection(name, doc)!, db);
});

afterAll(async () => {
  await server?.close();
});

const tasksOn = (html: string) => html.split("edit=").length - 1;

describe("My tasks in pages", () => {
  it("shows one page at a time, overdue first, counting every task", async () => {
    const first = await (await server.fetch("/tasks", { cookie })).text();
    expect(tasksOn(first)).toBe(TASKS_PAGE_SIZE);
    expect(first).toContain(`Over fristen (${OVERDUE})`);
    expect(first).toContain(`Andre åpne oppgaver (${COUNT - OVERDUE})`);
    expect(first.indexOf("Forfalt")).toBeLessThan(first.indexOf("Oppgave 00"));
    expect(first).toContain(`Oppgave 1–${TASKS_PAGE_SIZE} av ${COUNT}`);
    expect(first).toContain(`href="?page=2"`);
    expect(first).not.toContain("Forrige side");
    // Logged for what the page showed: one person, this page's tasks.
    const [logged] = await server.database.db
      .select({ details: auditLog.details })
      .from(auditLog)
      .where(eq(auditLog.action, "tasks.view"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(logged!.details).toMatchObject({ tasks: TASKS_PAGE_SIZE });

    const second = await (await server.fetch("/tasks?page=2", { cookie })).text();
    expect(tasksOn(second)).toBe(COUNT - TASKS_PAGE_SIZE);
    expect(second).not.toContain("Forfalt");
    expect(second).toContain(`Oppgave ${TASKS_PAGE_SIZE + 1}–${COUNT} av ${COUNT}`);
    expect(second).toContain(`href="?page=1"`);
    expect(second).not.toContain("Neste side");
    // The "update status" link keeps the page.
    expect(second).toMatch(/href="\?page=2&amp;edit=/);
  });

  it("answers a page past the end or not a number with a page that exists", async () => {
    for (const page of ["99", "0", "abc", "-1"]) {
      const response = await server.fetch(`/tasks?page=${page}`, { cookie });
      expect(response.status, page).toBe(200);
      expect(tasksOn(await response.text()), page).toBeGreaterThan(0);
    }
  });
});
