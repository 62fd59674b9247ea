/*
 * The browser side of `npm run bench:collab`: Debian's chromium through playwright-core, two
 * pages (each in its own context, i.e. two people with their own session and storage, so no
 * BroadcastChannel between them) and what is measured inside them, on the clock both pages
 * share (performance.timeOrigin + performance.now(), one browser on one machine).
 *
 * - keystrokes: the writer records each keydown's timeStamp; the reader's MutationObserver on
 *   the item's editor records, per character that appeared, the time its callback ran (the DOM
 *   is already changed then; the length is read from the editor's own state, so the writer's
 *   caret label in the reader's DOM is not counted as text). Only letters are typed, at the end
 *   of the text, so the k-th arrival belongs to the k-th keydown.
 * - agenda editable: an init script watches the meeting page from its navigation start
 *   (performance.now() = 0) until the live agenda says it is connected (provider synced), all
 *   items are there and the first item's notes are shown and editable (its editor, or the
 *   focusable stand-in that becomes the editor on focus: lazy-rich-text.tsx); it then focuses
 *   them (caret at the end), notes the time, asks the bench to press a key, and notes when that
 *   character is in the editor's state. Untimed, the bench then checks that the server has it
 *   (the meeting page, rendered from the live document, ends the notes with it).
 */
import fs from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/chromium.mjs";
import { BenchError, sleep } from "./processes";

export const CHROMIUM_PATH = chromiumPath();
const TIMEOUT_MS = 30_000;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Headless chromium with nothing in the background and no throttling of hidden pages. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      "--disable-renderer-backgrounding",
      "--disable-background-timer-throttling",
      "--disable-backgrounding-occluded-windows",
    ],
  });
}

/**
 * A context with the session cookie for `origin`. `bypassCSP`: the benchmark page's socket to
 * the reference server is on another port, which the page's CSP (connect-src 'self') refuses;
 * both targets run with the same setting, so the pages are the same.
 */
export async function openContext(browser: Browser, origin: string, cookie: string) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: "nb-NO",
    bypassCSP: true,
  });
  const split = cookie.indexOf("=");
  await context.addCookies([
    { name: cookie.slice(0, split), value: cookie.slice(split + 1), url: origin },
  ]);
  return context;
}

const connected = (page: Page) =>
  page.locator('.live-agenda[data-state="connected"]').waitFor({ timeout: TIMEOUT_MS });
const firstNotes = (page: Page) => page.locator("article.agenda-item .ProseMirror").first();

/** The first item's notes as the editor holds them (not the DOM: carets carry names). */
function notesText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dom = document.querySelector("article.agenda-item .ProseMirror") as
      (Element & { editor?: { state: { doc: { textContent: string } } } }) | null;
    return dom?.editor?.state.doc.textContent ?? "";
  });
}

async function poll<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new BenchError(`timed out waiting until ${what}`);
    await sleep(20); // the next poll
  }
}

export interface KeystrokePlan {
  /** Keys typed one at a time, every `intervalMs`. */
  evenKeys: number;
  intervalMs: number;
  /** Bursts of `burstSize` keys back to back, `pauseMs` apart. */
  bursts: number;
  burstSize: number;
  pauseMs: number;
  warmupKeys: number;
}

export interface KeystrokeResult {
  even: number[];
  burst: number[];
}

/**
 * One round: both pages open `url` (the benchmark page), the writer adds an item through the
 * form and types into its notes; returns keydown → appearance in the reader (ms) per key.
 * Throws a BenchError when a key never arrives or the two texts differ at the end.
 */
