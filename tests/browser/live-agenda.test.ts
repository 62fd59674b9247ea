import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, until, type DemoDocuments } from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/live-agenda.test.ts");

/*
 * The live agenda in real browsers: a leader and a NAV partner (with consent for the agenda)
 * on the same meeting page, each in their own context, see each other's text, names and
 * carets; the partner adds an item of their own; an edit made while the realtime server
 * cannot be reached survives a reload and arrives when it can. Steps share state, in order.
 */

let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let leader: BrowserSession;
let partner: BrowserSession;
const sessions: BrowserSession[] = [];

async function openMeeting(as: string): Promise<BrowserSession> {
  const session = await openSession(browser, server, { as });
  sessions.push(session);
  await session.page.goto(`${server.url}/meetings/${docs.meetingId}`);
  await waitForHydration(session.page);
  await connected(session.page);
  return session;
}

const connected = (page: Page) =>
  page.locator(".connection-connected").waitFor({ state: "visible", timeout: 30_000 });

/** The rich-text box of the item titled `title` (the first one when none is given). */
const notesOf = (page: Page, title?: string) =>
  (title
    ? page.locator("article.agenda-item", { hasText: title })
    : page.locator("article.agenda-item")
  )
    .first()
    .locator(".ProseMirror");

/**
 * Whether some agenda copy in the page's IndexedDB (y-indexeddb's `updates` store, see
 * app/features/agenda/offline.ts for the names) holds an update whose bytes contain `text`.
 */
function localCopyHolds(page: Page, text: string): Promise<boolean> {
  return page.evaluate(async (text) => {
    const names = (await indexedDB.databases())
      .map((info) => info.name ?? "")
      .filter((name) => name.startsWith("broen:") && name.includes(":agenda:"));
    const decoder = new TextDecoder();
    for (const name of names) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      try {
        if (!db.objectStoreNames.contains("updates")) continue;
        const updates = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction("updates").objectStore("updates").getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        if (updates.some((update) => decoder.decode(update as Uint8Array).includes(text)))
          return true;
      } finally {
        db.close();
      }
    }
    return false;
  }, text);
}

