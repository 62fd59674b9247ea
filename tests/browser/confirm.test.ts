import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Browser, Locator, Page } from "playwright-core";
import {
  activationTokens,
  calendarFeeds,
  consents,
  invitations,
  meetings,
  networkMembers,
  networks,
  sessions,
  users,
} from "../../db/schema";
import { nb, type MessageKey } from "../../app/i18n/nb";
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

announceSkipWithoutChromium("tests/browser/confirm.test.ts");

/*
 * Every destructive action asks first (issue 10): without JavaScript the page comes back with
 * the question in place of the button; with it a modal dialog asks. Both are answered with
 * the keyboard alone, "go back" changes nothing, and the danger buttons look dangerous.
 */

const say = (key: MessageKey, values: Record<string, string> = {}) =>
  nb[key].replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? `{${name}}`);

// A step that hangs fails on its own line, well inside the test's time.
const soon = { timeout: 10_000 };

// Designsystemet's digdir brand theme (root.tsx): danger and accent base colours, their text
// colours on a light surface, and secondary/tertiary buttons' transparent background.
const DANGER_RED = "rgb(192, 27, 27)";
const DANGER_TEXT = "rgb(184, 26, 26)";
const ACCENT = "rgb(0, 98, 186)";
const ACCENT_TEXT = "rgb(0, 93, 177)";
const WHITE = "rgb(255, 255, 255)";
const TRANSPARENT = "rgba(0, 0, 0, 0)";

/** One destructive action: where it is, who may do it, what it asks, and whether it was done. */
interface Action {
  as: keyof typeof DEMO;
  /** Makes a fresh target; returns the page's path and a check that the action took effect. */
  prepare(): Promise<{ path: string; done(): Promise<boolean> }>;
  button: string;
  question: string;
  confirm: string;
}

