import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { consents, invitations, minutesReviews, networkMembers } from "../../db/schema";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
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

announceSkipWithoutChromium("tests/browser/person-link.test.ts");

/*
 * The person at the centre, through the personal link of their invitation (issue 11), in real
 * browsers: they add a theme to the live agenda, shown as theirs, which a leader on the meeting
 * page sees; after a leader closes the meeting they approve the minutes through the same link;
 * a leader locks them; the NAV partner, with consent for minutes, reads them with the approval.
 * Steps share state, in order. The close follows tests/browser/minutes.test.ts.
 */

let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let token = "";
const sessions: BrowserSession[] = [];
const THEME = "Å få bo for meg selv";
// Page loads, live connections and axe scans on a busy two-core machine: a time limit of their own.
const SLOW = 180_000;

async function open(as?: string): Promise<BrowserSession> {
  const session = await openSession(browser, server, as ? { as } : {});
  sessions.push(session);
  return session;
}

const connected = async (page: Page) => {
  try {
    await page.locator(".connection-connected").waitFor({ state: "visible", timeout: 60_000 });
  } catch (error) {
    await page.screenshot({ path: "/tmp/person-link-debug.png", fullPage: true });
    console.log("DEBUG", await page.locator("main").innerText());
    throw error;
  }
};

async function expectNoViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${violations.join("\n")}`).toEqual([]);
}

describe.skipIf(!hasChromium)("the person's own link", () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    docs = await demoDocuments(server.database.db);
    const { db } = server.database;
    // The seed invites Siri to her meeting with a personal link.
    const [own] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
      .where(and(eq(invitations.meetingId, docs.meetingId), eq(networkMembers.isPerson, true)));
    // Its hash was made with the seed's key; the test server has its own (as demoDocuments).
    await db
      .update(invitations)
      .set({ tokenHash: invitationTokenHash(own!.id, 1) })
      .where(eq(invitations.id, own!.id));
    token = invitationToken(own!.id, 1);
    // The NAV partner may read minutes (the seed gives consent for the agenda only).
    await db.insert(consents).values({
      memberId: docs.navMemberId,
      content: "minutes",
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: await server.userId(DEMO.leader),
    });
  });

  afterAll(async () => {
    for (const session of sessions) await session.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it(
    "adds a theme through the link, shown as theirs, and a leader on the meeting page sees it",
    async () => {
      const leader = await open(DEMO.leader);
      await leader.page.goto(`${server.url}/meetings/${docs.meetingId}`);
      await waitForHydration(leader.page);
      await connected(leader.page);

      const person = await open();
      await person.page.goto(`${server.url}/i/${token}`);
      await waitForHydration(person.page);
      await connected(person.page);
      await expectNoViolations(person.page, "the person's invitation page");

      // By keyboard: the title, who brings it, then Enter in the title adds the theme. The
      // person edits as a leader does (policy.ts), so the form asks who brings it and starts
      // at "nobody" (live-agenda.tsx NewItemForm): they choose themselves. (The select is found
      // by its place: its accessible name includes the chosen option.)
      const form = person.page.locator("form.new-item");
      const title = form.getByLabel("Tittel", { exact: true });
      await title.focus();
      await person.page.keyboard.type(THEME);
      await person.page.keyboard.press("Tab");
      expect(await form.locator("select").evaluate((e) => e === document.activeElement)).toBe(true);
      await form.locator("select").selectOption({ label: "Hovedpersonen" });
      await title.focus();
      await person.page.keyboard.press("Enter");
      const own = person.page.locator("article.agenda-item", { hasText: THEME });
      await own.waitFor({ state: "visible", timeout: 20_000 });
      // Theirs: brought (and written in) by the person, on their own page.
      await expect(own.innerText()).resolves.toContain("Tas opp av Hovedpersonen");
      expect(
        await own
          .locator("label", { hasText: "Tas opp av" })
          .locator("select")
          .first()
          .evaluate((e) => {
            const select = e as HTMLSelectElement;
            return select.selectedOptions[0]?.textContent;
          }),
      ).toBe("Hovedpersonen");

      const seen = leader.page.locator("article.agenda-item", { hasText: THEME });
      await seen.waitFor({ state: "attached", timeout: 20_000 });
      // The leader sees it with her name, as brought and written by her.
      await expect(seen.innerText()).resolves.toContain("Tas opp av Siri Havdal");
      expect(
        await seen
          .locator("label", { hasText: "Tas opp av" })
          .locator("select")
          .first()
          .evaluate((e) => {
            const select = e as HTMLSelectElement;
            return select.selectedOptions[0]?.textContent;
          }),
      ).toBe("Siri Havdal");
      expect(await person.page.locator(".live-agenda [role=alert]").count()).toBe(0);
      await expectNoViolations(person.page, "the person's page with their theme");
      for (const session of [leader, person]) expect(session.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "approves the minutes through the link after a leader closes the meeting; a leader locks them; the partner reads them",
    async () => {
      const leader = await open(DEMO.leader);
      const { page } = leader;
      await page.goto(`${server.url}/meetings/${docs.meetingId}/minutes`);
      await waitForHydration(page);
      await page.getByRole("button", { name: "Avslutt møtet og lag referat" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Ja, lag referatet" }).click();
      await page.getByText("Referatet er laget (versjon 1).").waitFor();

      // The person reads the draft through their link and approves it, by keyboard alone.
      // Their invitation page leads there.
      const person = await open();
      await person.page.goto(`${server.url}/i/${token}`);
      await waitForHydration(person.page);
      const toMinutes = person.page.getByRole("link", { name: /Referatet er klart/ });
      await toMinutes.focus();
      await person.page.keyboard.press("Enter");
      await person.page.waitForURL(`${server.url}/i/${token}/minutes`);
      await waitForHydration(person.page);
      await person.page.getByText(THEME).first().waitFor();
      await expectNoViolations(person.page, "the person's minutes page");
      const approve = person.page.getByRole("radio", { name: "Godkjenner referatet" });
      expect(await approve.isChecked()).toBe(true);
      await approve.focus();
      await person.page.keyboard.press("Tab"); // the comment field, left empty
      await person.page.keyboard.press("Tab");
      expect(await person.page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
        "Lagre svaret",
      );
      await person.page.keyboard.press("Enter");
      await person.page.getByRole("status").filter({ hasText: "Svaret er lagret" }).waitFor();
      await until(
        async () =>
          (
            await server.database.db
              .select({ approved: minutesReviews.approved, via: minutesReviews.givenVia })
              .from(minutesReviews)
          ).some((r) => r.approved && r.via === "link")
            ? true
            : undefined,
        "the approval through the link is stored",
      );
      await expectNoViolations(person.page, "the person's minutes page after the answer");

      // A leader sees the approval and locks the version.
      await page.reload();
      await waitForHydration(page);
      await page.getByText("Godkjent").first().waitFor();
      await page.getByRole("button", { name: "Lås versjon 1" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Ja, lås referatet" }).click();
      await page.getByText("Referatet er låst.").waitFor();

      // The NAV partner, with consent for minutes, reads them, with the person's approval.
      const partner = await open(DEMO.nav);
      await partner.page.goto(`${server.url}/meetings/${docs.meetingId}/minutes`);
      await waitForHydration(partner.page);
      await partner.page.getByText(THEME).first().waitFor();
      await expect(partner.page.locator("main").innerText()).resolves.toContain("Godkjent");
      await expectNoViolations(partner.page, "the partner's minutes page");
      for (const session of [leader, person, partner]) expect(session.problems).toEqual([]);
    },
    SLOW,
  );
});
