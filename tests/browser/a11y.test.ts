import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/a11y.test.ts");

// Pages scanned with axe-core (WCAG 2.0/2.1 A and AA), with the account that sees them.
const pages: [name: string, pathname: string, as: string | undefined, heading: string][] = [
  ["the login page (logged out)", "/login", undefined, "Logg inn"],
  ["the start page (coordinator)", "/", DEMO.coordinator, "Velkommen, Kari Nordvik"],
  ["the admin users page (admin)", "/admin/users", DEMO.admin, ""],
];

describe.skipIf(!hasChromium)("WCAG 2.1 AA scan with axe-core", () => {
  let server: TestServer;
  let browser: Browser;
  let session: BrowserSession | undefined;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
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

  it.each(pages)("finds no violations on %s", async (_name, pathname, as, heading) => {
    session = await openSession(browser, server, { as });
    const { page } = session;
    const response = await page.goto(`${server.url}${pathname}`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(pathname);
    await waitForHydration(page);
    if (heading) expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(heading);
    const violations = await axeViolations(page);
    expect(violations, `axe found on ${pathname}:\n${violations.join("\n")}`).toEqual([]);
  });
});