describe.skipIf(!hasChromium)("destructive actions ask first", () => {
  let server: TestServer;
  let browser: Browser;
  let session: BrowserSession | undefined;
  let networkId = "";
  let omarMemberId = "";
  let leaderId = "";
  let counter = 0;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const { db } = server.database;
    // The seeded demo network (db/seed.ts): Siri Havdal's, led by the demo leader.
    networkId = (await db.select({ id: networks.id }).from(networks))[0]!.id;
    omarMemberId = (
      await db
        .select({ id: networkMembers.id })
        .from(networkMembers)
        .where(eq(networkMembers.name, "Omar Haugland"))
    )[0]!.id;
    leaderId = await server.userId(DEMO.leader);
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

  /** A meeting next month in the seeded network, with the NAV partner invited. */
  async function newMeeting(): Promise<string> {
    const date = DateTime.now().setZone("Europe/Oslo").plus({ months: 1 }).set({ day: 12 });
    const response = await server.post(
      `/meetings/new?networkId=${networkId}`,
      [
        ["intent", "create"],
        ["kind", "network_meeting"],
        ["date", date.toISODate()!],
        ["time", "10:00"],
        ["durationMinutes", "60"],
        ["place", "Fjordvik bibliotek"],
        ["videoLink", ""],
        ["internalTitle", `Testmøte ${++counter}`],
        ["calendarTitle", "Møte – Broen"],
        ["memberId", omarMemberId],
        ["leaderId", leaderId],
      ],
      await server.cookieFor(DEMO.leader),
    );
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(response.headers.get("location") ?? "")?.[1];
    if (!id) throw new Error(`planning a meeting failed with ${response.status}`);
    return id;
  }

  async function newMember(withConsent = false): Promise<{ id: string; name: string }> {
    const { db } = server.database;
    const name = `Testmedlem ${++counter}`;
    const [member] = await db
      .insert(networkMembers)
      .values({ networkId, name, relation: "friend", circle: "family_friends" })
      .returning({ id: networkMembers.id });
    if (withConsent) {
      await db.insert(consents).values({
        memberId: member!.id,
        content: "agenda",
        givenOn: DateTime.now().setZone("Europe/Oslo").toISODate()!,
        method: "verbal_in_meeting",
        recordedByUserId: leaderId,
      });
    }
    return { id: member!.id, name };
  }

  const feedHash = async (email: string) =>
    (
      await server.database.db
        .select({ hash: calendarFeeds.tokenHash })
        .from(calendarFeeds)
        .where(eq(calendarFeeds.userId, await server.userId(email)))
    )[0]?.hash;

  const actions: Record<string, Action> = {
    "cancelling a meeting": {
      as: "leader",
      async prepare() {
        const id = await newMeeting();
        return {
          path: `/meetings/${id}/edit`,
          done: async () =>
            (
              await server.database.db
                .select({ status: meetings.status })
                .from(meetings)
                .where(eq(meetings.id, id))
            )[0]!.status === "cancelled",
        };
      },
      button: "Avlys møtet",
      question: say("confirm.cancelMeeting.question"),
      confirm: say("confirm.cancelMeeting.yes"),
    },
    "removing a member from the network": {
      as: "leader",
      async prepare() {
        const member = await newMember();
        this.button = `Fjern fra nettverket (${member.name})`;
        this.question = say("confirm.removeMember.question", { name: member.name });
        return {
          path: `/networks/${networkId}`,
          done: async () =>
            (
              await server.database.db
                .select({ removedAt: networkMembers.removedAt })
                .from(networkMembers)
                .where(eq(networkMembers.id, member.id))
            )[0]!.removedAt !== null,
        };
      },
      button: "",
      question: "",
      confirm: say("confirm.removeMember.yes"),
    },
    "withdrawing a consent": {
      as: "leader",
      async prepare() {
        const member = await newMember(true);
        this.button = `Trekk tilbake (${member.name}, Dagsorden)`;
        return {
          path: `/networks/${networkId}`,
          done: async () =>
            (
              await server.database.db
                .select({ id: consents.id })
                .from(consents)
                .where(and(eq(consents.memberId, member.id), isNull(consents.withdrawnAt)))
            ).length === 0,
        };
      },
      button: "",
      question: say("confirm.withdrawConsent.question"),
      confirm: say("confirm.withdrawConsent.yes"),
    },
    "making a new invitation link": {
      as: "leader",
      async prepare() {
        const id = await newMeeting();
        const version = async () =>
          (
            await server.database.db
              .select({ version: invitations.linkVersion })
              .from(invitations)
              .where(eq(invitations.meetingId, id))
          )[0]!.version;
        const before = await version();
        return { path: `/meetings/${id}`, done: async () => (await version()) !== before };
      },
      button: "Lag ny invitasjonslenke (Omar Haugland)",
      question: say("confirm.newInvitationLink.question", { name: "Omar Haugland" }),
      confirm: say("confirm.newInvitationLink.yes"),
    },
    "deactivating a user": {
      as: "admin",
      async prepare() {
        const id = await server.createUser(`deaktiver-${++counter}@example.test`);
        return {
          path: `/admin/users/${id}`,
          done: async () =>
            (
              await server.database.db
                .select({ active: users.active })
                .from(users)
                .where(eq(users.id, id))
            )[0]!.active === false,
        };
      },
      button: "Deaktiver bruker",
      question: say("confirm.deactivateUser.question", { name: "Test Testesen" }),
      confirm: say("confirm.deactivateUser.yes"),
    },
    "making an activation link": {
      as: "admin",
      async prepare() {
        const id = await server.createUser(`aktiver-${++counter}@example.test`);
        return {
          path: `/admin/users/${id}`,
          done: async () =>
            (
              await server.database.db
                .select({ id: activationTokens.id })
                .from(activationTokens)
                .where(eq(activationTokens.userId, id))
            ).length > 0,
        };
      },
      button: "Lag aktiveringslenke",
      question: say("confirm.issueLink.question"),
      confirm: say("confirm.issueLink.yes"),
    },
    "renewing the calendar subscription link": {
      as: "leader2",
      async prepare() {
        await server.post(
          "/account",
          { intent: "create-feed" },
          await server.cookieFor(DEMO.leader2),
        );
        const before = await feedHash(DEMO.leader2);
        return { path: "/account", done: async () => (await feedHash(DEMO.leader2)) !== before };
      },
      button: "Lag ny lenke (den gamle slutter å virke)",
      question: say("confirm.renewFeed.question"),
      confirm: say("confirm.renewFeed.yes"),
    },
    "deleting the calendar subscription": {
      as: "housing",
      async prepare() {
        await server.post(
          "/account",
          { intent: "create-feed" },
          await server.cookieFor(DEMO.housing),
        );
        return { path: "/account", done: async () => (await feedHash(DEMO.housing)) === undefined };
      },
      button: "Slett abonnementet",
      question: say("confirm.revokeFeed.question"),
      confirm: say("confirm.revokeFeed.yes"),
    },
    "logging out of every session": {
      as: "volunteer",
      async prepare() {
        const userId = await server.userId(DEMO.volunteer);
        // A session on another device, which must end too.
        await server.cookieFor(DEMO.volunteer);
        return {
          path: "/account",
          done: async () =>
            (
              await server.database.db
                .select({ id: sessions.idHash })
                .from(sessions)
                .where(eq(sessions.userId, userId))
            ).length === 0,
        };
      },
      button: "Logg ut av alle økter",
      question: say("confirm.logoutAll.question"),
      confirm: say("confirm.logoutAll.yes"),
    },
  };
  const names = Object.keys(actions);

  const isFocused = (locator: Locator) =>
    locator.evaluate((element) => element === document.activeElement);

  it.each(names)("asks before %s without JavaScript, by keyboard", async (name) => {
    const action = actions[name]!;
    const { path, done } = await action.prepare.call(action);
    const page = await open(action.as, false);
    await page.goto(`${server.url}${path}`);
    const trigger = page.getByRole("button", { name: action.button, exact: true });

    // Asking is a page of its own: the question in place of the button, focused.
    await trigger.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.has("confirm"));
    const panel = page.getByRole("region", { name: action.question, exact: true });
    await panel.waitFor();
    expect(await isFocused(panel), "the question has focus").toBe(true);
    expect(await trigger.count(), "the question replaces the button").toBe(0);
    expect(await done(), "asking changes nothing").toBe(false);

    // "Go back" leads to the page as it was, to the button.
    await panel.getByRole("link", { name: "Nei, gå tilbake", exact: true }).click();
    await page.waitForURL((url) => !url.searchParams.has("confirm"));
    expect(await isFocused(trigger), "back on the button").toBe(true);
    expect(await done(), "going back changes nothing").toBe(false);

    // Asked again, Tab reaches the danger button first, and Enter does it.
    await page.keyboard.press("Enter");
    await panel.waitFor();
    await page.keyboard.press("Tab");
    const confirm = panel.getByRole("button", { name: action.confirm, exact: true });
    expect(await isFocused(confirm)).toBe(true);
    await page.keyboard.press("Enter");
    // The answer is the page itself again (or the login page), without the question.
    await page.waitForURL((url) => !url.searchParams.has("confirm"));
    await expect.poll(done).toBe(true);
  });

  it.each(names)("asks before %s in a dialog with JavaScript, by keyboard", async (name) => {
    const action = actions[name]!;
    const { path, done } = await action.prepare.call(action);
    const page = await open(action.as);
    await page.goto(`${server.url}${path}`);
    await waitForHydration(page);
    const trigger = page.getByRole("button", { name: action.button, exact: true });

    await trigger.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: action.question, exact: true });
    await dialog.waitFor(soon);
    expect(await dialog.evaluate((node) => (node as HTMLDialogElement).matches(":modal"))).toBe(
      true,
    );
    const back = dialog.getByRole("button", { name: "Nei, gå tilbake", exact: true });
    expect(await isFocused(back), "focus starts on going back").toBe(true);
    expect(page.url()).toBe(`${server.url}${path}`);

    // Escape closes it and focus returns to the button; nothing changed.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", ...soon });
    expect(await isFocused(trigger)).toBe(true);
    expect(await done()).toBe(false);

    // So does "go back".
    await page.keyboard.press("Enter");
    await dialog.waitFor(soon);
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "hidden", ...soon });
    expect(await isFocused(trigger)).toBe(true);
    expect(await done()).toBe(false);

    // Shift+Tab from "go back" reaches the danger button; Enter does it.
    await page.keyboard.press("Enter");
    await dialog.waitFor(soon);
    await page.keyboard.press("Shift+Tab");
    const confirm = dialog.getByRole("button", { name: action.confirm, exact: true });
    expect(await isFocused(confirm)).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(done).toBe(true);
    await dialog.waitFor({ state: "hidden", ...soon });
    // Focus is not lost with the button (a member removed): on it, or on the page's heading,
    // or on the notice of the page the action led to (a meeting cancelled on its edit page).
    await expect
      .poll(() =>
        page.evaluate(() =>
          document.activeElement?.id === "changed"
            ? "notice"
            : document.activeElement?.tagName.toLowerCase(),
        ),
      )
      .toMatch(/^(button|h1|notice)$/);
  });

  it("goes back from the question on the page with JavaScript too, to the button", async () => {
    const id = await newMeeting();
    const page = await open("leader");
    await page.goto(`${server.url}/meetings/${id}/edit?confirm=cancel`);
    await waitForHydration(page);
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const panel = page.getByRole("region", { name: say("confirm.cancelMeeting.question") });
    await panel.getByRole("link", { name: "Nei, gå tilbake", exact: true }).click();
    await page.waitForURL(`${server.url}/meetings/${id}/edit#ask-cancel`);
    const trigger = page.getByRole("button", { name: "Avlys møtet", exact: true });
    await expect.poll(() => isFocused(trigger)).toBe(true);
    expect(await panel.count()).toBe(0);
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
  });

  it("styles danger and secondary buttons apart from the primary button", async () => {
    const id = await newMeeting();
    const member = await newMember(true);
    const page = await open("leader");
    const background = (locator: Locator) =>
      locator.evaluate((element) => getComputedStyle(element).backgroundColor);
    const color = (locator: Locator) =>
      locator.evaluate((element) => getComputedStyle(element).color);

    await page.goto(`${server.url}/meetings/${id}/edit`);
    await waitForHydration(page);
    const save = page.getByRole("button", { name: "Lagre møtet", exact: true });
    const cancel = page.getByRole("button", { name: "Avlys møtet", exact: true });
    expect(await background(save)).toBe(ACCENT);
    expect(await background(cancel)).toBe(DANGER_RED);
    expect(await color(cancel)).toBe(WHITE);
    await cancel.click();
    const dialog = page.getByRole("dialog");
    expect(await background(dialog.getByRole("button", { name: "Ja, avlys møtet" }))).toBe(
      DANGER_RED,
    );
    const back = dialog.getByRole("button", { name: "Nei, gå tilbake" });
    expect(await background(back)).toBe(TRANSPARENT);
    expect(await color(back)).toBe(ACCENT_TEXT);
    await page.keyboard.press("Escape");

    await page.goto(`${server.url}/networks/${networkId}`);
    await waitForHydration(page);
    const card = page.getByRole("article", { name: member.name, exact: true });
    expect(await background(card.getByRole("button", { name: /^Fjern fra nettverket/ }))).toBe(
      DANGER_RED,
    );
    expect(await background(card.getByRole("button", { name: /^Endre invitasjon/ }))).toBe(
      TRANSPARENT,
    );
    const withdraw = card.getByRole("button", { name: /^Trekk tilbake/ });
    expect(await color(withdraw)).toBe(DANGER_TEXT);
    expect(await background(withdraw)).toBe(TRANSPARENT);
  });

  it("shows the chosen answer as selected, with and without JavaScript", async () => {
    const id = await newMeeting();
    const page = await open("nav");
    await page.goto(`${server.url}/meetings/${id}`);
    await waitForHydration(page);
    const answers = page.getByRole("region", { name: "Ditt svar" });
    const pressed = () =>
      answers
        .getByRole("button", { pressed: true })
        .allTextContents()
        .then((texts) => texts.map((text) => text.replace(/^✓\s*/, "")));
    expect(await pressed(), "no answer yet: none selected").toEqual([]);
    expect(await answers.getByRole("button", { pressed: false }).count()).toBe(3);

    await answers.getByRole("button", { name: "Kommer", exact: true }).click();
    await expect.poll(pressed).toEqual(["Kommer"]);
    const chosen = answers.getByRole("button", { name: "Kommer", exact: true });
    const other = answers.getByRole("button", { name: "Kanskje", exact: true });
    const style = (locator: Locator) =>
      locator.evaluate((element) => getComputedStyle(element).backgroundColor);
    expect(await style(chosen)).toBe(ACCENT);
    expect(await style(other)).toBe(TRANSPARENT);
    expect(await chosen.textContent()).toBe("✓ Kommer");
    await session!.close();

    // Without JavaScript the page after the post shows the new answer selected.
    const plain = await open("nav", false);
    await plain.goto(`${server.url}/meetings/${id}`);
    await plain.getByRole("button", { name: "Kanskje", exact: true }).click();
    await plain.getByRole("status").filter({ hasText: "svaret ditt er lagret" }).waitFor();
    expect(
      await plain
        .getByRole("region", { name: "Ditt svar" })
        .getByRole("button", { pressed: true })
        .textContent(),
    ).toBe("✓ Kanskje");
  });

  // Seven full axe scans of pages with Designsystemet's stylesheet take 30–40 s on a busy
  // two-core machine: a time limit of their own.
  it("passes axe with the question on the page and in the dialog (screenshots in /tmp)", async () => {
    const id = await newMeeting();
    const member = await newMember(true);
    const page = await open("leader");
    const check = async (what: string) => {
      const violations = await axeViolations(page);
      expect(violations, `axe found with ${what}:\n${violations.join("\n")}`).toEqual([]);
    };

    await page.goto(`${server.url}/meetings/${id}/edit?confirm=cancel`);
    await waitForHydration(page);
    const panel = page.getByRole("region", { name: say("confirm.cancelMeeting.question") });
    await panel.waitFor();
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "/tmp/confirm-cancel-panel.png" });
    await check("the cancel question on the page");

    const [invitation] = await server.database.db
      .select({ id: invitations.id })
      .from(invitations)
      .where(eq(invitations.meetingId, id));
    await page.goto(`${server.url}/meetings/${id}?confirm=new-link-${invitation!.id}`);
    await waitForHydration(page);
    const relink = page.getByRole("region", { name: /^Vil du lage en ny invitasjonslenke/ });
    await relink.waitFor();
    await relink.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "/tmp/confirm-new-link-panel.png" });
    await check("the new-link question on the page");

    await page.goto(`${server.url}/meetings/${id}/edit`);
    await waitForHydration(page);
    await page.getByRole("button", { name: "Avlys møtet", exact: true }).click();
    await page.getByRole("dialog").waitFor();
    await page.screenshot({ path: "/tmp/confirm-cancel-dialog.png" });
    await check("the cancel dialog");
    await page.keyboard.press("Escape");

    await page.goto(`${server.url}/networks/${networkId}?confirm=remove-member-${member.id}`);
    await waitForHydration(page);
    const removal = page.getByRole("region", {
      name: say("confirm.removeMember.question", { name: member.name }),
    });
    await removal.waitFor();
    await removal.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "/tmp/confirm-remove-member-panel.png" });
    await check("the removal question on the page");

    await page.goto(`${server.url}/networks/${networkId}`);
    await waitForHydration(page);
    await page
      .getByRole("article", { name: member.name, exact: true })
      .getByRole("button", { name: /^Trekk tilbake/ })
      .click();
    await page.getByRole("dialog").waitFor();
    await page.screenshot({ path: "/tmp/confirm-withdraw-dialog.png" });
    await check("the consent dialog");
    await page.keyboard.press("Escape");

    await page.setViewportSize({ width: 320, height: 640 });
    await page
      .getByRole("article", { name: member.name, exact: true })
      .getByRole("button", { name: /^Fjern fra nettverket/ })
      .click();
    await page.getByRole("dialog").waitFor();
    await page.screenshot({ path: "/tmp/confirm-remove-dialog-320.png" });
    await check("the removal dialog at 320 px");
    await page.keyboard.press("Escape");

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/account?confirm=logout-all`);
    await waitForHydration(page);
    await page.getByRole("region", { name: say("confirm.logoutAll.question") }).waitFor();
    await page.screenshot({ path: "/tmp/confirm-logout-all-panel.png", fullPage: true });
    await check("the logout question on the page");
  }, 90_000);

  it("passes axe with the deactivation question (admin; screenshot in /tmp)", async () => {
    const id = await server.createUser(`axe-${++counter}@example.test`);
    // axe runs in the page, so with JavaScript: the page as the server rendered the question.
    const page = await open("admin");
    await page.goto(`${server.url}/admin/users/${id}?confirm=deactivate`);
    await waitForHydration(page);
    await page.getByRole("region", { name: /^Vil du deaktivere/ }).waitFor();
    await page.screenshot({ path: "/tmp/confirm-deactivate-panel.png", fullPage: true });
    const violations = await axeViolations(page);
    expect(violations, violations.join("\n")).toEqual([]);
  }, 60_000);
});
