// The browser that the browser tests and `npm run bench:collab` drive through playwright-core
// (docs/decisions/030-headless-shell.md): $CHROMIUM_PATH when set, else Debian's
// chromium-headless-shell, else Debian's chromium. The headless shell is Chromium's own
// headless browser (the same Blink and V8): it opens a page without creating a browser
// window, whose tab strip and omnibox cost the full browser ~2 s of CPU per new context.
import fs from "node:fs";

/** Where Debian installs the two, in the order they are preferred. */
export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

/** How to install the preferred one (said when none is there). */
export const CHROMIUM_INSTALL = "apt-get install -y chromium-headless-shell";

/** Arguments for either: headless, no sandbox (root in CI), no GPU, nothing fetched on its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The executable to launch: $CHROMIUM_PATH when set (as given), else the first candidate that
 * exists, else the first candidate (missing: callers check with fs.existsSync and say what
 * to install).
 * @returns {string}
 */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return (
    CHROMIUM_CANDIDATES.find((candidate) => fs.existsSync(candidate)) ?? CHROMIUM_CANDIDATES[0]
  );
}

/**
 * What to do about a missing browser at `missing`: set CHROMIUM_PATH right, or install one.
 * @param {string} missing
 * @returns {string}
 */
export function chromiumMissing(missing) {
  return process.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${missing} does not exist`
    : `${missing} is missing: ${CHROMIUM_INSTALL}`;
}
