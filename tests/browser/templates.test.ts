import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { readAgenda, PERSON_REF } from "../../app/features/agenda/document";
import { agendaTemplate } from "../../app/features/agenda/templates";
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

announceSkipWithoutChromium("tests/browser/templates.test.ts");

/*
 * Templates and prompt cards in a real browser, by keyboard: a leader starts the demo network
 * meeting's empty agenda from a template, drops a prompt card into an item, and is asked before
 * a second template is added; the server's copy holds what the page shows, the page without
 * JavaScript renders the card, a partner is offered neither, and axe finds no violations.
 * Steps share state, in order.
 */

let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let leader: BrowserSession;
const sessions: BrowserSession[] = [];

const template = () => agendaTemplate("first-network-meeting")!;

async function openMeeting(session: BrowserSession): Promise<Page> {
  const page = session.page;
  await page.goto(`${server.url}/meetings/${docs.meetingId}`);
  await waitForHydration(page);
  await page.locator(".connection-connected").waitFor({ state: "visible", timeout: 30_000 });
  return page;
}

const titles = async (page: Page) =>
  (await page.locator("article.agenda-item h4").allInnerTexts()).map((t) =>
    t.replace(/^\d+\.\s*/, ""),
  );
const status = (page: Page) => page.locator(".live-agenda > p.ds-sr-only[role=status]").innerText();
const activeText = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return `${active?.id ?? ""}|${active?.textContent ?? ""}`;
  });

/** Waits until focus has moved to the confirm's "yes" (it follows the button that asked). */
const focusOnYes = (page: Page) =>
  until(
    async () => ((await activeText(page)).includes("Ja, legg dem til") ? true : undefined),
    "focus on the confirm",
  );

/** The agenda as the realtime server holds it (a client of its own, as the leader). */
async function serverAgenda() {
  const client = connectClient(server.url, docs.agenda, {
    cookie: await server.cookieFor(DEMO.leader),
  });
  try {
    await client.synced();
    return { ...readAgenda(client.doc), doc: client.doc };
  } finally {
    client.provider.destroy();
  }
}

