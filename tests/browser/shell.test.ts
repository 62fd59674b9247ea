import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  announceSkipWithoutChromium,
  hasChromium,
  horizontalOverflow,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
  type SessionOptions,
} from "./browser";

announceSkipWithoutChromium("tests/browser/shell.test.ts");

// What each role must see in the main menu (app/features/access/permissions.ts is the source).
const expectedNavigation: [account: keyof typeof DEMO, links: string[]][] = [
  ["admin", ["Start", "Administrasjon"]],
  ["coordinator", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud", "Oversikt"]],
  ["leader", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud"]],
  ["leader2", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud"]],
  ["nav", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud"]],
  ["housing", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud"]],
  ["volunteer", ["Start", "Møter", "Mine oppgaver", "Nettverk", "Tilbud"]],
];

describe.skipIf(!hasChromium)("the application shell in a browser", () => {
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
  // Every test ends with no console errors and no CSP violations on the pages it visited.
  afterEach(async () => {
    if (!session) return;
    const { problems } = session;
    await session.close();
    session = undefined;
    expect(problems, problems.join("\n")).toEqual([]);
  });

  async function open(options: SessionOptions = {}) {
    session = await openSession(browser, server, options);
    return session.page;
  }

  it("logs in through the form at /login and lands on the start page", async () => {
    const page = await open();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("E-post").fill(DEMO.coordinator);
    await page.getByLabel("Passord").fill("broen-demo-2026");
    await page.getByRole("button", { name: "Logg inn", exact: true }).click();
    await page.waitForURL(`${server.url}/`);
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Velkommen, Kari Nordvik");
    await waitForHydration(page);
  });

  it.each(expectedNavigation)(
    "shows %s exactly the main menu of their role",
    async (account, links) => {
      const page = await open({ as: DEMO[account] });
      await page.goto(`${server.url}/`);
      expect(new URL(page.url()).pathname).toBe("/");
      const menu = page.locator('nav[aria-label="Hovedmeny"]');
      expect(await menu.getByRole("link").allTextContents()).toEqual(links);
      await waitForHydration(page);
    },
  );

  it("moves through the main menu and the meetings views inside the app, by mouse and keyboard", async () => {
    const page = await open({ as: DEMO.leader });
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    // A marker on window survives only client-side navigation (no new document).
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const menu = page.locator('nav[aria-label="Hovedmeny"]');
    expect(await menu.getByRole("link", { name: "Start" }).getAttribute("aria-current")).toBe(
      "page",
    );

    await menu.getByRole("link", { name: "Møter" }).click();
    await page.waitForURL(`${server.url}/meetings`);
    await expect
      .poll(() => menu.getByRole("link", { name: "Møter" }).getAttribute("aria-current"))
      .toBe("page");
    expect(await menu.getByRole("link", { name: "Start" }).getAttribute("aria-current")).toBeNull();

    await page.getByRole("link", { name: "Uke", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("view") === "week");
    expect(
      await page.evaluate(() => (window as unknown as { marker?: number }).marker),
      "the menu and the view links navigate without loading a new document",
    ).toBe(1);
  });

  it("moves focus from the error summary to the field and keeps the errors", async () => {
    const page = await open({ as: DEMO.leader });
    await page.goto(`${server.url}/persons/new`);
    await waitForHydration(page);
    await page.getByRole("button", { name: "Registrer person" }).click();
    const summary = page.locator(".ds-error-summary");
    await summary.waitFor();
    // The form's 400 answer is the validation working, not a problem of the page.
    session!.problems.splice(
      0,
      session!.problems.length,
      ...session!.problems.filter((p) => !/status of 400/.test(p)),
    );
    await summary.getByRole("link").first().click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("field-name");
    expect(await summary.isVisible(), "the summary stays after the jump").toBe(true);
    expect(await page.locator("#field-name-error").isVisible()).toBe(true);
  });

  it("switches the language to English and back", async () => {
    const page = await open();
    await page.goto(`${server.url}/login`);
    await waitForHydration(page);
    expect(await page.getAttribute("html", "lang")).toBe("nb");

    await page.getByRole("button", { name: "English" }).click();
    await expect.poll(() => page.getAttribute("html", "lang")).toBe("en");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Log in");
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.getByRole("button", { name: "Norsk" }).click();
    await expect.poll(() => page.getAttribute("html", "lang")).toBe("nb");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Logg inn");
  });

  // 320 CSS px is both a 320 px screen and a 640 px window at 200 % zoom (WCAG 1.4.10).
  it.each([
    ["the login page", "/login", undefined],
    ["the start page", "/", DEMO.coordinator],
  ])("lays out %s at 320 px without horizontal scrolling", async (_name, pathname, as) => {
    const page = await open({ as, viewport: { width: 320, height: 640 } });
    await page.goto(`${server.url}${pathname}`);
    await waitForHydration(page);
    expect(new URL(page.url()).pathname).toBe(pathname);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  });

  it("focuses a visible skip link on the first Tab", async () => {
    const page = await open({ as: DEMO.coordinator });
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    const skipLink = page.getByRole("link", { name: "Hopp til hovedinnholdet" });
    // Designsystemet's skip link is clipped to one pixel (as .ds-sr-only) until focused.
    const hidden = await skipLink.boundingBox();
    expect(
      hidden && Math.max(hidden.width, hidden.height),
      "the skip link is hidden until focused",
    ).toBeLessThanOrEqual(1);

    await page.keyboard.press("Tab");
    expect(await skipLink.evaluate((link) => link === document.activeElement)).toBe(true);
    const shown = await skipLink.boundingBox();
    const viewport = page.viewportSize()!;
    expect(shown).not.toBeNull();
    expect(shown!.y).toBeGreaterThanOrEqual(0);
    expect(shown!.x).toBeGreaterThanOrEqual(0);
    expect(shown!.x + shown!.width).toBeLessThanOrEqual(viewport.width);
    expect(shown!.height).toBeGreaterThan(0);
    expect(await skipLink.evaluate((link) => getComputedStyle(link).outlineStyle)).not.toBe("none");

    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
  });
});
