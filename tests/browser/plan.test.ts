import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { consents, invitations, networkMembers } from "../../db/schema";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { accessUserById } from "../../app/features/accounts/session.server";
import { auditActor } from "../../app/features/audit/audit.server";
import { withdrawConsent } from "../../app/features/consent/consent.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/plan.test.ts");

/*
 * The plan in real browsers (issue 12): a leader and the person (through their link) write the
 * plan together and each sees the other's text live; the person adds a goal by keyboard alone;
 * NAV, with consent for work and economy, sees those parts and a calm line instead of the
 * crisis plan; axe finds nothing on the plan page and the print page. Steps share one server
 * and browser and run in order.
 */

let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let token = "";
const KEEP_LOCAL = "Lagre en kopi på denne maskinen, så jeg kan skrive uten nett";
const sessions: BrowserSession[] = [];
let leader: BrowserSession;
let person: BrowserSession;
const PERSON_GOAL = "Jeg vil prøve meg på jobb to dager i uka";
const WHAT_HELPS = "En rolig tur og å snakke med søsteren min";
const ACTION = "Avtale et besøk hos bakeriet";
// Page loads, live connections (one per part) and axe scans on a busy two-core machine.
const SLOW = 180_000;
const WORK = "Arbeid og meningsfull aktivitet";

async function open(as?: string): Promise<BrowserSession> {
  const session = await openSession(browser, server, as ? { as } : {});
  sessions.push(session);
  return session;
}

/** Every part's live connection on the page is up (data-state on each part's section). */
async function allConnected(page: Page) {
  await page.waitForFunction(() => {
    const parts = [...document.querySelectorAll(".live-plan .plan-part[data-state]")];
    return parts.length > 0 && parts.every((p) => p.getAttribute("data-state") === "connected");
  });
}

