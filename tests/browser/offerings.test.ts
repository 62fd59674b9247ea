import fs from "node:fs";
import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { offerings, organisations } from "../../db/schema";
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

announceSkipWithoutChromium("tests/browser/offerings.test.ts");

/*
 * The offerings catalogue in chromium (issue 13): axe-core (WCAG 2.1 A/AA) finds nothing on
 * the catalogue's pages, a coordinator adds an offering without JavaScript, and the stale
 * list's "still correct" and "pause" (which asks first) work by keyboard alone, and a leader
 * puts a first visit in their calendar by keyboard (ADR 026).
 */

const soon = { timeout: 10_000 };

describe.skipIf(!hasChromium)("the offerings catalogue in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let session: BrowserSession | undefined;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const { db } = server.database;
    const title = async (t: string) =>
      (await db.select().from(offerings).where(eq(offerings.title, t)))[0]!.id;
    ids.dinner = await title("Middag for alle");
    ids.stale = await title("Frivillig i kafeen");
    ids.organisation = (
      await db.select().from(organisations).where(eq(organisations.name, "Fjordvik turlag"))
    )[0]!.id;
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

  async function open(as: keyof typeof DEMO, javaScript = true): Promise<Page> {
    session = await openSession(browser, server, { as: DEMO[as], javaScript });
    return session.page;
  }

  it("has no axe violations on the catalogue's pages", async () => {
    const page = await open("coordinator");
    const paths = [
      "/offerings",
      "/offerings?category=culture&status=all",
      `/offerings/${ids.dinner}`,
      `/offerings/${ids.dinner}?confirm=retire-${ids.dinner}`,
      "/offerings/new",
      `/offerings/${ids.dinner}/edit`,
      "/offerings/stale",
      "/offerings/organisations",
      `/offerings/organisations/${ids.organisation}`,
      "/offerings/organisations/new",
      `/offerings/organisations/${ids.organisation}/edit`,
      "/offerings/import",
    ];
    const found: string[] = [];
    for (const path of paths) {
      const response = await page.goto(server.url + path);
      expect(response?.status(), path).toBe(200);
      await waitForHydration(page);
      found.push(...(await axeViolations(page)).map((v) => `${path}: ${v}`));
    }
    // A refused form, with its error summary.
    await page.goto(`${server.url}/offerings/new`);
    await waitForHydration(page);
    await page.getByLabel("Faste tider hver uke").fill("mandag 25:00-26:00");
    await page.getByRole("button", { name: "Legg til tilbudet" }).click();
    await page.getByRole("alert").waitFor(soon);
    found.push(...(await axeViolations(page)).map((v) => `refused form: ${v}`));
    // The refused post's 400 is the answer the page expects, not a problem of the page.
    session!.problems.splice(
      0,
      session!.problems.length,
      ...session!.problems.filter(
        (p) => !/\/offerings\/new: Failed to load resource: .* 400/.test(p),
      ),
    );
    expect(found, found.join("\n")).toEqual([]);
    // Twelve pages through axe take ~25 s alone on this machine; more when it is shared.
  }, 90_000);

  it("lets a coordinator add an offering without JavaScript", async () => {
    const page = await open("coordinator", false);
    await page.goto(`${server.url}/offerings/new`);
    await page.getByLabel("Organisasjon").selectOption({ label: "Fjordvik turlag" });
    await page.getByLabel("Navn på tilbudet").fill("Kveldstur med hodelykt");
    await page.getByLabel("Beskrivelse").fill("Vi går en time i mørket. Hodelykter kan lånes.");
    await page.getByLabel("Kategori").selectOption({ label: "Aktivitet og trening" });
    await page.getByLabel("Faste tider hver uke").fill("torsdag 19:00–20:00");
    await page.getByLabel("Fysisk helse").check();
    await page.getByRole("button", { name: "Legg til tilbudet" }).click();
    await page.getByRole("heading", { level: 1, name: "Kveldstur med hodelykt" }).waitFor(soon);
    expect(await page.getByRole("status").textContent()).toContain("Tilbudet er lagret.");
    expect(await page.textContent("main")).toContain("torsdag 19:00–20:00");
  });

  it("confirms a stale offering and pauses another by keyboard alone", async () => {
    const page = await open("coordinator");
    await page.goto(`${server.url}/offerings/stale`);
    await waitForHydration(page);
    const verify = page.getByRole("button", { name: "Fortsatt riktig Frivillig i kafeen" });
    await verify.focus();
    await page.keyboard.press("Enter");
    await page.getByText("Takk! Tilbudet er merket som sjekket nå.").waitFor(soon);
    await page
      .getByRole("link", { name: "Frivillig i kafeen" })
      .waitFor({ state: "detached", ...soon });
    const pause = page.getByRole("button", { name: "Sett på pause Hyttedugnad" });
    await pause.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await dialog.waitFor(soon);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Ja, sett på pause" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText("Tilbudet er satt på pause.").waitFor(soon);
    const [hut] = await server.database.db
      .select()
      .from(offerings)
      .where(eq(offerings.title, "Hyttedugnad"));
    expect(hut!.status).toBe("paused");
  });

  it("lets a leader download a first visit by keyboard, and shows a wrong date's errors", async () => {
    const page = await open("leader");
    await page.goto(`${server.url}/offerings/${ids.dinner}`);
    await waitForHydration(page);
    // "Middag for alle" meets on Thursdays 16:30–18:30.
    const thursday = DateTime.now().setZone("Europe/Oslo").plus({ weeks: 1 }).set({ weekday: 4 });
    const date = page.getByLabel("Dato for besøket");
    await date.fill(thursday.toISODate()!);
    // The first weekly time is chosen already; the select takes arrow keys like any other.
    expect(await page.getByLabel("Tid", { exact: true }).inputValue()).toBe("slot-0");
    const submit = page.getByRole("button", { name: "Legg i kalender (.ics)" });
    await submit.focus();
    const [download] = await Promise.all([
      page.waitForEvent("download", soon),
      page.keyboard.press("Enter"),
    ]);
    expect(download.suggestedFilename()).toBe("tilbud.ics");
    const ics = fs.readFileSync((await download.path())!, "utf8");
    expect(ics).toContain(`DTSTART;TZID=Europe/Oslo:${thursday.toFormat("yyyyMMdd")}T163000`);
    // A Friday for a Thursday time: the page again, with the error summary and the field's error.
    await page.goto(`${server.url}/offerings/${ids.dinner}`);
    await waitForHydration(page);
    await page.getByLabel("Dato for besøket").fill(thursday.plus({ days: 1 }).toISODate()!);
    await page.getByRole("button", { name: "Legg i kalender (.ics)" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("alert").waitFor(soon);
    expect(await page.getByRole("alert").textContent()).toContain("ikke på samme ukedag");
    expect(await axeViolations(page)).toEqual([]);
    session!.problems.splice(
      0,
      session!.problems.length,
      ...session!.problems.filter(
        (p) => !/\/offerings\/[0-9a-f-]+: Failed to load resource: .* 400/.test(p),
      ),
    );
  });
});
