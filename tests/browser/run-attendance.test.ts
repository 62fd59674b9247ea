import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { meetingAttendance } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/run-attendance.test.ts");

/*
 * Attendance in the run view, by keyboard alone, announced, without WCAG violations; and the
 * carry-over page it links to.
 */
describe.skipIf(!hasChromium)("attendance in the run view", () => {
  let server: TestServer;
  let browser: Browser;
  let docs: DemoDocuments;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    docs = await demoDocuments(server.database.db);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    if (!session) return;
    const { problems } = session;
    await session.close();
    session = undefined;
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("is marked by keyboard during the meeting and announced", async () => {
    session = await openSession(browser, server, { as: DEMO.leader });
    const { page } = session;
    await page.goto(`${server.url}/meetings/${docs.meetingId}/run`);
    await waitForHydration(page);
    const attendance = page.getByRole("region", { name: "Oppmøte" });
    await attendance.getByRole("checkbox", { name: "Siri Havdal" }).focus();
    await page.keyboard.press("Space");
    await attendance.getByRole("button", { name: "Lagre oppmøte" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: "Oppmøtet er lagret." }).waitFor();
    const [row] = await server.database.db
      .select({ present: meetingAttendance.present })
      .from(meetingAttendance)
      .where(
        and(eq(meetingAttendance.meetingId, docs.meetingId), eq(meetingAttendance.ref, "person")),
      );
    expect(row?.present).toBe(true);
    const violations = await axeViolations(page);
    expect(violations, violations.join("\n")).toEqual([]);
  }, 90_000);

  it("links to carrying items over, a page without WCAG violations", async () => {
    session = await openSession(browser, server, { as: DEMO.leader });
    const { page } = session;
    await page.goto(`${server.url}/meetings/${docs.meetingId}/run`);
    await page.getByRole("link", { name: "Flytt saker som ikke ble ferdige" }).click();
    await page.getByRole("heading", { level: 1, name: /Flytt saker til et annet møte/ }).waitFor();
    await waitForHydration(page);
    const violations = await axeViolations(page);
    expect(violations, violations.join("\n")).toEqual([]);
  }, 90_000);
});
