import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { networkMembers } from "../../db/schema";
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

announceSkipWithoutChromium("tests/browser/member-form.test.ts");

/*
 * Issue 10, item 10, in a browser with JavaScript (where the form is not rendered anew after a
 * save): add a relative without an account with a phone and an e-mail, then the NAV partner
 * account. The NAV member must carry none of the relative's details (nor show them on the NAV
 * user's own line), and the form must be empty after each save. The steps share state.
 */

const relative = {
  name: "Kari Fjelltun",
  phone: "922 22 222",
  email: "kari.fjelltun@example.test",
  organisation: "Fjelltun gård",
};
const partner = { name: "Omar Haugland", option: "Omar Haugland (NAV Fjordvik)" };

describe.skipIf(!hasChromium)("the add-member form in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let leader: BrowserSession;
  let nav: BrowserSession | undefined;
  let networkUrl = "";

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
    networkUrl = `${server.url}${network.headers.get("location")}`;
  });
  afterAll(async () => {
    await nav?.close();
    await leader?.close();
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    const problems = [...leader.problems, ...(nav?.problems ?? [])];
    leader.problems.length = 0;
    if (nav) nav.problems.length = 0;
    expect(problems, problems.join("\n")).toEqual([]);
  });

  const status = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });
  const addMember = (page: Page) =>
    page.getByRole("region", { name: "Legg til medlem", exact: true });

  it("starts empty again after a relative with a phone and an e-mail is added", async () => {
    const { page } = leader;
    await page.goto(networkUrl);
    await waitForHydration(page);
    const form = addMember(page);
    await form.getByLabel("Samarbeidspartner med konto").selectOption({ value: "" });
    await form.getByLabel("Navn", { exact: true }).fill(relative.name);
    await form.getByLabel("Organisasjon", { exact: true }).fill(relative.organisation);
    await form.getByLabel("Telefon", { exact: true }).fill(relative.phone);
    await form.getByLabel("E-post", { exact: true }).fill(relative.email);
    await form.getByLabel("Relasjon eller rolle").selectOption({ label: "Pårørende" });
    await form.getByLabel("Plass i kartet").selectOption({ label: "Familie og venner" });
    await form.getByRole("button", { name: "Legg til medlem", exact: true }).click();

    await status(page, "Medlemmet er lagt til.").waitFor();
    const card = page.getByRole("article", { name: relative.name, exact: true });
    await card.waitFor();
    expect(await card.textContent()).toContain(`${relative.phone} · ${relative.email}`);

    // The form is empty: nothing typed for her is left for the next member.
    for (const label of ["Navn", "Organisasjon", "Telefon", "E-post"]) {
      expect(await form.getByLabel(label, { exact: true }).inputValue(), label).toBe("");
    }
    expect(await form.getByLabel("Samarbeidspartner med konto").inputValue()).toBe("");
    expect(await form.getByLabel("Relasjon eller rolle").inputValue()).toBe("relative");
    expect(
      await form
        .getByRole("checkbox", { name: "Personen ønsker at medlemmet inviteres" })
        .isChecked(),
    ).toBe(true);
  });

  it("adds the NAV account with none of the relative's details, and the form starts empty", async () => {
    const { page } = leader;
    const form = addMember(page);
    // What the bug needed: the relative's values still in the contact fields when the account
    // is chosen. Type them in again to be sure they are neither sent nor stored.
    await form.getByLabel("Telefon", { exact: true }).fill(relative.phone);
    await form.getByLabel("E-post", { exact: true }).fill(relative.email);
    await form.getByLabel("Samarbeidspartner med konto").selectOption({ label: partner.option });
    // Fields that do not apply to an account are hidden (and not sent).
    await expect.poll(() => form.getByLabel("Telefon", { exact: true }).isHidden()).toBe(true);
    expect(await form.getByLabel("Navn", { exact: true }).isHidden()).toBe(true);
    expect(await form.getByText("Navn, organisasjon og e-post hentes fra kontoen.").count()).toBe(
      1,
    );
    await form.getByLabel("Relasjon eller rolle").selectOption({ label: "NAV" });
    await form.getByLabel("Plass i kartet").selectOption({ label: "Tjenester" });
    await form.getByRole("button", { name: "Legg til medlem", exact: true }).click();

    const card = page.getByRole("article", { name: partner.name, exact: true });
    await card.waitFor();
    const text = (await card.textContent()) ?? "";
    expect(text).toContain("nav@fjordvik.test");
    expect(text).toContain("NAV Fjordvik");
    for (const value of Object.values(relative)) expect(text).not.toContain(value);

    const rows = await server.database.db
      .select()
      .from(networkMembers)
      .where(
        and(
          eq(networkMembers.networkId, networkUrl.split("/").pop()!),
          eq(networkMembers.userId, await server.userId(DEMO.nav)),
        ),
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ phone: null, email: null, organisation: null });

    // Empty again, contact fields back for the next member, and NAV no longer offered.
    await expect.poll(() => form.getByLabel("Samarbeidspartner med konto").inputValue()).toBe("");
    for (const label of ["Navn", "Organisasjon", "Telefon", "E-post"]) {
      const field = form.getByLabel(label, { exact: true });
      expect(await field.isVisible(), label).toBe(true);
      expect(await field.inputValue(), label).toBe("");
    }
    const offered = await form
      .getByLabel("Samarbeidspartner med konto")
      .locator("option")
      .allTextContents();
    expect(offered).not.toContain(partner.option);
    const violations = await axeViolations(page);
    expect(violations, violations.join("\n")).toEqual([]);
  });

  it("shows the NAV user their own line without the relative's details", async () => {
    nav = await openSession(browser, server, { as: DEMO.nav });
    const { page } = nav;
    await page.goto(networkUrl);
    await waitForHydration(page);
    const own = page.getByRole("article", { name: `${partner.name} (deg)`, exact: true });
    const text = (await own.textContent()) ?? "";
    expect(text).toContain("nav@fjordvik.test");
    for (const value of Object.values(relative)) expect(text).not.toContain(value);
    // Nor anyone else's contact details anywhere on the page.
    const body = await page.locator("main").innerText();
    expect(body).not.toContain(relative.phone);
    expect(body).not.toContain(relative.email);
  });

  it("corrects the relative's phone afterwards; the consent form starts empty after a save", async () => {
    const { page } = leader;
    const card = page.getByRole("article", { name: relative.name, exact: true });
    const edit = card.locator("details", { hasText: "Endre opplysninger" });
    await edit.locator("summary").click();
    await edit.getByLabel("Telefon", { exact: true }).fill("933 33 333");
    await edit.getByRole("button", { name: /^Lagre endringene/ }).click();
    await status(page, "Medlemmet er oppdatert.").waitFor();
    await expect.poll(() => card.textContent()).toContain(`933 33 333 · ${relative.email}`);

    const consent = card.locator("details", { hasText: "Registrer samtykke" });
    await consent.locator("summary").click();
    const agenda = consent.getByRole("group", { name: "Gjelder" }).getByLabel("Dagsorden");
    await agenda.check();
    await consent.getByLabel("Hvordan").selectOption({ label: "Signert på papir" });
    await consent.getByRole("button", { name: "Registrer samtykke", exact: true }).click();
    await status(page, "Samtykket er registrert.").waitFor();
    await card.getByRole("listitem").filter({ hasText: "Dagsorden" }).waitFor();
    expect(await agenda.isChecked()).toBe(false);
    expect(await consent.getByLabel("Hvordan").inputValue()).toBe("verbal_in_meeting");
  });
});
