import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Route } from "playwright-core";
import { meetings } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { until } from "../support/until";
import {
  announceSkipWithoutChromium,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/double-submit.test.ts");

/*
 * Issue 10, item 6, in a browser: a double-click on "create meeting" makes one meeting. While
 * the post is on its way (held here until the button has been looked at) the button says
 * "Lagrer …", is aria-disabled and aria-busy, the progress is announced, and further clicks
 * send nothing.
 */

describe.skipIf(!hasChromium)("creating a meeting in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let leader: BrowserSession;
  let networkId = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    leader = await openSession(browser, server, { as: DEMO.leader });
    const cookie = await server.cookieFor(DEMO.leader);
    const person = await server.post("/persons/new", { name: "Mari Solberg" }, cookie);
    const network = await server.post(
      person.headers.get("location")!,
      [
        ["intent", "create-network"],
        ["kind", "network_meeting_group"],
        ["leaderId", await server.userId(DEMO.leader)],
      ],
      cookie,
    );
    networkId = network.headers.get("location")!.split("/").pop()!;
  });
  afterAll(async () => {
    await leader?.close();
    await browser?.close();
    await server?.close();
  });

  it("makes one meeting for a double-click, and the button shows progress and is disabled meanwhile", async () => {
    const { page } = leader;
    await page.goto(`${server.url}/meetings/new?networkId=${networkId}`);
    await waitForHydration(page);
    await page.fill('input[name="date"]', "2027-04-15");
    await page.fill('input[name="internalTitle"]', "Nettverksmøte");
    await page.fill('input[name="place"]', "Fjordvik bibliotek");

    const posts: Route[] = [];
    await page.route(
      (url) => url.pathname.startsWith("/meetings/new"),
      (route) => (route.request().method() === "POST" ? posts.push(route) : route.continue()),
    );
    const button = page.getByRole("button", { name: "Opprett møtet" });
    await button.dblclick();
    await until(() => (posts.length > 0 ? true : undefined), "the post to leave the browser");

    const busy = page.locator('button[aria-busy="true"]');
    await until(async () => ((await busy.count()) === 1 ? true : undefined), "the busy button");
    expect(await busy.getAttribute("aria-disabled")).toBe("true");
    expect((await busy.textContent())?.trim()).toBe("Lagrer …");
    expect(await page.locator('[aria-live="polite"]', { hasText: "Lagrer …" }).count()).toBe(1);
    expect(await busy.isDisabled()).toBe(true);
    await busy.click({ force: true });
    await busy.press("Enter");

    for (const route of posts) await route.continue();
    await page.waitForURL(/\/meetings\/[0-9a-f-]{36}\?created=1/);
    expect(posts).toHaveLength(1);
    const made = await server.database.db
      .select({ id: meetings.id })
      .from(meetings)
      .where(eq(meetings.networkId, networkId));
    expect(made).toHaveLength(1);
    expect(leader.problems).toEqual([]);
  });
});
