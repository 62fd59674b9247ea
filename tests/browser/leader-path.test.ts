import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { outbox } from "../../db/schema";
import { formatDate, formatDateTime } from "../../app/i18n";
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

announceSkipWithoutChromium("tests/browser/leader-path.test.ts");

/*
 * The leader's path through Broen, step by step in one browser: register a person, create
 * their network, draw the network map, record consent, plan a meeting, and follow the
 * relative's invitation link (no account) to an answer and a calendar file. The steps share
 * state and run in order; each ends with no console errors or CSP violations.
 */

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const person = {
  name: "Mari Solberg",
  preferredName: "Mari",
  phone: "912 34 567",
  email: "mari.solberg@example.test",
  language: "norsk",
};
const relative = { name: "Knut Fjelltun", email: "knut.fjelltun@example.test" };
const partner = { name: "Omar Haugland", option: "Omar Haugland (NAV Fjordvik)" };
const leaderName = "Lars Bakkevik";

const oslo = "Europe/Oslo";
const today = DateTime.now().setZone(oslo).toISODate()!;
// Next month, mid-month: always in the future, never near a DST switch at 10:00.
const meetingDate = DateTime.now().setZone(oslo).plus({ months: 1 }).set({ day: 15 }).toISODate()!;
const meeting = {
  date: meetingDate,
  time: "10:00",
  durationMinutes: "90",
  place: "Fjordvik helsehus, møterom 2",
  internalTitle: "Første nettverksmøte",
};
const meetingStart = DateTime.fromISO(`${meeting.date}T${meeting.time}`, { zone: oslo });

