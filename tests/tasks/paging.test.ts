import { desc, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, documentUpdates } from "../../db/schema";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { addGoal, addPlanAction } from "../../app/features/plan/document";
import { TASKS_PAGE_SIZE } from "../../app/features/tasks/tasks-page.server";
import { taskPage, tasksFor, type TaskAsker } from "../../app/features/tasks/tasks.server";
import { readProjection, writeProjection } from "../../app/features/tasks/projection.server";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * My tasks in pages of TASKS_PAGE_SIZE (as the meetings list): a partner with more open tasks
 * than one page sees the overdue ones first, the headings count them all, each page links to
 * the next and the previous, and a page past the end shows the last one. A page read is logged
 * for the tasks it showed. Pages are read with LIMIT/OFFSET (taskPage): read page by page in
 * any size, they give the whole list (tasksFor) in its order, overdue first, each task once,
 * with the whole list's counts on every page.
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
      const html = await response.text();
      expect(tasksOn(html), page).toBeGreaterThan(0);
      // Past the end: the last page; not a page number: the first.
      expect(html, page).toContain(
        page === "99"
          ? `Oppgave ${TASKS_PAGE_SIZE + 1}–${COUNT} av ${COUNT}`
          : `Oppgave 1–${TASKS_PAGE_SIZE} av ${COUNT}`,
      );
    }
  });
});

describe("taskPage: one page read from the database", () => {
  const asker = (): TaskAsker => ({ kind: "member", memberId: docs.navMemberId });

  it("gives the whole list in its order, page by page, in any page size", async () => {
    const { db } = server.database;
    const all = (await tasksFor(asker(), undefined, db)).map((task) => task.actionId);
    expect(all).toHaveLength(COUNT);
    // Sizes that cut the overdue ones apart (2), end a page on the last overdue one (3) and
    // leave one task on the last page.
    for (const size of [1, 2, 3, 7, COUNT - 1, TASKS_PAGE_SIZE, COUNT, COUNT + 5]) {
      const pages = Math.ceil(COUNT / size);
      const read: string[] = [];
      const overdueFlags: boolean[] = [];
      for (let page = 1; page <= pages; page++) {
        const result = await taskPage(asker(), page, size, db);
        expect(result, `size ${size}, page ${page}`).toMatchObject({
          page,
          pages,
          total: COUNT,
          overdue: OVERDUE,
        });
        expect(result.tasks.length).toBe(Math.min(size, COUNT - (page - 1) * size));
        read.push(...result.tasks.map((task) => task.actionId));
        overdueFlags.push(...result.tasks.map((task) => task.overdue));
      }
      expect(read, `size ${size}`).toEqual(all);
      expect(overdueFlags.slice(0, OVERDUE).every(Boolean), `size ${size}`).toBe(true);
      expect(overdueFlags.slice(OVERDUE).some(Boolean), `size ${size}`).toBe(false);
    }
  });

  it("answers a page past the end with the last page, and an empty list with page 1", async () => {
    const { db } = server.database;
    const last = await taskPage(asker(), Math.ceil(COUNT / 7), 7, db);
    const past = await taskPage(asker(), 99, 7, db);
    expect(past).toEqual(last);
    expect(past.tasks.length).toBe(COUNT - (past.pages - 1) * 7);

    const nobody: TaskAsker = { kind: "member", memberId: "00000000-0000-4000-8000-000000000000" };
    for (const page of [1, 3]) {
      expect(await taskPage(nobody, page, 7, db)).toEqual({
        tasks: [],
        page: 1,
        pages: 1,
        total: 0,
        overdue: 0,
      });
    }
  });
});
