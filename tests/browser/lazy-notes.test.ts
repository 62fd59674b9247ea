import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import * as Y from "yjs";
import { addItem, itemNotes } from "../../app/features/agenda/document";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, demoDocuments, until, type DemoDocuments } from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/lazy-notes.test.ts");

/*
 * A long live agenda (30 items with notes) opens without 31 editors at once
 * (app/features/agenda/lazy-rich-text.tsx): the notes far below the viewport are shown as
 * read-only text in a focusable text box until they are needed; reaching one by keyboard
 * (Tab) turns it into the editor with the caret in it, and what is typed arrives at the other
 * page. Scrolling to an item gives it its editor, so the carets of others show there.
 */

const ITEMS = 30;
let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let leader: BrowserSession;
let partner: BrowserSession;

async function openMeeting(as: string): Promise<BrowserSession> {
  const session = await openSession(browser, server, { as });
  await session.page.goto(`${server.url}/meetings/${docs.meetingId}`);
  await waitForHydration(session.page);
  await session.page
    .locator(".connection-connected")
    .waitFor({ state: "visible", timeout: 30_000 });
  await until(
    async () =>
      (await session.page.locator("article.agenda-item").count()) === ITEMS ? true : undefined,
    `${as} sees all ${ITEMS} items`,
  );
  return session;
}

const lastItem = (page: Page) => page.locator("article.agenda-item").last();

describe.skipIf(!hasChromium)("a long live agenda's notes", () => {
  beforeAll(async () => {
    server = await startTestServer();
    docs = await demoDocuments(server.database.db);
    // The agenda, written through the realtime server as a leader's editor would.
    const writer = connectClient(server.url, docs.agenda, {
      cookie: await server.cookieFor(DEMO.leader),
    });
    await writer.synced();
    for (let i = 1; i <= ITEMS; i++) {
      const id = addItem(writer.doc, { title: `Tema ${i}`, createdBy: null, broughtBy: null });
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText(`Notat til tema ${i}. `.repeat(30))]);
      itemNotes(writer.doc, id)!.push([paragraph]);
    }
    await until(
      async () =>
        writer.provider.wsconnected && !writer.provider.ws?.bufferedAmount ? true : undefined,
      "the agenda is sent",
    );
    writer.destroy();
    browser = await launchBrowser();
    leader = await openMeeting(DEMO.leader);
    partner = await openMeeting(DEMO.nav);
  });

  afterAll(async () => {
    await leader?.close().catch(() => {});
    await partner?.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it("shows far notes as read-only text in a labelled text box, not as 30 editors", async () => {
    const last = lastItem(leader.page);
    expect(await last.locator(".ProseMirror").count()).toBe(0);
    const box = last.getByRole("textbox", { name: "Notater til «Tema 30»" });
    expect(await box.innerText()).toContain("Notat til tema 30.");
    expect(await box.getAttribute("tabindex")).toBe("0");
    expect(await leader.page.locator("article.agenda-item .ProseMirror").count()).toBeLessThan(
      ITEMS,
    );
    expect(await axeViolations(leader.page)).toEqual([]);
  }, 120_000); // axe on a page of 30 items takes long on a loaded machine

  it("gives every item its fields and buttons, the far ones once the page is idle", async () => {
    for (const item of [
      leader.page.locator("article.agenda-item").first(),
      lastItem(leader.page),
    ]) {
      await item.getByLabel("Status").waitFor({ state: "attached" });
      await item.getByLabel("Planlagte minutter").waitFor({ state: "attached" });
      await item
        .getByRole("button", { name: /^Fjern/ })
        .first()
        .waitFor({ state: "attached" });
    }
    const withStatus = leader.page.locator("article.agenda-item", {
      has: leader.page.getByLabel("Status"),
    });
    expect(await withStatus.count()).toBe(ITEMS);
  });

  it("turns into the editor when reached by Tab, with the caret in it; the text arrives at the other page", async () => {
    const page = leader.page;
    // The field before the notes in the tab order: the item's status. Focused without
    // scrolling: scrolled into view, the item could become an editor before the Tab (the
    // observer's margin), and this test is about the stand-in reached by Tab.
    await lastItem(page)
      .getByLabel("Status")
      .evaluate((field) => (field as HTMLElement).focus({ preventScroll: true }));
    expect(await lastItem(page).locator(".ProseMirror").count()).toBe(0);
    await page.keyboard.press("Tab");
    await until(
      async () =>
        (await page.evaluate(() => document.activeElement?.classList.contains("ProseMirror")))
          ? true
          : undefined,
      "the focus is in the last item's editor",
    );
    await page.keyboard.type(" Skrevet med tastatur.");
    await until(
      async () =>
        (await lastItem(partner.page).innerText()).includes("Skrevet med tastatur.")
          ? true
          : undefined,
      "the partner sees the text typed into the last item",
    );
    // Typed at the end: the caret was placed after the notes.
    const text = await lastItem(page).locator(".ProseMirror").innerText();
    expect(text.trimEnd().endsWith("Skrevet med tastatur.")).toBe(true);
  });

  it("shows the live agenda before its connection answers, from the state the page came with", async () => {
    const session = await openSession(browser, server, { as: DEMO.leader });
    try {
      // The socket is held: it opens but the server never answers (as on a slow line).
      await session.page.routeWebSocket(/\/realtime/, () => {});
      await session.page.goto(`${server.url}/meetings/${docs.meetingId}`);
      await waitForHydration(session.page);
      const live = session.page.locator(".live-agenda");
      await live.waitFor({ timeout: 30_000 });
      expect(await live.getAttribute("data-state")).not.toBe("connected");
      await until(
        async () =>
          (await live.locator("article.agenda-item").count()) === ITEMS ? true : undefined,
        "all items in the live agenda, unsynced",
      );
      expect(await live.locator("article.agenda-item").last().innerText()).toContain(
        "Notat til tema 30.",
      );
      expect(session.problems).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it("fetches the live editor's chunk while the page is parsed, from the page's preload link", async () => {
    const { starts, parsed } = await leader.page.evaluate(() => {
      const [navigation] = performance.getEntriesByType(
        "navigation",
      ) as PerformanceNavigationTiming[];
      return {
        starts: performance
          .getEntriesByType("resource")
          .filter((entry) => entry.name.includes("/build/_shared/live-agenda-"))
          .map((entry) => entry.startTime),
        parsed: navigation!.domInteractive,
      };
    });
    // An import() runs only in a module, and modules run after the parser is done: fetched
    // before that, the chunk came from the <link rel="modulepreload"> in the page.
    expect(starts).toHaveLength(1);
    expect(starts[0]).toBeLessThan(parsed);
  });

  it("gives an item its editor when it is scrolled to, so others' carets show there", async () => {
    await lastItem(partner.page).scrollIntoViewIfNeeded();
    await lastItem(partner.page).locator(".ProseMirror").waitFor({ timeout: 20_000 });
    await partner.page
      .locator("article.agenda-item")
      .last()
      .locator(".collaboration-carets__label", { hasText: "Lars Bakkevik" })
      .waitFor({ state: "attached", timeout: 20_000 });
    expect(leader.problems).toEqual([]);
    expect(partner.problems).toEqual([]);
  });
});
