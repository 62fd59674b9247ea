import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { offerings, outbox, planActions } from "../../db/schema";
import { bridgeLinkToken } from "../../app/features/bridges/bridge-token.server";
import { nb, type MessageKey } from "../../app/i18n/nb";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, personLinkToken, type DemoDocuments } from "../support/realtime";
import {
  announceSkipWithoutChromium,
  axeViolations,
  hasChromium,
  launchBrowser,
  openSession,
  waitForHydration,
  type BrowserSession,
} from "./browser";

announceSkipWithoutChromium("tests/browser/a11y.test.ts");

/*
 * Every page, as each kind of user who sees it (a partner and a relative through an invitation
 * link too), at 1280 and 320 CSS pixels (issue 10, items 14 and 15):
 * - axe-core finds no WCAG 2.0/2.1 A or AA violation;
 * - nothing scrolls sideways at 320 px (`scrollWidth <= 320`);
 * - no date is shown as ISO (yyyy-mm-dd): formatDate / formatDateTime everywhere;
 * - every text field and select on the page has one height (Designsystemet's .ds-input);
 * - every destructive button looks dangerous: Designsystemet's danger colour, not the primary.
 */

/** The labels of the buttons that destroy or end something (each asks first: confirm.tsx). */
const DESTRUCTIVE: MessageKey[] = [
  "meeting.cancel",
  "member.remove",
  "consent.withdraw",
  "users.deactivate",
  "feed.revoke",
  "account.logoutAll",
  "offering.retire",
];
// The digdir brand theme's danger colours (root.tsx) and its accent (the primary button).
const DANGER_BACKGROUND = "rgb(192, 27, 27)";
const DANGER_TEXT = "rgb(184, 26, 26)";
const PRIMARY_BACKGROUND = "rgb(0, 98, 186)";

interface PageCase {
  name: string;
  path: () => string;
  as?: string;
  /** At least this many destructive buttons are on the page (any found must look dangerous). */
  destructive?: number;
  /** A further check of what the page says. */
  check?: (page: Page) => Promise<void>;
}