describe.skipIf(!hasChromium)("the leader's path in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let leader: BrowserSession;
  let invitee: BrowserSession | undefined;
  // Filled in as the path goes on.
  let networkUrl = "";
  let meetingUrl = "";
  let invitationUrl = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    leader = await openSession(browser, server, { as: DEMO.leader });
  });
  afterAll(async () => {
    await invitee?.close();
    await leader?.close();
    await browser?.close();
    await server?.close();
  });
  // Every step ends with no console errors and no CSP violations in either browser context.
  afterEach(() => {
    const problems = [...leader.problems, ...(invitee?.problems ?? [])];
    leader.problems.length = 0;
    if (invitee) invitee.problems.length = 0;
    expect(problems, problems.join("\n")).toEqual([]);
  });

  async function expectNoAxeViolations(page: Page) {
    const violations = await axeViolations(page);
    expect(violations, `axe found on ${page.url()}:\n${violations.join("\n")}`).toEqual([]);
  }

  const status = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text });

  it("registers a person from the network list", async () => {
    const { page } = leader;
    await page.goto(`${server.url}/networks`);
    await waitForHydration(page);
    await page.getByRole("link", { name: "Ny person", exact: true }).click();
    await page.waitForURL(`${server.url}/persons/new`);
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("Ny person");

    await page.getByLabel("Navn", { exact: true }).fill(person.name);
    await page.getByLabel("Ønsket navn", { exact: true }).fill(person.preferredName);
    await page.getByLabel("Telefon", { exact: true }).fill(person.phone);
    await page.getByLabel("E-post", { exact: true }).fill(person.email);
    await page.getByLabel("Foretrukket kontaktmåte").selectOption({ label: "SMS" });
    await page.getByLabel("Språk", { exact: true }).fill(person.language);
    await page.getByRole("button", { name: "Registrer person", exact: true }).click();

    await page.waitForURL(new RegExp(`/persons/${UUID}$`));
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`${person.name} (${person.preferredName})`);
    await waitForHydration(page);
    await expectNoAxeViolations(page);
  });

  it("creates a network for the person with the leader as leader", async () => {
    const { page } = leader;
    const networksSection = page.getByRole("region", { name: "Nettverk", exact: true });
    await networksSection.getByLabel("Type", { exact: true }).selectOption({
      label: "Nettverksmøter",
    });
    const leaders = networksSection.getByRole("group", { name: "Ledere" });
    expect(await leaders.getByRole("checkbox", { name: leaderName }).isChecked()).toBe(true);
    await networksSection.getByRole("button", { name: "Opprett nettverk", exact: true }).click();

    await page.waitForURL(new RegExp(`/networks/${UUID}$`));
    networkUrl = page.url();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe(`Nettverksmøter for ${person.preferredName}`);
    const map = page.getByRole("img", { name: /^Nettverkskart/ });
    await map.waitFor();
    expect(await map.evaluate((node) => node.tagName.toLowerCase())).toBe("svg");
    expect(await page.locator("svg[role=img] g.member").count()).toBe(0);
    expect(await page.getByText(`Ledere: ${leaderName}`).count()).toBe(1);
    await waitForHydration(page);
  });

  it("adds a relative without an account and the NAV partner to the network map", async () => {
    const { page } = leader;
    const addMember = page.getByRole("region", { name: "Legg til medlem", exact: true });
    const mapMembers = page.locator("svg[role=img] g.member");

    // A relative without an account, reached by e-mail.
    await addMember.getByLabel("Samarbeidspartner med konto").selectOption({ value: "" });
    await addMember.getByLabel("Navn", { exact: true }).fill(relative.name);
    await addMember.getByLabel("Relasjon eller rolle").selectOption({ label: "Pårørende" });
    await addMember.getByLabel("Plass i kartet").selectOption({ label: "Familie og venner" });
    await addMember.getByLabel("E-post", { exact: true }).fill(relative.email);
    const wantsInvited = addMember.getByRole("checkbox", {
      name: "Personen ønsker at medlemmet inviteres",
    });
    expect(await wantsInvited.isChecked()).toBe(true);
    await addMember.getByRole("button", { name: "Legg til medlem", exact: true }).click();

    await status(page, "Medlemmet er lagt til.").waitFor();
    const relativeCard = page.getByRole("article", { name: relative.name, exact: true });
    await relativeCard.waitFor();
    expect(await relativeCard.textContent()).toContain("Pårørende · Inviteres");
    expect(await relativeCard.textContent()).toContain(`Kontakt: ${relative.email}`);
    expect(
      await page.getByRole("region", { name: "Familie og venner" }).getByRole("article").count(),
    ).toBe(1);
    await expect.poll(() => mapMembers.count()).toBe(1);
    expect(await mapMembers.locator("title").textContent()).toBe(`${relative.name} (Pårørende)`);

    // The NAV partner, who has an account: the name and contact come from the account (the
    // form started empty after the relative, and hides the fields an account does not use).
    expect(await addMember.getByLabel("E-post", { exact: true }).inputValue()).toBe("");
    await addMember.getByLabel("Samarbeidspartner med konto").selectOption({
      label: partner.option,
    });
    await addMember.getByLabel("Relasjon eller rolle").selectOption({ label: "NAV" });
    await addMember.getByLabel("Plass i kartet").selectOption({ label: "Tjenester" });
    await wantsInvited.check();
    await addMember.getByRole("button", { name: "Legg til medlem", exact: true }).click();

    const partnerCard = page.getByRole("article", { name: partner.name, exact: true });
    await partnerCard.waitFor();
    expect(await partnerCard.textContent()).toContain("NAV");
    expect(await page.getByRole("region", { name: "Tjenester" }).getByRole("article").count()).toBe(
      1,
    );
    await expect.poll(() => mapMembers.count()).toBe(2);
    expect(await mapMembers.locator("title").allTextContents()).toEqual([
      `${relative.name} (Pårørende)`,
      `${partner.name} (NAV)`,
    ]);
    await waitForHydration(page);
  });

  it("records the relative's consent to see the agenda", async () => {
    const { page } = leader;
    const relativeCard = page.getByRole("article", { name: relative.name, exact: true });
    expect(await relativeCard.getByText("Ingen gjeldende samtykker.").count()).toBe(1);
    const details = relativeCard.locator("details", { hasText: "Registrer samtykke" });
    await details.locator("summary").click();
    await expect
      .poll(() => details.evaluate((node) => (node as HTMLDetailsElement).open))
      .toBe(true);

    await details.getByRole("group", { name: "Gjelder" }).getByLabel("Dagsorden").check();
    expect(await details.getByLabel("Gitt dato").inputValue()).toBe(today);
    await details.getByLabel("Hvordan").selectOption({ label: "Muntlig i møte" });
    await details.getByRole("button", { name: "Registrer samtykke", exact: true }).click();

    await status(page, "Samtykket er registrert.").waitFor();
    const consent = relativeCard.getByRole("listitem").filter({ hasText: "Dagsorden" });
    await consent.waitFor();
    expect(await consent.textContent()).toContain(
      `Dagsorden · Gitt dato ${formatDate("nb", today)} · Uten utløpsdato · Muntlig i møte`,
    );
    expect(await relativeCard.getByText("Ingen gjeldende samtykker.").count()).toBe(0);
    await waitForHydration(page);
    await expectNoAxeViolations(page);
  });

  it("plans a meeting for the two members", async () => {
    const { page } = leader;
    await page.getByRole("link", { name: "Planlegg møte", exact: true }).click();
    await page.waitForURL(/\/meetings\/new\?networkId=/);
    expect(new URL(page.url()).searchParams.get("networkId")).toBe(networkUrl.split("/").pop());
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toMatch(new RegExp(`^Nytt møte – ${person.preferredName}`));
    await waitForHydration(page);

    // The person first, then both members (who want to be invited): all preselected (ADR 013).
    const invited = page.getByRole("group", { name: "Inviterte" });
    const invitePerson = invited.getByRole("checkbox", { name: `Inviter ${person.preferredName}` });
    expect(await invitePerson.isChecked()).toBe(true);
    expect(await invited.getByRole("checkbox", { name: relative.name }).isChecked()).toBe(true);
    expect(await invited.getByRole("checkbox", { name: partner.name }).isChecked()).toBe(true);
    expect(await invited.getByRole("checkbox").count()).toBe(3);
    expect(await invited.getByRole("checkbox").first().getAttribute("value")).toBe(
      await invitePerson.getAttribute("value"),
    );
    const leaders = page.getByRole("group", { name: "Møteledere" });
    expect(await leaders.getByRole("checkbox", { name: leaderName }).isChecked()).toBe(true);
    await expectNoAxeViolations(page);

    await page.getByLabel("Type møte").selectOption({ label: "Nettverksmøte" });
    await page.getByLabel("Dato", { exact: true }).fill(meeting.date);
    await page.getByLabel("Klokkeslett", { exact: true }).fill(meeting.time);
    await page.getByLabel("Varighet (minutter)", { exact: true }).fill(meeting.durationMinutes);
    await page.getByLabel("Sted", { exact: true }).fill(meeting.place);
    await page.getByLabel("Tittel i Broen", { exact: true }).fill(meeting.internalTitle);
    await page.getByRole("button", { name: "Opprett møtet", exact: true }).click();

    await page.waitForURL(new RegExp(`/meetings/${UUID}\\?created=1$`));
    meetingUrl = page.url().replace(/\?.*$/, "");
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toMatch(new RegExp(`^${meeting.internalTitle} – ${person.preferredName}`));
    await status(page, "Møtet er opprettet.").waitFor();
    const answers = page.getByRole("table", { name: "Svar" });
    expect(await answers.getByRole("row").count()).toBe(4);
    // The person first, labelled as the person.
    expect(await answers.getByRole("row").nth(1).getByRole("cell").first().textContent()).toBe(
      `${person.name} (hovedperson)`,
    );
    await waitForHydration(page);
  });

  it("lets the relative answer through the invitation link, without an account", async () => {
    // The invitation e-mail is in the outbox, written with the meeting.
    const rows = await server.database.db
      .select({ textBody: outbox.textBody, meetingId: outbox.meetingId })
      .from(outbox)
      .where(eq(outbox.toAddress, relative.email));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.meetingId).toBe(meetingUrl.split("/").pop());
    const token = /\/i\/([A-Za-z0-9_-]+)/.exec(rows[0]!.textBody)?.[1];
    expect(token, rows[0]!.textBody).toBeTruthy();
    invitationUrl = `${server.url}/i/${token}`;

    invitee = await openSession(browser, server);
    const { page } = invitee;
    const response = await page.goto(invitationUrl);
    expect(response?.status()).toBe(200);
    await waitForHydration(page);

    const main = page.locator("main");
    const facts = await main.locator("dl.facts").innerText();
    expect(facts).toContain(formatDateTime("nb", meetingStart.toJSDate()));
    expect(facts).toContain(`(${meeting.durationMinutes} min)`);
    expect(facts).toContain(meeting.place);
    expect(await main.getByText(`Møteledere: ${leaderName}`).count()).toBe(1);
    // The relative consented to the agenda.
    expect(await page.getByRole("heading", { name: "Dagsorden" }).count()).toBe(1);
    // Nothing on the page tells who the meeting is about, nor what it is called inside Broen.
    const text = await page.locator("body").innerText();
    for (const secret of [person.preferredName, person.name, "Solberg", meeting.internalTitle]) {
      expect(text, `the invitation page shows "${secret}"`).not.toContain(secret);
    }
    expect(await page.title()).not.toContain(person.preferredName);
    await expectNoAxeViolations(page);

    await page.getByRole("button", { name: "Kommer", exact: true }).click();
    await status(page, "Takk, svaret ditt er lagret.").waitFor();
    await expect
      .poll(() =>
        page
          .getByRole("heading", { name: "Ditt svar" })
          .locator("xpath=following-sibling::p[1]")
          .textContent(),
      )
      .toBe("Kommer");
  });

  it("shows the answer to the leader on the meeting page, reached from the meetings list", async () => {
    const { page } = leader;
    await page.goto(`${server.url}/meetings`);
    await waitForHydration(page);
    // The list's plain links navigate inside the app (useFollowLinks): no new document.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    await page.locator(`.meeting-list a[href="${new URL(meetingUrl).pathname}"]`).click();
    await page.waitForURL(meetingUrl);
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
    const answers = page.getByRole("table", { name: "Svar" });
    const relativeRow = answers.getByRole("row").filter({ hasText: relative.name });
    expect(await relativeRow.getByRole("cell").nth(1).textContent()).toMatch(
      /^Kommer \(svarte .+\)$/,
    );
    const partnerRow = answers.getByRole("row").filter({ hasText: partner.name });
    expect(await partnerRow.getByRole("cell").nth(1).textContent()).toBe("Ikke svart");
    await expectNoAxeViolations(page);
  });

  it("downloads the invitation as a calendar file with the answer in it", async () => {
    const { page } = invitee!;
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Legg i kalenderen (.ics)", exact: true }).click(),
    ]);
    expect(
      download.url(),
      "the link must lead to /i/<token>/calendar.ics, not a path relative to /i/",
    ).toBe(`${invitationUrl}/calendar.ics`);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    const ics = Buffer.concat(chunks).toString("utf8");
    expect(ics.startsWith("BEGIN:VCALENDAR"), ics.slice(0, 200)).toBe(true);
    expect(ics).toContain("METHOD:REQUEST");
    // Long lines are folded (RFC 5545 3.1); unfold before looking for the attendee.
    expect(ics.replace(/\r?\n[ \t]/g, "")).toContain("PARTSTAT=ACCEPTED");
  });
});