describe.skipIf(!hasChromium)("the live agenda in the browser", () => {
  beforeAll(async () => {
    server = await startTestServer();
    docs = await demoDocuments(server.database.db);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const session of sessions) await session.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it("shows the agenda as it is before JavaScript, and who is here once live", async () => {
    leader = await openMeeting(DEMO.leader);
    partner = await openMeeting(DEMO.nav);
    for (const [session, other] of [
      [leader, "Omar Haugland"],
      [partner, "Lars Bakkevik"],
    ] as const) {
      await session.page
        .locator(".presence li", { hasText: other })
        .waitFor({ state: "visible", timeout: 20_000 });
    }
  });

  it("a leader adds an item by keyboard; the partner sees it and writes in its notes; each sees the other's text and caret", async () => {
    const page = leader.page;
    await page.getByLabel("Tittel", { exact: true }).fill("Bolig");
    await page.getByLabel("Tittel", { exact: true }).press("Enter");
    await partner.page
      .locator("article.agenda-item", { hasText: "Bolig" })
      .waitFor({ state: "visible", timeout: 20_000 });

    await notesOf(leader.page).click();
    await leader.page.keyboard.type("Siri ønsker egen leilighet.");
    await until(
      async () =>
        (await notesOf(partner.page).innerText()).includes("egen leilighet") ? true : undefined,
      "the partner sees the leader's text",
    );
    await notesOf(partner.page).click();
    await partner.page.keyboard.press("End");
    await partner.page.keyboard.type(" NAV kan hjelpe med depositum.");
    await until(
      async () =>
        (await notesOf(leader.page).innerText()).includes("depositum") ? true : undefined,
      "the leader sees the partner's text",
    );
    // The partner's caret, with their name, in the leader's editor.
    await leader.page
      .locator(".collaboration-carets__label", { hasText: "Omar Haugland" })
      .waitFor({ state: "attached", timeout: 20_000 });
  });

  it("the partner adds an item of their own, which the leader sees with the partner's name", async () => {
    const page = partner.page;
    await page.getByLabel("Tittel", { exact: true }).fill("Arbeid og aktivitet");
    await page.getByRole("button", { name: "Legg til tema" }).click();
    const item = leader.page.locator("article.agenda-item", { hasText: "Arbeid og aktivitet" });
    await item.waitFor({ state: "attached", timeout: 20_000 });
    await expect(item.innerText()).resolves.toContain("Omar Haugland");
    // Nothing the partner did was refused.
    expect(await page.locator(".live-agenda [role=alert]").count()).toBe(0);
  });

  it("the leader moves an item with the keyboard, and both see the new order", async () => {
    const page = leader.page;
    await page.getByRole("button", { name: /^Flytt ned\W+Bolig$/ }).focus();
    await page.keyboard.press("Enter");
    const order = async (p: Page) =>
      (await p.locator("article.agenda-item h4").allInnerTexts()).map((t) =>
        t.replace(/^\d+\.\s*/, ""),
      );
    await until(
      async () => ((await order(partner.page))[0] === "Arbeid og aktivitet" ? true : undefined),
      "the partner sees the new order",
    );
    expect(await order(leader.page)).toEqual(["Arbeid og aktivitet", "Bolig"]);
  });

  it("the leader runs the meeting from the run view by keyboard; the partner follows which item is current", async () => {
    const run = await openSession(browser, server, { as: DEMO.leader });
    sessions.push(run);
    await run.page.goto(`${server.url}/meetings/${docs.meetingId}/run`);
    await waitForHydration(run.page);
    await connected(run.page);
    await run.page.getByRole("button", { name: "Start møtet" }).click();
    await until(
      async () =>
        (await partner.page.locator(".now-showing").innerText()).includes("Arbeid og aktivitet")
          ? true
          : undefined,
      "the partner sees the first item as current",
    );
    await run.page.keyboard.press("Alt+N");
    await until(
      async () =>
        (await partner.page.locator(".now-showing").innerText()).includes("Bolig")
          ? true
          : undefined,
      "the partner follows to the next item",
    );
    // Alt+V puts focus in the current item's decision field; Enter captures it.
    await run.page.keyboard.press("Alt+V");
    await run.page.keyboard.type("Søke om startlån");
    await run.page.keyboard.press("Enter");
    await partner.page
      .locator("article.agenda-item", { hasText: "Søke om startlån" })
      .waitFor({ state: "attached", timeout: 20_000 });
    expect(await axeViolations(run.page)).toEqual([]);
    expect(run.problems).toEqual([]);
    // Someone who does not lead the meeting cannot open the run view.
    const response = await partner.page.goto(`${server.url}/meetings/${docs.meetingId}/run`);
    expect(response?.status()).toBe(403);
    // That refusal is the one console error expected on the partner's pages.
    partner.problems.splice(
      0,
      partner.problems.length,
      ...partner.problems.filter((p) => !/\/run: .*403/.test(p)),
    );
    await partner.page.goto(`${server.url}/meetings/${docs.meetingId}`);
    await waitForHydration(partner.page);
    await connected(partner.page);
  });

  it("has no WCAG 2.1 A/AA violations, live, for the leader and the partner", async () => {
    expect(await axeViolations(leader.page)).toEqual([]);
    expect(await axeViolations(partner.page)).toEqual([]);
  });

  it("keeps an edit made while the realtime server cannot be reached, across a reload, and sends it when it can", async () => {
    const page = partner.page;
    // The realtime server is out of reach for this browser (HTTP still answers).
    let down = true;
    await page.context().routeWebSocket(/\/realtime\//, (socket) => {
      if (down) void socket.close();
      else socket.connectToServer(); // passed through as it is
    });
    await page.reload();
    await waitForHydration(page);
    await page.locator(".connection-connecting, .connection-offline").first().waitFor();
    await page.locator("article.agenda-item", { hasText: "Bolig" }).waitFor({ timeout: 20_000 });
    // An item's editor is created when it comes near the viewport (lazy-rich-text.tsx).
    await page.locator("article.agenda-item", { hasText: "Bolig" }).scrollIntoViewIfNeeded();
    await notesOf(page, "Bolig").click();
    await page.keyboard.press("End");
    // One input event, so that one stored update holds the whole text.
    await page.keyboard.insertText(" Skrevet uten nett.");
    // y-indexeddb writes asynchronously: reload only once the browser's copy holds the edit.
    await until(
      async () => ((await localCopyHolds(page, "Skrevet uten nett")) ? true : undefined),
      "the browser's copy holds the offline edit",
    );
    // Reload with the server still out of reach: the text comes back from the browser's copy.
    await page.reload();
    await waitForHydration(page);
    await page.locator("article.agenda-item", { hasText: "Bolig" }).scrollIntoViewIfNeeded();
    await until(
      async () =>
        (await notesOf(page, "Bolig").innerText()).includes("Skrevet uten nett") ? true : undefined,
      "the offline edit is still there after the reload",
    );
    expect(await notesOf(leader.page, "Bolig").innerText()).not.toContain("Skrevet uten nett");
    // The server is back: the page reconnects by itself (y-websocket backs off at most 5 s).
    down = false;
    await connected(page);
    await until(
      async () =>
        (await notesOf(leader.page, "Bolig").innerText()).includes("Skrevet uten nett")
          ? true
          : undefined,
      "the leader gets the offline edit",
    );
  });

  it("a relative's link shows the live agenda too, and no console errors or CSP violations anywhere", async () => {
    const relative = await openSession(browser, server);
    sessions.push(relative);
    await relative.page.goto(`${server.url}/i/${invitationToken(docs.relativeInvitationId, 1)}`);
    await waitForHydration(relative.page);
    await connected(relative.page);
    await relative.page.locator("article.agenda-item", { hasText: "Bolig" }).waitFor();
    expect(await axeViolations(relative.page)).toEqual([]);
    for (const session of [leader, partner, relative]) {
      // A failed WebSocket while the route was cut is expected; nothing else is.
      expect(session.problems.filter((p) => !/WebSocket/.test(p))).toEqual([]);
    }
  });
});
