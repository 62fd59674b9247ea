import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { meetings, networks, persons } from "../../db/schema";
import { formatDateTime } from "../../app/i18n";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  announceSkipWithoutChromium,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/navigation.test.ts");

/*
 * Page titles and moving between pages (issue 10; WCAG 2.4.2, 2.4.3, 4.1.3): every page's
 * title says what it shows, never who it is about; a navigation inside the app moves focus to
 * the new page's <h1> and says its title in a polite live region.
 */

describe.skipIf(!hasChromium)("page titles and navigation in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let session: BrowserSession | undefined;
  // The seeded demo person, network and meeting (db/seed.ts).
  let personId = "";
  let networkId = "";
  let meeting = { id: "", startsAt: new Date() };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const { db } = server.database;
    personId = (await db.select({ id: persons.id }).from(persons))[0]!.id;
    networkId = (await db.select({ id: networks.id }).from(networks))[0]!.id;
    meeting = (
      await db
        .select({ id: meetings.id, startsAt: meetings.startsAt })
        .from(meetings)
        .where(eq(meetings.networkId, networkId))
    )[0]!;
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

  async function open(as: keyof typeof DEMO = "leader"): Promise<Page> {
    session = await openSession(browser, server, { as: DEMO[as] });
    return session.page;
  }

  it.each([
    ["the start page", "/", "Start"],
    ["the meetings list", "/meetings", "Møter: kommende"],
    ["past meetings", "/meetings?view=list&tab=past", "Møter: tidligere"],
    ["a week of meetings", "/meetings?view=week&date=2026-04-15", "Møter: uke 16, 2026"],
    ["a month of meetings", "/meetings?view=month&date=2026-04-15", "Møter: april 2026"],
    ["the people and networks", "/networks", "Personer og nettverk"],
    ["a person", () => `/persons/${personId}`, "Person: opplysninger og nettverk"],
    ["a network", () => `/networks/${networkId}`, "Nettverk: Nettverksmøter"],
    [
      "a meeting",
      () => `/meetings/${meeting.id}`,
      () => `Nettverksmøte ${formatDateTime("nb", meeting.startsAt)}`,
    ],
    ["planning a meeting", () => `/meetings/new?networkId=${networkId}`, "Nytt møte"],
    ["the account", "/account", "Min konto"],
    ["a meeting that does not exist", `/meetings/${crypto.randomUUID()}`, "Siden finnes ikke"],
  ] as const)("titles %s by what it shows", async (_name, path, title) => {
    const page = await open();
    const pathname = typeof path === "function" ? path() : path;
    await page.goto(`${server.url}${pathname}`);
    await waitForHydration(page);
    expect(await page.title()).toBe(`${typeof title === "function" ? title() : title} – Broen`);
    // Titles are kept in browser history: never the person's name nor the internal title.
    for (const secret of ["Siri", "Havdal", "Første nettverksmøte"]) {
      expect(await page.title()).not.toContain(secret);
    }
    // The missing meeting's 404 is the page working, not a problem of it.
    if (title === "Siden finnes ikke") session!.problems.length = 0;
  });

  it("titles a staff account by its name in administration", async () => {
    const page = await open("admin");
    await page.goto(`${server.url}/admin/users/${await server.userId(DEMO.leader)}`);
    expect(await page.title()).toBe("Bruker: Lars Bakkevik – Broen");
  });

  const announcer = (page: Page) => page.locator("#route-announcer");
  const focused = (page: Page) =>
    page.evaluate(() => {
      const element = document.activeElement;
      return element ? `${element.tagName.toLowerCase()}:${element.textContent?.trim()}` : "";
    });

  it("moves focus to the new page's heading and says its title, by mouse and keyboard", async () => {
    const page = await open();
    await page.goto(`${server.url}/`);
    await waitForHydration(page);
    // The first load is the browser's own: nothing moved, nothing said.
    expect(await focused(page)).toMatch(/^body:/);
    expect(await announcer(page).textContent()).toBe("");
    expect(await announcer(page).getAttribute("aria-live")).toBe("polite");
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    // The main menu, by mouse.
    await page.locator('nav[aria-label="Hovedmeny"]').getByRole("link", { name: "Møter" }).click();
    await page.waitForURL(`${server.url}/meetings`);
    await expect.poll(() => focused(page)).toBe("h1:Møter");
    await expect.poll(() => announcer(page).textContent()).toBe("Møter: kommende – Broen");
    expect(await page.getByRole("heading", { level: 1 }).getAttribute("tabindex")).toBe("-1");

    // Another view of the same page is a new page too: its title names the view.
    await page.getByRole("link", { name: "Måned", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("view") === "month");
    await expect.poll(() => focused(page)).toBe("h1:Møter");
    await expect
      .poll(() => announcer(page).textContent())
      .toMatch(/^Møter: \p{L}+ \d{4} – Broen$/u);

    // A meeting, by keyboard from the list.
    await page.getByRole("link", { name: "Liste", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get("view") === "list");
    const link = page.locator(`.meeting-list a[href="/meetings/${meeting.id}"]`);
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${server.url}/meetings/${meeting.id}`);
    const title = `Nettverksmøte ${formatDateTime("nb", meeting.startsAt)} – Broen`;
    await expect.poll(() => announcer(page).textContent()).toBe(title);
    await expect.poll(() => focused(page)).toMatch(/^h1:Første nettverksmøte/);
    expect(await page.title()).toBe(title);

    // Back in the browser's history, too.
    await page.goBack();
    await page.waitForURL((url) => url.pathname === "/meetings");
    await expect.poll(() => focused(page)).toBe("h1:Møter");
    await expect.poll(() => announcer(page).textContent()).toBe("Møter: kommende – Broen");
    expect(await page.evaluate(() => "sameDocument" in window), "all of it inside the app").toBe(
      true,
    );
  });

  it("leaves focus alone for a form that stays on its page, and follows one that leads on", async () => {
    const page = await open();
    await page.goto(`${server.url}/persons/new`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "Møter" }).first().click();
    await page.waitForURL(`${server.url}/meetings`);
    await expect.poll(() => announcer(page).textContent()).toBe("Møter: kommende – Broen");

    // The filter (a GET form on the same page): focus stays on its button, nothing said.
    const show = page.getByRole("button", { name: "Vis", exact: true });
    await show.focus();
    await page.getByLabel("Type møte").selectOption({ label: "Nettverksmøte" });
    await show.click();
    await page.waitForURL((url) => url.searchParams.get("kind") === "network_meeting");
    expect(await focused(page)).toBe("button:Vis");
    expect(await announcer(page).textContent()).toBe("Møter: kommende – Broen");

    // A refused form: the error summary takes focus, as before; the title is not said.
    await page.goBack();
    await page.goBack();
    await page.waitForURL(`${server.url}/persons/new`);
    await expect.poll(() => announcer(page).textContent()).toBe("Ny person – Broen");
    await page.getByRole("button", { name: "Registrer person" }).click();
    await page.locator(".ds-error-summary").waitFor();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.className))
      .toBe("ds-error-summary");
    expect(await announcer(page).textContent()).toBe("Ny person – Broen");
    // The form's 400 answer is the validation working, not a problem of the page.
    session!.problems.splice(0, session!.problems.length);

    // A form whose answer is another page: focus and title as for a link.
    await page.getByLabel("Navn", { exact: true }).fill("Tore Tangen");
    await page.getByRole("button", { name: "Registrer person" }).click();
    await page.waitForURL(/\/persons\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => announcer(page).textContent())
      .toBe("Person: opplysninger og nettverk – Broen");
    await expect.poll(() => focused(page)).toBe("h1:Tore Tangen");
  });
});
