import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
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

announceSkipWithoutChromium("tests/browser/minutes.test.ts");

/* The attendance form and the minutes page in a real browser: WCAG scan, and the close by keyboard. */
describe.skipIf(!hasChromium)("minutes in the browser", () => {
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

  it("marks attendance, closes the meeting by keyboard and shows the draft without WCAG violations", async () => {
    session = await openSession(browser, server, { as: DEMO.leader });
    const { page } = session;
    await page.goto(`${server.url}/meetings/${docs.meetingId}`);
    await waitForHydration(page);
    const attendance = page.getByRole("region", { name: "Oppmøte" });
    await attendance.getByRole("checkbox", { name: "Siri Havdal" }).check();
    await attendance.getByRole("button", { name: "Lagre oppmøte" }).click();
    await page.getByText("Oppmøtet er lagret.").waitFor();
    const meetingViolations = await axeViolations(page);
    expect(meetingViolations, meetingViolations.join("\n")).toEqual([]);

    await page.getByRole("link", { name: "Gå til referatet" }).click();
    await page.getByRole("heading", { level: 1, name: "Referat" }).waitFor();
    await page.getByRole("button", { name: "Avslutt møtet og lag referat" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Ja, lag referatet" }).click();
    await page.getByText("Referatet er laget (versjon 1).").waitFor();
    expect(
      await page
        .getByRole("row", { name: /Siri Havdal/ })
        .first()
        .textContent(),
    ).toContain("Møtte");
    const violations = await axeViolations(page);
    expect(violations, violations.join("\n")).toEqual([]);
  });
});