async function expectNoViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${violations.join("\n")}`).toEqual([]);
}

describe.skipIf(!hasChromium)("the plan, live", () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    docs = await demoDocuments(server.database.db);
    const { db } = server.database;
    const [own] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
      .where(and(eq(invitations.meetingId, docs.meetingId), eq(networkMembers.isPerson, true)));
    await db
      .update(invitations)
      .set({ tokenHash: invitationTokenHash(own!.id, 1) })
      .where(eq(invitations.id, own!.id));
    token = invitationToken(own!.id, 1);
    await db.insert(consents).values({
      memberId: docs.navMemberId,
      content: "plan",
      planParts: ["work_activity", "economy"],
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
    "a leader and the person write the plan together, each seeing the other's text live",
    async () => {
      leader = await open(DEMO.leader);
      await leader.page.goto(`${server.url}/networks/${docs.networkId}/plan`);
      await waitForHydration(leader.page);
      await allConnected(leader.page);
      // The areas the person chose, recorded by the leader.
      for (const area of [WORK, "Økonomi"]) {
        await leader.page.getByRole("checkbox", { name: area, exact: true }).check();
      }
      await leader.page.locator("#plan-work_activity-title").waitFor();
      await allConnected(leader.page);
      await expectNoViolations(leader.page, "the plan page (leader)");
      // Those who write may keep an offline copy.
      expect(await leader.page.getByLabel(KEEP_LOCAL).count()).toBe(1);

      person = await open();
      await person.page.goto(`${server.url}/i/${token}/plan`);
      await waitForHydration(person.page);
      await person.page.locator("#plan-work_activity-title").waitFor();
      await allConnected(person.page);

      // By keyboard alone: Tab to the new goal's words in the work area, type, Tab, Enter.
      const box = person.page
        .locator("form.plan-new-goal", { hasText: `Nytt mål: ${WORK}` })
        .locator("textarea");
      for (let i = 0; i < 200; i++) {
        if (await box.evaluate((e) => e === document.activeElement)) break;
        await person.page.keyboard.press("Tab");
      }
      expect(await box.evaluate((e) => e === document.activeElement)).toBe(true);
      await person.page.keyboard.type(PERSON_GOAL);
      await person.page.keyboard.press("Tab");
      expect(await person.page.evaluate(() => document.activeElement?.textContent)).toBe(
        "Legg til mål",
      );
      await person.page.keyboard.press("Enter");
      await person.page.getByRole("status").filter({ hasText: "Målet er lagt til." }).waitFor();
      // The person's own words stay theirs to change: an editable field on their page.
      await person.page.getByRole("textbox", { name: "Med mine ord" }).first().waitFor();

      // The leader sees the goal at once, as the person's words (not editable by the leader).
      const seen = leader.page.locator(".plan-goal", { hasText: PERSON_GOAL });
      await seen.waitFor({ timeout: 20_000 });
      await expect(seen.innerText()).resolves.toContain("Bare personen endrer disse ordene.");

      // A list with entries shows them first: its "new goal" form is closed until asked for,
      // and opens from the keyboard.
      await leader.page.reload();
      await waitForHydration(leader.page);
      await allConnected(leader.page);
      const details = leader.page.locator("details.entry-add", {
        has: leader.page.locator("form.plan-new-goal", { hasText: `Nytt mål: ${WORK}` }),
      });
      await leader.page.locator(".plan-goal", { hasText: PERSON_GOAL }).waitFor();
      expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      await details.locator("summary").focus();
      await leader.page.keyboard.press("Enter");
      await details.locator("textarea").waitFor({ state: "visible" });

      // The leader writes in the crisis plan; the person sees it as it is typed.
      await leader.page.getByRole("textbox", { name: "Dette hjelper meg" }).fill(WHAT_HELPS);
      await person.page.waitForFunction(
        (text) =>
          [...document.querySelectorAll("textarea")].some(
            (t) => (t as HTMLTextAreaElement).value === text,
          ),
        WHAT_HELPS,
      );

      // An action the leader adds shows on the person's page; removed (asked once more), it goes.
      const hasValue = (page: Page, text: string, present: boolean) =>
        page.waitForFunction(
          ([value, wanted]) =>
            [...document.querySelectorAll("main input, main textarea")].some(
              (field) => (field as HTMLInputElement).value === value,
            ) === wanted,
          [text, present] as const,
        );
      const actionForm = leader.page.locator("form.plan-new-action").first();
      await actionForm.getByLabel("Hva skal gjøres").fill(ACTION);
      await actionForm.getByRole("button", { name: "Legg til tiltak" }).click();
      await hasValue(person.page, ACTION, true);
      const entry = leader.page.locator("li.plan-action").filter({ hasText: ACTION });
      await entry.locator(".plan-remove button").click();
      await entry.locator(".plan-remove button", { hasText: "Ja, fjern" }).click();
      await hasValue(person.page, ACTION, false);
      await expectNoViolations(person.page, "the person's plan page");
      for (const session of [leader, person]) expect(session.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "NAV, with consent for work and economy, sees those parts and not the crisis plan",
    async () => {
      const nav = await open(DEMO.nav);
      await nav.page.goto(`${server.url}/networks/${docs.networkId}/plan`);
      await waitForHydration(nav.page);
      await nav.page.locator("#plan-work_activity-title").waitFor();
      await allConnected(nav.page);
      await nav.page.getByText(PERSON_GOAL).first().waitFor();
      await nav.page.locator("#plan-economy-title").waitFor();
      const main = await nav.page.locator("main").innerText();
      expect(main).not.toContain(WHAT_HELPS);
      expect(main).toContain("Denne delen av planen ser du ikke");
      expect(await nav.page.locator("#plan-crisis-title").count()).toBe(0);
      // Read only: no fields to write in, and no offline copy to choose (a reader writes
      // nothing, so nothing of the plan is kept in their browser).
      expect(await nav.page.locator("main textarea").count()).toBe(0);
      expect(await nav.page.getByLabel(KEEP_LOCAL).count()).toBe(0);
      await expectNoViolations(nav.page, "the plan page (partner)");
      expect(nav.problems).toEqual([]);

      // Withdrawn while the page is open: the parts go away at once, and the page says why.
      const [consent] = await server.database.db
        .select({ id: consents.id })
        .from(consents)
        .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "plan")));
      const by = (await accessUserById(await server.userId(DEMO.leader)))!;
      await withdrawConsent(
        auditActor(by, { clientIp: "127.0.0.1" }),
        { id: docs.navMemberId, personId: docs.personId },
        consent!.id,
      );
      await nav.page.getByRole("alert").first().waitFor({ timeout: 20_000 });
      await nav.page.getByText(PERSON_GOAL).waitFor({ state: "detached", timeout: 20_000 });
    },
    SLOW,
  );

  it(
    "the print page holds the plan as text, with no axe violations",
    async () => {
      const { page } = leader;
      await page.goto(`${server.url}/networks/${docs.networkId}/plan/print`);
      await waitForHydration(page);
      const text = await page.locator("main").innerText();
      expect(text).toContain(PERSON_GOAL);
      expect(text).toContain(WHAT_HELPS);
      await expectNoViolations(page, "the print page");
    },
    SLOW,
  );

  it(
    "the person reaches their plan's history from their plan page, with no axe violations",
    async () => {
      const { page } = person;
      await page.goto(`${server.url}/i/${token}/plan`);
      await waitForHydration(page);
      await page.getByRole("link", { name: "Hva har endret seg i planen" }).click();
      await page.waitForURL(`**/i/${token}/plan/history`);
      await waitForHydration(page);
      await page.getByRole("heading", { level: 1, name: "Hva har endret seg i planen" }).waitFor();
      await expectNoViolations(page, "the person's plan history");
      expect(person.problems).toEqual([]);
    },
    SLOW,
  );
});
