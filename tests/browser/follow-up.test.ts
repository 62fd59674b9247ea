import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { invitations, meetings, networkMembers } from "../../db/schema";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { osloToday } from "../../app/utils/oslo-time";
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

announceSkipWithoutChromium("tests/browser/follow-up.test.ts");

/*
 * Follow-up between meetings in real browsers (issue 12), the whole path: the leader captures
 * two actions in a meeting's agenda (NAV's member and the relative responsible) through the
 * UI; NAV's My tasks shows theirs with the meeting it came from; NAV marks it done with a
 * comment by keyboard alone; the leader's live agenda shows it done; the next meeting's page
 * lists it under "since last time"; the relative, without an account, marks theirs "blocked"
 * through their link; the person sees their own. axe on My tasks and the status forms. One server, one
 * browser, three contexts; steps share state and run in order.
 */

let server: TestServer;
let browser: Browser;
let docs: DemoDocuments;
let leader: BrowserSession;
let nav: BrowserSession;
const sessions: BrowserSession[] = [];
const nextMeetingId = crypto.randomUUID();
const NAV_ACTION = "Sende arbeidsavklaring til veileder";
const RELATIVE_ACTION = "Spørre om skyss til treningen";
const PERSON_ACTION = "Gå en tur med naboen hver onsdag";
const COMMENT = "Sendt på e-post i dag";
let personToken = "";
// Page loads, live connections and axe scans on a busy two-core machine.
const SLOW = 120_000;
const shots = process.env.BROEN_SHOTS_DIR;

async function expectNoViolations(page: Page, what: string) {
  const violations = await axeViolations(page);
  expect(violations, `${what}:\n${violations.join("\n")}`).toEqual([]);
}

