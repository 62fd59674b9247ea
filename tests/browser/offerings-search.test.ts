import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  horizontalOverflow,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/offerings-search.test.ts");

/*
 * The offerings search in chromium (issue 13, ADR 024), as a leader uses it in a meeting:
 * results follow typing while the field keeps focus and cursor, the count is in a polite live
 * region, filters and results work by keyboard alone, axe-core (WCAG 2.1 A/AA) finds nothing
 * at desktop, tablet (768 px) and phone (320 px) width, and without JavaScript the same page
 * is a plain GET form whose URL holds the search.
 */

const soon = { timeout: 10_000 };

describe.skipIf(!hasChromium)("the offerings search in a browser", () => {
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

  async function open(
    options: { javaScript?: boolean; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    session = await openSession(browser, server, { as: DEMO.leader, ...options });
    return session.page;
  }

  const status = (page: Page) => page.locator("#search-status");

  it("follows typing with results, keeping focus and cursor in the field", async () => {
    const page = await open();
    await page.goto(`${server.url}/offerings/search`);
    await waitForHydration(page);
    // The field has focus from the start (set as the page hydrates): a leader can type at once.
    await page.waitForFunction(() => document.activeElement?.id === "q", null, soon);
    await page.keyboard.type("fotbal");
    await page.getByRole("link", { name: "Gåfotball" }).waitFor(soon);
    await page.waitForURL(/q=fotbal/, soon);
    // The address changes just before the page shows the answer: wait for the count to follow
    // (a slow machine may have searched "fot" on the way, with more than 20 hits).
    await status(page)
      .filter({ hasText: /^\d+ treff$/ })
      .waitFor(soon);
    expect(await status(page).getAttribute("role")).toBe("status");
    const field = await page.evaluate(() => {
      const input = document.activeElement as HTMLInputElement;
      return { id: input.id, value: input.value, cursor: input.selectionStart };
    });
    expect(field).toEqual({ id: "q", value: "fotbal", cursor: 6 });
    // The typo's word is marked in the result.
    expect(await page.locator(".search-hits mark").first().textContent()).toMatch(/fotball/i);
    // Typing on narrows the results, still without leaving the field.
    await page.keyboard.type(" voksne");
    await page.waitForURL(/q=fotbal\+voksne/, soon);
    await page.getByRole("link", { name: "Gåfotball" }).waitFor({ state: "detached", ...soon });
    await status(page)
      .filter({ hasText: /^1 treff$/ })
      .waitFor(soon);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
  });

  it("works by keyboard alone: a filter, an empty result's suggestion, a result", async () => {
    const page = await open();
    await page.goto(`${server.url}/offerings/search?q=gangfart`);
    await waitForHydration(page);
    await page.waitForFunction(() => document.activeElement?.id === "q", null, soon);
    await status(page).filter({ hasText: "1 treff" }).waitFor(soon);
    // Tab to the filters, open them, and on along the tab order to "Velkommen også ved rus",
    // which Gåfotball is not: the result is empty and suggests leaving the filter out.
    const focused = () => page.evaluate(() => document.activeElement?.id ?? "");
    await page.keyboard.press("Tab"); // the search button
    await page.keyboard.press("Tab"); // the filters' summary
    await page.keyboard.press("Enter");
    for (let i = 0; i < 20 && (await focused()) !== "flag-welcomeWhileUsing"; i++)
      await page.keyboard.press("Tab");
    expect(await focused()).toBe("flag-welcomeWhileUsing");
    await page.keyboard.press("Space");
    await page.waitForURL(/welcomeWhileUsing=on/, soon);
    await status(page).filter({ hasText: "Ingen treff." }).waitFor(soon);
    const suggestion = page.getByRole("link", { name: /^Uten «Velkommen også ved rus» finnes/ });
    await suggestion.waitFor(soon);
    expect(await axeViolations(page)).toEqual([]);
    for (
      let i = 0;
      i < 40 && !(await suggestion.evaluate((a) => a === document.activeElement));
      i++
    )
      await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => !url.search.includes("welcomeWhileUsing"), soon);
    const result = page.getByRole("link", { name: "Gåfotball" });
    await result.waitFor(soon);
    for (let i = 0; i < 40 && !(await result.evaluate((a) => a === document.activeElement)); i++)
      await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Gåfotball" }).waitFor(soon);
  });

  it("shows ten more results by keyboard, and moves focus to the first of them", async () => {
    const page = await open();
    await page.goto(`${server.url}/offerings/search?q=&free=on`);
    await waitForHydration(page);
    await status(page)
      .filter({ hasText: /treff, viser de 10 første$/ })
      .waitFor(soon);
    expect(await page.locator(".search-hits > li").count()).toBe(10);
    const more = page.getByRole("link", { name: "Vis flere treff" });
    await more.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/shown=20#hit-11$/, soon);
    await page.waitForFunction(() => document.activeElement?.id === "hit-11", null, soon);
    expect(await page.locator(".search-hits > li").count()).toBeGreaterThan(10);
    // The search itself is kept; a new word starts again from the first ten.
    expect(new URL(page.url()).searchParams.get("free")).toBe("on");
    await page.locator("#q").fill("kor");
    await page.waitForURL((url) => url.searchParams.get("q") === "kor", soon);
    expect(new URL(page.url()).searchParams.has("shown")).toBe(false);
  });

  it("has no axe violations and no sideways scrolling on a tablet and a phone", async () => {
    const found: string[] = [];
    for (const width of [1280, 768, 320]) {
      const page = await open({ viewport: { width, height: 900 } });
      for (const path of [
        "/offerings/search",
        "/offerings/search?q=fotbal&free=on&weekday=2&timeOfDay=evening",
        "/offerings/search?q=gangfart&welcomeWhileUsing=on&category=culture",
        `/offerings/search?q=${"x".repeat(1000)}&weekday=9`,
      ]) {
        const response = await page.goto(server.url + path);
        expect(response?.status(), path).toBe(200);
        await waitForHydration(page);
        found.push(...(await axeViolations(page)).map((v) => `${width} px ${path}: ${v}`));
        expect(await horizontalOverflow(page), `${width} px ${path}`).toBe(0);
      }
      const { problems } = session!;
      await session!.close();
      session = undefined;
      expect(problems, problems.join("\n")).toEqual([]);
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 180_000); // twelve pages and axe on each: minutes on a busy machine

  it("is a plain GET form without JavaScript, the search in the URL", async () => {
    const page = await open({ javaScript: false });
    await page.goto(`${server.url}/offerings/search`);
    await page.getByLabel("Søk etter tilbud").fill("fotbal");
    await page.locator("summary").click();
    await page.getByLabel("Gratis").check();
    await page.getByLabel("Ukedag").selectOption({ label: "Tirsdag" });
    await page.getByRole("button", { name: "Søk" }).click();
    await page.waitForURL(/\/offerings\/search\?q=fotbal&.*weekday=2.*&free=on/, soon);
    await page.getByRole("link", { name: "Fotball for voksne" }).waitFor(soon);
    expect(await status(page).textContent()).toBe("1 treff");
    expect(await page.locator(".search-reasons").first().textContent()).toContain(
      "Passer med: Gratis, tirsdag 20:00–21:30",
    );
    // The same URL, shared, shows the same search.
    const shared = page.url();
    await page.goto(`${server.url}/offerings`);
    await page.goto(shared);
    expect(await page.getByLabel("Søk etter tilbud").inputValue()).toBe("fotbal");
    expect(await page.getByLabel("Gratis").isChecked()).toBe(true);
  });
});