describe.skipIf(!hasChromium)("every page: WCAG 2.1 AA, 320 px, one field height, danger", () => {
  let server: TestServer;
  let browser: Browser;
  let session: BrowserSession | undefined;
  let docs: DemoDocuments;
  let meetingId = "";
  let userId = "";
  let messageId = "";
  let activationToken = "";
  let offeringId = "";
  let bridgeId = "";
  let bridgeLink = "";
  let personToken = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    docs = await demoDocuments(server.database.db);
    // A seeded offering (db/seed-offerings.ts) for the catalogue's pages.
    offeringId = (await server.database.db.select({ id: offerings.id }).from(offerings))[0]!.id;
    // A meeting planned through the form, with the NAV partner invited: its e-mail fills the
    // outbox, and its page has the answers table, its edit page the cancel button.
    const date = DateTime.now().setZone("Europe/Oslo").plus({ months: 1 }).toISODate()!;
    const planned = await server.post(
      `/meetings/new?networkId=${docs.networkId}`,
      [
        ["intent", "create"],
        ["kind", "network_meeting"],
        ["date", date],
        ["time", "10:00"],
        ["durationMinutes", "60"],
        ["place", "Fjordvik bibliotek, møterom 2 i andre etasje"],
        ["videoLink", ""],
        ["internalTitle", "Oppfølgingsmøte"],
        ["calendarTitle", "Møte – Broen"],
        ["memberId", docs.navMemberId],
        ["memberId", docs.relativeMemberId],
        ["leaderId", await server.userId(DEMO.leader)],
      ],
      await server.cookieFor(DEMO.leader),
    );
    meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(planned.headers.get("location") ?? "")![1]!;
    userId = await server.userId(DEMO.leader);
    // A bridge to an offering (issue 13) with consent, a proposed visit and the contact's link.
    const leaderCookie = await server.cookieFor(DEMO.leader);
    const proposed = await server.post(
      `/networks/${docs.networkId}/bridges/new`,
      {
        offeringId: (
          await server.database.db
            .select({ id: offerings.id })
            .from(offerings)
            .where(eq(offerings.status, "active"))
        )[0]!.id,
        note: "Vil prøve en gang",
      },
      leaderCookie,
    );
    bridgeId = /\/bridges\/([0-9a-f-]{36})/.exec(proposed.headers.get("location") ?? "")![1]!;
    const steps: Record<string, string>[] = [
      { intent: "consent-give" },
      {
        intent: "step",
        status: "visit_agreed",
        happenedOn: DateTime.now().setZone("Europe/Oslo").toISODate()!,
        visitOn: date,
        companion: "peer",
      },
      { intent: "link" },
    ];
    for (const fields of steps) await server.post(`/bridges/${bridgeId}`, fields, leaderCookie);
    bridgeLink = `/b/${bridgeLinkToken(bridgeId, 1)}`;
    personToken = await personLinkToken(server.database.db, docs);
    messageId = String((await server.database.db.select({ id: outbox.id }).from(outbox))[0]!.id);
    activationToken = (await server.activationLinkForNewUser("ny.bruker@fjordvik.test")).token;
    // Tasks for My tasks (as the projection writes them), one overdue, one with a comment.
    await server.database.db.insert(planActions).values(
      [docs.navMemberId, docs.relativeMemberId].flatMap((memberId, index) => [
        {
          documentName: docs.agenda,
          actionId: `a11yTask${index}a`,
          networkId: docs.networkId,
          source: "agenda" as const,
          meetingId: docs.meetingId,
          what: "Avtale arbeidstrening",
          responsible: `member:${memberId}`,
          responsibleMemberId: memberId,
          due: "2026-01-05",
          status: "blocked",
          statusComment: "Venter på svar",
        },
        {
          documentName: docs.agenda,
          actionId: `a11yTask${index}b`,
          networkId: docs.networkId,
          source: "agenda" as const,
          meetingId: docs.meetingId,
          what: "Ringe boligkontoret",
          responsible: `member:${memberId}`,
          responsibleMemberId: memberId,
          status: "open",
        },
      ]),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...sessions.values()].map((s) => s.close()));
    await browser?.close();
    await server?.close();
  });
  afterEach(() => {
    if (!session) return;
    const problems = session.problems.splice(0);
    session = undefined;
    expect(problems, problems.join("\n")).toEqual([]);
  });
  /** One browser context per kind of user, kept across the pages (a login and a cold cache each). */
  const sessions = new Map<string, BrowserSession>();
  async function sessionAs(as: string | undefined): Promise<BrowserSession> {
    const key = as ?? "";
    let found = sessions.get(key);
    if (!found) {
      found = await openSession(browser, server, { as });
      sessions.set(key, found);
    }
    return found;
  }

  const pages: PageCase[] = [
    { name: "login", path: () => "/login" },
    { name: "activation", path: () => `/activate/${activationToken}` },
    {
      name: "invitation link (relative)",
      path: () => `/i/${invitationToken(docs.relativeInvitationId, 1)}`,
    },
    {
      name: "tasks by link (relative)",
      path: () => `/i/${invitationToken(docs.relativeInvitationId, 1)}/tasks`,
    },
    { name: "not found", path: () => "/no-such-page" },
    { name: "start (leader)", path: () => "/", as: DEMO.leader },
    { name: "meetings (leader)", path: () => "/meetings", as: DEMO.leader },
    { name: "meetings, week (leader)", path: () => "/meetings?view=week", as: DEMO.leader },
    { name: "meetings, month (leader)", path: () => "/meetings?view=month", as: DEMO.leader },
    { name: "meeting (leader)", path: () => `/meetings/${meetingId}`, as: DEMO.leader },
    {
      name: "change meeting (leader)",
      path: () => `/meetings/${meetingId}/edit`,
      as: DEMO.leader,
      destructive: 1,
    },
    {
      name: "new meeting (leader)",
      path: () => `/meetings/new?networkId=${docs.networkId}`,
      as: DEMO.leader,
    },
    { name: "networks (leader)", path: () => "/networks", as: DEMO.leader },
    {
      name: "network (leader)",
      path: () => `/networks/${docs.networkId}`,
      as: DEMO.leader,
      destructive: 3,
    },
    {
      name: "plan history (leader)",
      path: () => `/networks/${docs.networkId}/plan/history`,
      as: DEMO.leader,
    },
    {
      name: "progress (leader)",
      path: () => `/networks/${docs.networkId}/progress`,
      as: DEMO.leader,
    },
    { name: "person (leader)", path: () => `/persons/${docs.personId}`, as: DEMO.leader },
    { name: "plan (leader)", path: () => `/networks/${docs.networkId}/plan`, as: DEMO.leader },
    {
      name: "plan, print (leader)",
      path: () => `/networks/${docs.networkId}/plan/print`,
      as: DEMO.leader,
    },
    { name: "plan (partner)", path: () => `/networks/${docs.networkId}/plan`, as: DEMO.nav },
    { name: "new person (leader)", path: () => "/persons/new", as: DEMO.leader },
    { name: "account (leader)", path: () => "/account", as: DEMO.leader, destructive: 1 },
    { name: "offerings (leader)", path: () => "/offerings", as: DEMO.leader },
    {
      name: "offerings search (leader)",
      path: () => "/offerings/search?q=fotbal&free=on",
      as: DEMO.leader,
    },
    { name: "offering (leader)", path: () => `/offerings/${offeringId}`, as: DEMO.leader },
    { name: "offerings (coordinator)", path: () => "/offerings", as: DEMO.coordinator },
    {
      name: "offering (coordinator)",
      path: () => `/offerings/${offeringId}`,
      as: DEMO.coordinator,
      destructive: 1,
    },
    { name: "new offering (coordinator)", path: () => "/offerings/new", as: DEMO.coordinator },
    { name: "stale offerings (coordinator)", path: () => "/offerings/stale", as: DEMO.coordinator },
    {
      name: "organisations (coordinator)",
      path: () => "/offerings/organisations",
      as: DEMO.coordinator,
    },
    {
      name: "new organisation (coordinator)",
      path: () => "/offerings/organisations/new",
      as: DEMO.coordinator,
    },
    {
      name: "offerings import (coordinator)",
      path: () => "/offerings/import",
      as: DEMO.coordinator,
    },
    { name: "start (coordinator)", path: () => "/", as: DEMO.coordinator },
    { name: "overview (coordinator)", path: () => "/overview", as: DEMO.coordinator },
    { name: "start (partner)", path: () => "/", as: DEMO.nav },
    { name: "meetings (partner)", path: () => "/meetings", as: DEMO.nav },
    { name: "meeting (partner)", path: () => `/meetings/${meetingId}`, as: DEMO.nav },
    { name: "networks (partner)", path: () => "/networks", as: DEMO.nav },
    {
      name: "propose an offering (leader)",
      path: () => `/networks/${docs.networkId}/bridges/new`,
      as: DEMO.leader,
    },
    { name: "bridge (leader)", path: () => `/bridges/${bridgeId}`, as: DEMO.leader },
    { name: "bridge, the organisation's link", path: () => bridgeLink },
    { name: "bridges, the person's link", path: () => `/i/${personToken}/bridges` },
    { name: "my tasks (partner)", path: () => "/tasks", as: DEMO.nav },
    { name: "my tasks (leader)", path: () => "/tasks", as: DEMO.leader },
    {
      name: "plan history (partner)",
      path: () => `/networks/${docs.networkId}/plan/history`,
      as: DEMO.nav,
    },
    {
      name: "person (partner)",
      path: () => `/persons/${docs.personId}`,
      as: DEMO.nav,
      // The panel a partner sees holds the person's unit, and says so.
      check: async (page) => {
        expect(await page.locator("#details-title").textContent()).toBe(nb["people.unit"]);
      },
    },
    {
      name: "start (admin)",
      path: () => "/",
      as: DEMO.admin,
      // The start page lists exactly the areas of the menu, and promises nothing else.
      check: async (page) => {
        const areas = await page.locator("main .card-list a").allTextContents();
        const menu = await page.locator("nav a:not([href='/'])").allTextContents();
        expect(areas).toEqual(menu);
        expect(areas).toEqual([nb["nav.admin"]]);
        expect(await page.locator("main").textContent()).not.toMatch(/møtene|nettverkene/);
      },
    },
    { name: "admin (admin)", path: () => "/admin", as: DEMO.admin },
    { name: "users (admin)", path: () => "/admin/users", as: DEMO.admin },
    { name: "new user (admin)", path: () => "/admin/users/new", as: DEMO.admin },
    {
      name: "user (admin)",
      path: () => `/admin/users/${userId}`,
      as: DEMO.admin,
      destructive: 1,
    },
    { name: "audit log (admin)", path: () => "/admin/audit", as: DEMO.admin },
    { name: "outbox (admin)", path: () => "/admin/outbox", as: DEMO.admin },
    { name: "message (admin)", path: () => `/admin/outbox/${messageId}`, as: DEMO.admin },
  ];

  it.each(pages.map((p) => [p.name, p] as const))("%s", async (_name, pageCase) => {
    session = await sessionAs(pageCase.as);
    const { page } = session;
    const pathname = pageCase.path();
    await page.setViewportSize({ width: 1280, height: 900 });
    const response = await page.goto(`${server.url}${pathname}`);
    expect(response?.status()).toBe(pathname === "/no-such-page" ? 404 : 200);
    await waitForHydration(page);
    // The 404 is the page under test, not a problem of it.
    session.problems.splice(
      0,
      session.problems.length,
      ...session.problems.filter((p) => !/status of 404/.test(p)),
    );
    expect((await page.locator("h1").textContent())?.trim()).not.toBe("");
    // The same document at both widths: the layout follows the viewport (CSS media queries),
    // and nothing the server sends depends on it.
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });

      const violations = await axeViolations(page);
      expect(violations, `axe at ${width} px on ${pathname}:\n${violations.join("\n")}`).toEqual(
        [],
      );
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(
        scrollWidth,
        `${pathname} is ${scrollWidth} px wide at ${width} px`,
      ).toBeLessThanOrEqual(width);
      const text = (await page.locator("main").textContent()) ?? "";
      expect(text, `an ISO date on ${pathname}`).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
      const heights = await fieldHeights(page);
      expect(
        heights.length,
        `field heights on ${pathname} at ${width} px: ${heights.join(", ")}`,
      ).toBeLessThanOrEqual(1);
      const danger = await destructiveButtons(page);
      expect(danger.length, `destructive buttons on ${pathname}`).toBeGreaterThanOrEqual(
        pageCase.destructive ?? 0,
      );
      for (const button of danger) {
        expect(button.background, `${button.label} on ${pathname}`).not.toBe(PRIMARY_BACKGROUND);
        expect(
          button.background === DANGER_BACKGROUND || button.color === DANGER_TEXT,
          `${button.label} on ${pathname} is ${button.background} / ${button.color}`,
        ).toBe(true);
      }
    }
    await pageCase.check?.(page);
  });

  /** The distinct rendered heights (whole px) of the page's visible text fields and selects. */
  function fieldHeights(page: Page): Promise<number[]> {
    return page.evaluate(() => {
      const fields = document.querySelectorAll<HTMLElement>(
        "main input:not([type=hidden], [type=checkbox], [type=radio]), main select",
      );
      const heights = new Set<number>();
      for (const field of fields) {
        const { height } = field.getBoundingClientRect();
        if (height > 0) heights.add(Math.round(height));
      }
      return [...heights];
    });
  }

  /** The visible buttons labelled with a destructive action, with their computed colours. */
  function destructiveButtons(page: Page) {
    const labels = DESTRUCTIVE.map((key) => nb[key]);
    return page.evaluate((labels) => {
      return [...document.querySelectorAll<HTMLButtonElement>("main button")]
        .filter((button) => button.getBoundingClientRect().height > 0)
        .filter((button) => labels.some((label) => button.textContent?.trim().startsWith(label)))
        .map((button) => {
          const style = getComputedStyle(button);
          return {
            label: button.textContent?.trim() ?? "",
            background: style.backgroundColor,
            color: style.color,
          };
        });
    }, labels);
  }
});