// Each step opens pages and runs axe: on a loaded machine that takes longer than the default.
describe.skipIf(!hasChromium)(
  "agenda templates and prompt cards in the browser",
  { timeout: 120_000 },
  () => {
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

    it("offers the five templates on the empty agenda, without WCAG violations", async () => {
      leader = await openSession(browser, server, { as: DEMO.leader });
      sessions.push(leader);
      const page = await openMeeting(leader);
      const picker = page.getByRole("region", { name: "Start fra en mal" });
      await picker.waitFor({ state: "visible", timeout: 20_000 });
      expect(await picker.getByRole("button").allInnerTexts()).toEqual([
        "Første nettverksmøte",
        "Oppfølgende nettverksmøte",
        "Ansvarsgruppemøte",
        "Gå gjennom kriseplanen",
        "Evaluere planen",
      ]);
      // Starting blank stays possible: the new-theme form is there too.
      await page.getByRole("button", { name: "Legg til tema" }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
    });

    it("applies a template by keyboard: the items in order, announced, focus on the list", async () => {
      const page = leader.page;
      await page.getByRole("button", { name: "Første nettverksmøte" }).focus();
      await page.keyboard.press("Enter");
      const expected = template().items.map((item) => item.title.nb);
      await until(
        async () => ((await titles(page)).length === expected.length ? true : undefined),
        "the template's items on the page",
      );
      expect(await titles(page)).toEqual(expected);
      await until(
        async () => ((await activeText(page)).startsWith("items-title|") ? true : undefined),
        "focus on the items' heading",
      );
      expect(await status(page)).toBe("«Første nettverksmøte» er lagt inn med 5 punkter.");
      // The choice is gone now that the agenda has items; adding another asks first.
      expect(await page.getByRole("region", { name: "Start fra en mal" }).count()).toBe(0);

      const { agenda, problems } = await serverAgenda();
      expect(problems).toEqual([]);
      expect(agenda.items.map((item) => item.title)).toEqual(expected);
      expect(agenda.items.slice(0, 2).map((item) => item.broughtBy)).toEqual([
        PERSON_REF,
        PERSON_REF,
      ]);
    });

    it("drops a prompt card into an item by keyboard, announced, and the editor shows it", async () => {
      const page = leader.page;
      const item = page.locator("article.agenda-item").first();
      const toggle = item.getByRole("button", { name: /^Legg inn spørsmålskort/ });
      await toggle.focus();
      await page.keyboard.press("Enter");
      expect(await toggle.getAttribute("aria-expanded")).toBe("true");
      // Focus is on the first card; Escape closes the list and returns to the button.
      await until(
        async () => ((await activeText(page)).endsWith("|Se framover") ? true : undefined),
        "focus on the first card",
      );
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      await until(
        async () => ((await toggle.getAttribute("aria-expanded")) === "false" ? true : undefined),
        "the list closed",
      );
      expect(await activeText(page)).toContain("Legg inn spørsmålskort");

      await page.keyboard.press("Enter");
      await until(
        async () => ((await activeText(page)).endsWith("|Se framover") ? true : undefined),
        "focus on the first card again",
      );
      await page.keyboard.press("Tab"); // "Hverdagen"
      await page.keyboard.press("Enter");
      const editor = item.locator(".ProseMirror");
      await until(
        async () =>
          (await editor.locator("h3", { hasText: "Hverdagen" }).count()) === 1 &&
          (await editor.locator("ul li", { hasText: "Når i uka har du det best?" }).count()) === 1
            ? true
            : undefined,
        "the card's heading and questions in the item's editor",
      );
      expect(await status(page)).toBe(
        "Spørsmålene fra «Hverdagen» er lagt inn i notatene til «Det du vil snakke om i dag».",
      );
      expect(await activeText(page)).toContain("Legg inn spørsmålskort");
    });

    it("asks before adding a template to an agenda with items: nothing on no, its items after the others on yes", async () => {
      const page = leader.page;
      await page.getByRole("button", { name: "Legg til punkter fra en mal" }).focus();
      await page.keyboard.press("Enter");
      await page.getByLabel("Mal", { exact: true }).selectOption({ label: "Evaluere planen" });
      await page.getByRole("button", { name: "Legg til fra malen" }).click();
      const question = page.getByRole("group", { name: "Legge til punktene fra malen?" });
      await question.waitFor();
      expect(await question.innerText()).toContain(
        "Agendaen har allerede 5 punkter. Vil du legge til 5 punkter fra «Evaluere planen»?",
      );
      // Focus is on the confirm; "No" is one Tab away.
      await focusOnYes(page);
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Legg til punkter fra en mal" }).waitFor();
      expect(await titles(page)).toHaveLength(5);

      // Asked again and answered yes: the plan evaluation's items come after the five.
      await page.getByRole("button", { name: "Legg til punkter fra en mal" }).click();
      await page.getByLabel("Mal", { exact: true }).selectOption({ label: "Evaluere planen" });
      await page.getByRole("button", { name: "Legg til fra malen" }).click();
      await focusOnYes(page);
      await page.keyboard.press("Enter");
      const expected = [
        ...template().items.map((item) => item.title.nb),
        ...agendaTemplate("plan-evaluation")!.items.map((item) => item.title.nb),
      ];
      await until(
        async () => ((await titles(page)).length === expected.length ? true : undefined),
        "the second template's items",
      );
      expect(await titles(page)).toEqual(expected);
    });

    it("stores the card on the server, and the page without JavaScript renders it", async () => {
      await until(async () => {
        const { doc } = await serverAgenda();
        return JSON.stringify(doc.toJSON()).includes("Når i uka har du det best?")
          ? true
          : undefined;
      }, "the card's questions in the server's copy");
      const reader = await openSession(browser, server, { as: DEMO.leader, javaScript: false });
      sessions.push(reader);
      await reader.page.goto(`${server.url}/meetings/${docs.meetingId}`);
      const first = reader.page.locator(".agenda-read article.agenda-item").first();
      expect(await first.locator("h3").allInnerTexts()).toEqual([
        "Det du vil snakke om i dag",
        "Hverdagen",
      ]);
      expect(await first.locator("li", { hasText: "Når i uka har du det best?" }).count()).toBe(1);
    });

    it("offers a partner neither templates nor cards; no console errors or CSP violations", async () => {
      const partner = await openSession(browser, server, { as: DEMO.nav });
      sessions.push(partner);
      const page = await openMeeting(partner);
      await page.locator("article.agenda-item").first().waitFor();
      expect(await page.getByRole("button", { name: /spørsmålskort/ }).count()).toBe(0);
      expect(await page.getByRole("button", { name: /fra en mal/ }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(leader.problems).toEqual([]);
      expect(partner.problems).toEqual([]);
    });
  },
);
