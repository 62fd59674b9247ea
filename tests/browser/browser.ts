import fs from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumMissing, chromiumPath } from "../../scripts/chromium.mjs";
import type { TestServer } from "../support/server";

/*
 * Browser-test helpers: Debian's chromium (its headless shell where installed, ADR 030)
 * driven by playwright-core (never a downloaded browser), the fixture login, a console/CSP
 * watcher and an axe-core WCAG scan.
 */

export const CHROMIUM_PATH = chromiumPath();
export const hasChromium = fs.existsSync(CHROMIUM_PATH);

/** Call at the top of a browser test file, next to `describe.skipIf(!hasChromium)`. */
export function announceSkipWithoutChromium(file: string) {
  if (!hasChromium)
    console.warn(
      `[browser tests] ${file} skipped: ${chromiumMissing(CHROMIUM_PATH)} ` +
        "(never `npx playwright install`).",
    );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught page errors and CSP violations seen on any page of the context. */
  problems: string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Log in through the session fixture (not the UI) as this user. */
  as?: string;
  viewport?: { width: number; height: number };
  /** false: a browser without JavaScript (the page as the server renders it, forms posted). */
  javaScript?: boolean;
}

/** A new context (own cookies) with one page, watched for console errors and CSP violations. */
export async function openSession(
  browser: Browser,
  server: TestServer,
  options: SessionOptions = {},
): Promise<BrowserSession> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: "nb-NO",
    javaScriptEnabled: options.javaScript ?? true,
  });
  const problems: string[] = [];
  // The event carries details the console line may lack (e.g. a blocked inline style).
  await context.exposeBinding("__reportCspViolation", (_source, text: string) => {
    problems.push(`CSP violation: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportCspViolation(text: string): void })
        .__reportCspViolation;
      const source = event.sourceFile ? ` (from ${event.sourceFile}:${event.lineNumber})` : "";
      void report(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}${source}`,
      );
    });
  });
  const watch = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error" || /^Refused to /.test(message.text()))
        problems.push(`console ${message.type()} on ${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  };
  context.on("page", watch);
  if (options.as) await logInWithFixture(context, server, options.as);
  const page = await context.newPage();
  return { context, page, problems, close: () => context.close() };
}

/** The fixture login: a fresh session cookie from the test server, no trip through /login. */
export async function logInWithFixture(context: BrowserContext, server: TestServer, email: string) {
  const cookie = await server.cookieFor(email);
  const split = cookie.indexOf("=");
  await context.addCookies([
    { name: cookie.slice(0, split), value: cookie.slice(split + 1), url: server.url },
  ]);
}

/**
 * Waits until React has hydrated the document (the footer, rendered last, carries React's
 * props), so errors raised during hydration reach the console watcher before the test ends.
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const last = document.querySelector("footer p");
    return !!last && Object.keys(last).some((key) => key.startsWith("__reactProps$"));
  });
}

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// axe-core itself, run in the page: @axe-core/playwright took ~1.5 s a scan (it opens a blank
// page for every report); injecting the source once per document and calling axe.run takes ~0.3 s.
const AXE_SOURCE = fs.readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

/** Runs axe-core with the WCAG 2.1 A/AA rules and returns the violations as readable text. */
export async function axeViolations(page: Page): Promise<string[]> {
  // A dialog or alert still fading in has blended colours: check what people see once it rests.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        // Never wait for an animation without end (a spinner): only for those that finish.
        .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished.catch(() => null)),
    ),
  );
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(...args: unknown[]): Promise<AxeResults> } }).axe.run(
        document,
        { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] },
      ),
    WCAG_TAGS,
  );
  return results.violations.map((violation) => {
    const nodes = violation.nodes
      .map(
        (node) =>
          `    at ${node.target.join(" ")}\n      ${(node.failureSummary ?? "").replace(/\n/g, "\n      ")}`,
      )
      .join("\n");
    return `${violation.id} (${violation.impact ?? "?"}): ${violation.help}\n    ${violation.helpUrl}\n${nodes}`;
  });
}

/** The page's horizontal overflow in CSS pixels (0 when nothing scrolls sideways). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}