export async function keystrokeRound(
  writer: Page,
  reader: Page,
  url: string,
  plan: KeystrokePlan,
): Promise<KeystrokeResult> {
  await Promise.all([writer.goto(url), reader.goto(url)]);
  await Promise.all([connected(writer), connected(reader)]);
  await writer.getByLabel("Tittel", { exact: true }).fill("Benk");
  await writer.getByLabel("Tittel", { exact: true }).press("Enter");
  await firstNotes(reader).waitFor({ timeout: TIMEOUT_MS });
  await firstNotes(writer).click();
  await writer.keyboard.type(LETTERS.slice(0, plan.warmupKeys));
  let typed = LETTERS.slice(0, plan.warmupKeys);
  await poll("the reader has the warm-up keys", async () =>
    (await notesText(reader)) === typed ? true : undefined,
  );

  const measure = async (type: () => Promise<string>): Promise<number[]> => {
    await writer.evaluate(() => {
      const w = window as unknown as { __keydowns: number[]; __listening?: boolean };
      w.__keydowns = [];
      if (w.__listening) return;
      w.__listening = true;
      document.addEventListener(
        "keydown",
        (event) => w.__keydowns.push(performance.timeOrigin + event.timeStamp),
        { capture: true },
      );
    });
    await reader.evaluate(() => {
      type Dom = Element & { editor: { state: { doc: { textContent: string } } } };
      const dom = document.querySelector("article.agenda-item .ProseMirror") as Dom;
      const w = window as unknown as { __arrivals: number[]; __observer?: MutationObserver };
      w.__observer?.disconnect();
      w.__arrivals = [];
      let seen = dom.editor.state.doc.textContent.length;
      w.__observer = new MutationObserver(() => {
        const now = performance.timeOrigin + performance.now();
        const length = dom.editor.state.doc.textContent.length;
        for (; seen < length; seen++) w.__arrivals.push(now);
      });
      w.__observer.observe(dom, { subtree: true, childList: true, characterData: true });
    });
    const keys = await type();
    typed += keys;
    await poll(`the reader has all ${keys.length} keys`, async () =>
      (await notesText(reader)).length >= typed.length ? true : undefined,
    );
    const [keydowns, arrivals] = await Promise.all([
      writer.evaluate(() => (window as unknown as { __keydowns: number[] }).__keydowns),
      reader.evaluate(() => (window as unknown as { __arrivals: number[] }).__arrivals),
    ]);
    const own = keydowns;
    if (own.length !== keys.length || arrivals.length !== keys.length) {
      throw new BenchError(
        `${keys.length} keys typed, ${own.length} keydowns and ${arrivals.length} arrivals seen`,
      );
    }
    return own.map((down, i) => arrivals[i]! - down);
  };

  const even = await measure(async () => {
    let keys = "";
    const start = performance.now();
    for (let i = 0; i < plan.evenKeys; i++) {
      const wait = start + i * plan.intervalMs - performance.now();
      if (wait > 0) await sleep(wait); // the even pace
      const key = LETTERS[i % LETTERS.length]!;
      await writer.keyboard.press(key);
      keys += key;
    }
    return keys;
  });
  const burst = await measure(async () => {
    let keys = "";
    for (let b = 0; b < plan.bursts; b++) {
      if (b > 0) await sleep(plan.pauseMs); // the pause between bursts
      const chunk = Array.from(
        { length: plan.burstSize },
        (_, i) => LETTERS[(b * plan.burstSize + i) % LETTERS.length],
      ).join("");
      await writer.keyboard.type(chunk); // back to back, no delay
      keys += chunk;
    }
    return keys;
  });

  const [mine, theirs] = await Promise.all([notesText(writer), notesText(reader)]);
  if (mine !== typed || theirs !== typed) {
    throw new BenchError(
      `after the round the writer has ${mine.length} and the reader ${theirs.length} ` +
        `characters; ${typed.length} were typed`,
    );
  }
  return { even, burst };
}

export interface EditableResult {
  /** Navigation start → the HTML parsed and its scripts run (DOMContentLoaded ended, ms). */
  domContentLoadedMs: number;
  /** Navigation start → the live agenda first says it is connected and synced (ms). */
  connectedMs: number;
  /** Navigation start → connected, synced, every item shown, the first item's notes
   * editable: its editor, or the stand-in that becomes one on focus (ms). */
  readyMs: number;
  /** Navigation start → the key pressed then is in the editor (ms). */
  editableMs: number;
}

/**
 * Opens `url` (a meeting page) in a fresh context and measures, from navigation start, until
 * the live agenda is editable with `items` items and a typed character is in the first editor.
 */