/** Screenshots for a look by eye, only when BROEN_SHOTS_DIR names a folder. */
async function shoot(page: Page, name: string) {
  if (!shots) return;
  const size = page.viewportSize()!;
  await page.screenshot({ path: `${shots}/${name}-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  await page.screenshot({ path: `${shots}/${name}-320.png`, fullPage: true });
  await page.setViewportSize(size);
}

const connected = (page: Page) =>
  page.locator(".connection-connected").waitFor({ state: "visible", timeout: 30_000 });

/** Reloads `path` until `text` is on it (the projection follows the document within ~1 s). */
async function reloadUntil(page: Page, path: string, text: string, what: string) {
  await until(
    async () => {
      await page.goto(`${server.url}${path}`);
      return (await page.locator("main").innerText()).includes(text) ? true : undefined;
    },
    what,
    30_000,
  );
  await waitForHydration(page);
}

describe.skipIf(!hasChromium)("follow-up between meetings", () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const { db } = server.database;
    docs = await demoDocuments(db);
    // The demo meeting was held an hour ago; the next one is in a week.
    const [held] = await db
      .update(meetings)
      .set({ startsAt: new Date(Date.now() - 3_600_000) })
      .where(eq(meetings.id, docs.meetingId))
      .returning();
    // The person's own link, with a token this test knows.
    const [own] = await db
      .select({ id: invitations.id })
      .from(invitations)
      .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
      .where(and(eq(invitations.meetingId, docs.meetingId), eq(networkMembers.isPerson, true)));
    await db
      .update(invitations)
      .set({ tokenHash: invitationTokenHash(own!.id, 1) })
      .where(eq(invitations.id, own!.id));
    personToken = invitationToken(own!.id, 1);
    await db.insert(meetings).values({
      id: nextMeetingId,
      networkId: docs.networkId,
      kind: held!.kind,
      startsAt: new Date(Date.now() + 7 * 86_400_000),
      durationMinutes: 60,
      internalTitle: "Neste møte",
      icalUid: `${nextMeetingId}@test`,
    });
  });

  afterAll(async () => {
    for (const session of sessions) await session.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it(
    "the leader captures actions in the meeting's agenda, NAV's member and the relative responsible",
    async () => {
      leader = await openSession(browser, server, { as: DEMO.leader });
      sessions.push(leader);
      const { page } = leader;
      await page.goto(`${server.url}/meetings/${docs.meetingId}`);
      await waitForHydration(page);
      await connected(page);
      await page.getByLabel("Tittel", { exact: true }).fill("Arbeid og hverdag");
      await page.getByLabel("Tittel", { exact: true }).press("Enter");
      const item = page.locator("article.agenda-item", { hasText: "Arbeid og hverdag" });
      await item.waitFor();
      const form = item.locator("form.action-form");
      const yesterday = osloToday(new Date(Date.now() - 86_400_000));
      for (const [what, who, due] of [
        [NAV_ACTION, "Omar Haugland", yesterday],
        [RELATIVE_ACTION, "Per Havdal", ""],
        [PERSON_ACTION, "Siri Havdal", ""],
      ] as const) {
        await form.getByLabel("Hva", { exact: true }).fill(what);
        await form.getByLabel("Ansvarlig").selectOption({ label: who });
        if (due) await form.getByLabel("Frist").fill(due);
        await form.getByRole("button", { name: "Legg til oppgave" }).click();
        await item.getByText(what).waitFor();
      }
      expect(await page.getByRole("checkbox", { name: NAV_ACTION }).isChecked()).toBe(false);
    },
    SLOW,
  );

  it(
    "NAV's My tasks shows it, overdue, with its meeting; NAV marks it done by keyboard alone",
    async () => {
      nav = await openSession(browser, server, { as: DEMO.nav });
      sessions.push(nav);
      const { page } = nav;
      await reloadUntil(page, "/tasks", NAV_ACTION, "NAV's My tasks shows the new action");
      const task = page.locator("li", { has: page.getByRole("heading", { name: NAV_ACTION }) });
      const text = await task.innerText();
      // Overdue said in words, under its own heading, and where it came from.
      expect(text).toContain("Over fristen");
      await page.getByRole("heading", { name: "Over fristen (1)" }).waitFor();
      expect(text).toMatch(/Fra: Møtet/);
      // Not the relative's.
      expect(await page.locator("main").innerText()).not.toContain(RELATIVE_ACTION);
      await expectNoViolations(page, "My tasks (NAV)");
      await shoot(page, "tasks-nav");

      // Keyboard alone: Tab to the task's "change" link, Enter opens its status form with the
      // focus in its first field; choose "Ferdig", a comment, Enter. The list itself has no
      // forms (one per task made it heavy: bench:plan).
      expect(await page.locator("main select").count()).toBe(0);
      const change = task.locator('a[href*="edit="]');
      // Named with the task for a screen reader's list of links.
      expect(await change.textContent()).toBe(`Oppdater status: ${NAV_ACTION}`);
      await page.locator("body").focus();
      for (let i = 0; i < 60; i++) {
        if (await change.evaluate((e) => e === document.activeElement)) break;
        await page.keyboard.press("Tab");
      }
      expect(await change.evaluate((e) => e === document.activeElement)).toBe(true);
      await page.keyboard.press("Enter");
      const status = task.getByLabel("Ny status");
      await until(
        async () =>
          (await status.evaluate((e) => e === document.activeElement)) ? true : undefined,
        "the status form opens with the focus in its first field",
      );
      await expectNoViolations(page, "the status form (NAV)");
      for (let i = 0; i < 4; i++) {
        if ((await status.inputValue()) === "done") break;
        await page.keyboard.press("ArrowDown");
      }
      expect(await status.inputValue()).toBe("done");
      await page.keyboard.press("Tab");
      await page.keyboard.type(COMMENT);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Lagre status");
      await page.keyboard.press("Enter");
      // Done tasks leave the list; the page says it was saved.
      await page
        .getByRole("status")
        .filter({ hasText: "Statusen er lagret, og oppgaven er tatt ut av listen." })
        .waitFor();
      await page.getByRole("heading", { name: NAV_ACTION }).waitFor({ state: "detached" });
      // Nothing left: the page says what will come here.
      await page.getByText("Du har ingen åpne oppgaver nå.").waitFor();
      await expectNoViolations(page, "My tasks after saving (NAV)");
      await shoot(page, "tasks-nav-empty");
      expect(nav.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "the leader sees it done in the live agenda, and the next meeting lists it under “since last time”",
    async () => {
      const { page } = leader;
      await until(
        async () =>
          (await page.getByRole("checkbox", { name: NAV_ACTION }).isChecked()) ? true : undefined,
        "the leader's live agenda shows the action done",
      );
      await page.goto(`${server.url}/meetings/${nextMeetingId}`);
      await waitForHydration(page);
      const since = page.locator("section", {
        has: page.getByRole("heading", { name: "Siden sist" }),
      });
      const text = await since.innerText();
      expect(text).toContain(NAV_ACTION);
      expect(text).toContain("Ferdig");
      expect(text).toContain(COMMENT);
      expect(text).toContain("Omar Haugland");
      await expectNoViolations(page, "the next meeting's page");
      expect(leader.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "the relative, without an account, marks theirs blocked through their link",
    async () => {
      const relative = await openSession(browser, server);
      sessions.push(relative);
      const { page } = relative;
      const path = `/i/${invitationToken(docs.relativeInvitationId, 1)}/tasks`;
      await reloadUntil(page, path, RELATIVE_ACTION, "the relative's tasks show their action");
      expect(await page.locator("main").innerText()).not.toContain(NAV_ACTION);
      await expectNoViolations(page, "My tasks by link");
      await shoot(page, "tasks-link");
      const task = page.locator("li", {
        has: page.getByRole("heading", { name: RELATIVE_ACTION }),
      });
      await task.locator('a[href*="edit="]').click();
      await task.getByLabel("Ny status").selectOption({ label: "Står fast" });
      await task.getByLabel(/Kort kommentar/).fill("Venter på svar fra klubben");
      await task.getByRole("button", { name: "Lagre status" }).click();
      await page.getByRole("status").filter({ hasText: "Statusen er lagret" }).waitFor();
      await until(
        async () => ((await task.innerText()).match(/Status: Står fast/) ? true : undefined),
        "the relative's task shows its new status",
      );
      await expectNoViolations(page, "the status form by link, after saving");
      // The leader sees it on the next meeting's page too.
      await reloadUntil(
        leader.page,
        `/meetings/${nextMeetingId}`,
        "Venter på svar fra klubben",
        "the next meeting shows the relative's blocked action",
      );
      expect(relative.problems).toEqual([]);
    },
    SLOW,
  );

  it(
    "the person sees their own task through their link, without being told whom it concerns",
    async () => {
      const person = await openSession(browser, server);
      sessions.push(person);
      const { page } = person;
      await reloadUntil(page, `/i/${personToken}/tasks`, PERSON_ACTION, "the person's task");
      const main = await page.locator("main").innerText();
      expect(main).not.toContain(NAV_ACTION);
      expect(main).not.toContain(RELATIVE_ACTION);
      expect(main).not.toContain("Gjelder");
      await expectNoViolations(page, "the person's tasks");
      await shoot(page, "tasks-person");
      expect(person.problems).toEqual([]);
    },
    SLOW,
  );
});