export async function agendaEditable(
  context: BrowserContext,
  url: string,
  items: number,
  profilePath?: string,
): Promise<EditableResult> {
  let page: Page | null = null;
  let pressed: Promise<void> | null = null;
  await context.exposeBinding("__benchReady", () => {
    pressed = page!.keyboard.press("Q").catch((e: unknown) => console.error("press", e));
  });
  await context.addInitScript((expected: number) => {
    type Editor = {
      state: { doc: { textContent: string } };
      commands: { focus(at: string): boolean };
      view: { focus(): void };
      on(event: "update", listener: () => void): void;
    };
    type Dom = HTMLElement & { editor?: Editor };
    const w = window as unknown as {
      __connected?: number;
      __ready?: number;
      __landed?: number;
      __tail?: string;
      __benchReady(): void;
    };
    // No named functions in here: tsx would wrap them in a helper the page does not have.
    let found = false;
    let listening: Editor | null = null;
    // The key's text goes into the DOM first (contenteditable), then into the editor's state
    // (ProseMirror reads the DOM back): "in the editor" is the editor's own update event.
    const check = Object.assign(() => {
      const text = listening?.state.doc.textContent ?? "";
      if (w.__landed === undefined && text.endsWith("Q")) w.__landed = performance.now();
    }, {});
    // The first item's editor appears (or is created again): listen to it.
    const landed = new MutationObserver(() => {
      const editor = (document.querySelector("article.agenda-item .ProseMirror") as Dom | null)
        ?.editor;
      if (!editor || editor === listening) return;
      listening = editor;
      editor.on("update", check);
      check();
    });
    const watch = new MutationObserver(() => {
      if (found) return;
      const agenda = document.querySelector('.live-agenda[data-state="connected"]');
      if (agenda && w.__connected === undefined) w.__connected = performance.now();
      if (!agenda || agenda.querySelectorAll("article.agenda-item").length !== expected) return;
      // The first item's notes: its editor, or the focusable stand-in shown until the editor
      // is created (lazy-rich-text.tsx); both are what a person clicks or tabs into.
      const box = agenda.querySelector(
        "article.agenda-item .agenda-item-notes > div > .ProseMirror, " +
          "article.agenda-item .agenda-item-notes > .rich-text-pending",
      ) as Dom | null;
      if (!box) return;
      const editable = box.editor
        ? box.getAttribute("contenteditable") === "true"
        : box.getAttribute("tabindex") === "0";
      const text = box.editor ? box.editor.state.doc.textContent : (box.textContent ?? "");
      if (!editable || text.length === 0) return;
      found = true;
      watch.disconnect();
      w.__tail = text.slice(-12);
      landed.observe(box.closest("article")!, { subtree: true, childList: true });
      landed.takeRecords();
      if (box.editor) {
        listening = box.editor;
        box.editor.on("update", check);
        // The command sets the caret now but focuses in the next frame: focus now as well.
        box.editor.commands.focus("end");
        box.editor.view.focus();
      } else {
        box.focus(); // the stand-in becomes the editor, caret at the end
      }
      w.__ready = performance.now();
      w.__benchReady();
    });
    watch.observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["data-state", "contenteditable", "tabindex"],
    });
  }, items);
  page = await context.newPage();
  // BENCH_PROFILE: a CPU profile of the page from navigation to the typed character (open the
  // .cpuprofile in Chrome DevTools' Performance panel, or summarise it with bench/lib/profile.ts).
  const cdp = profilePath ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
  }
  await page.goto(url);
  const seen = () =>
    page!.evaluate(() => {
      const w = window as unknown as { __connected?: number; __ready?: number; __landed?: number };
      const [navigation] = performance.getEntriesByType(
        "navigation",
      ) as PerformanceNavigationTiming[];
      const agenda = document.querySelector(".live-agenda");
      return {
        domContentLoaded: navigation?.domContentLoadedEventEnd,
        connected: w.__connected,
        ready: w.__ready,
        landed: w.__landed,
        state: agenda?.getAttribute("data-state") ?? null,
        items: agenda?.querySelectorAll("article.agenda-item").length ?? 0,
        editable: document.querySelectorAll('.ProseMirror[contenteditable="true"]').length,
        active: `${document.activeElement?.tagName}.${document.activeElement?.className}`,
        end: (
          document.querySelector("article.agenda-item .ProseMirror") as
            (Element & { editor?: { state: { doc: { textContent: string } } } }) | null
        )?.editor?.state.doc.textContent.slice(-12),
      };
    });
  try {
    const result = await poll("the typed character is in the agenda's editor", async () => {
      const now = await seen();
      return now.ready !== undefined && now.landed !== undefined
        ? {
            domContentLoadedMs: now.domContentLoaded ?? NaN,
            connectedMs: now.connected ?? now.ready,
            readyMs: now.ready,
            editableMs: now.landed,
          }
        : undefined;
    });
    await pressed;
    // The character must also have reached the server: the meeting page, rendered there from
    // the live document, shows it at the end of the first item's notes.
    const tail = await page.evaluate(() => (window as unknown as { __tail: string }).__tail);
    await poll("the server has the typed character", async () => {
      const html = await page!.evaluate(async () => (await fetch(location.href)).text());
      return html.includes(`${tail}Q`) ? true : undefined;
    });
    if (cdp && profilePath) {
      const { profile } = await cdp.send("Profiler.stop");
      fs.writeFileSync(profilePath, JSON.stringify(profile));
    }
    return result;
  } catch (error) {
    if (error instanceof BenchError) error.message += `; the page: ${JSON.stringify(await seen())}`;
    throw error;
  }
}
