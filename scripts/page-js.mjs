// The JavaScript the browser loads for each main page of the current production build, read
// from the Remix assets manifest (public/build/manifest-*.js): the manifest itself, the client
// entry and its imports, then the module and imports of every route the URL matches (root
// first). Sizes are raw and gzipped bytes. Run `node scripts/page-js.mjs` (after
// `node scripts/ensure-build.mjs`) for a table; tests/platform/page-budget.test.ts uses it too.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const assetsDirectory = path.join(root, "public/build");
const publicPath = "/build/";

/** Main pages: URL pattern → the leaf route id that renders it. */
export const mainPages = {
  "/": "routes/_index",
  "/meetings": "routes/meetings._index",
  "/meetings/$meetingId": "routes/meetings.$meetingId",
  "/networks": "routes/networks._index",
  "/networks/$networkId": "routes/networks.$networkId",
  "/persons/$personId": "routes/persons.$personId",
  "/login": "routes/login",
  "/i/$token": "routes/i.$token",
  "/networks/$networkId/plan": "routes/networks.$networkId_.plan",
  "/i/$token/plan": "routes/i.$token_.plan",
  "/tasks": "routes/tasks",
  "/i/$token/tasks": "routes/i.$token_.tasks",
  "/admin/users": "routes/admin.users._index",
  "/offerings/search": "routes/offerings.search",
};

/**
 * @typedef {{ module: string, imports?: string[], parentId?: string }} ManifestRoute
 * @typedef {{ url: string, entry: { module: string, imports: string[] },
 *   routes: Record<string, ManifestRoute> }} AssetsManifest
 * @typedef {{ url: string, file: string, raw: number, gzip: number }} ScriptFile
 * @typedef {{ files: ScriptFile[], raw: number, gzip: number }} ScriptSet
 */

/** The manifest of the current build (the one named by build/version.txt when there are several). */
export function readManifest(directory = assetsDirectory) {
  const candidates = fs.readdirSync(directory).filter((name) => /^manifest-.*\.js$/.test(name));
  if (candidates.length === 0) throw new Error(`No Remix manifest in ${directory}: build first.`);
  let name = candidates[0];
  if (candidates.length > 1) {
    const versionFile = path.join(root, "build/version.txt");
    const version = fs.existsSync(versionFile)
      ? fs.readFileSync(versionFile, "utf8").trim().toUpperCase()
      : "";
    const mtime = (/** @type {string} */ file) => fs.statSync(path.join(directory, file)).mtimeMs;
    name =
      candidates.find((file) => file === `manifest-${version}.js`) ??
      candidates.sort((a, b) => mtime(b) - mtime(a))[0];
  }
  const text = fs.readFileSync(path.join(directory, name), "utf8");
  const json = text.slice(text.indexOf("=") + 1).replace(/;\s*$/, "");
  /** @type {AssetsManifest} */
  const manifest = { ...JSON.parse(json), url: `${publicPath}${name}` };
  return manifest;
}

/** @param {string} url */
function fileFor(url, directory = assetsDirectory) {
  if (!url.startsWith(publicPath)) throw new Error(`Unexpected asset URL ${url}`);
  return path.join(directory, url.slice(publicPath.length));
}

/** @param {string[]} urls @returns {ScriptSet} */
export function measure(urls, directory = assetsDirectory) {
  const files = [...new Set(urls)].map((url) => {
    const file = fileFor(url, directory);
    const bytes = fs.readFileSync(file);
    return { url, file, raw: bytes.length, gzip: zlib.gzipSync(bytes).length };
  });
  return {
    files,
    raw: files.reduce((sum, f) => sum + f.raw, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
  };
}

/** The manifest, the client entry, root: what every page loads. @param {AssetsManifest} manifest */
export function frameworkUrls(manifest) {
  const rootRoute = manifest.routes.root;
  if (!rootRoute) throw new Error("The manifest has no root route.");
  return [
    manifest.url,
    manifest.entry.module,
    ...manifest.entry.imports,
    rootRoute.module,
    ...(rootRoute.imports ?? []),
  ];
}

/** All script URLs a page whose leaf route is `routeId` loads. @param {AssetsManifest} manifest @param {string} routeId */
export function pageUrls(manifest, routeId) {
  /** @type {string[]} */
  const chain = [];
  for (let id = /** @type {string | undefined} */ (routeId); id;) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`The manifest has no route ${id}.`);
    chain.unshift(route.module, ...(route.imports ?? []));
    id = route.parentId;
  }
  return [...new Set([manifest.url, manifest.entry.module, ...manifest.entry.imports, ...chain])];
}

/**
 * Every main page's scripts and sizes (`own`: those beyond the framework's), and the
 * framework's share (manifest, entry, React/Remix runtime, root) that every page carries.
 */
export function pageScripts(directory = assetsDirectory) {
  const manifest = readManifest(directory);
  const frameworkSet = new Set(frameworkUrls(manifest));
  const framework = measure([...frameworkSet], directory);
  const pages = Object.fromEntries(
    Object.entries(mainPages).map(([page, routeId]) => {
      const urls = pageUrls(manifest, routeId);
      const own = measure(
        urls.filter((url) => !frameworkSet.has(url)),
        directory,
      );
      return [page, { ...measure(urls, directory), own }];
    }),
  );
  return { manifest, framework, pages };
}

const kB = (/** @type {number} */ bytes) => (bytes / 1000).toFixed(1);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { framework, pages } = pageScripts();
  const rows = [["page", "files", "raw kB", "gzip kB", "own raw kB", "own gzip kB"]];
  rows.push([
    "(framework: manifest, entry, root)",
    String(framework.files.length),
    kB(framework.raw),
    kB(framework.gzip),
    "",
    "",
  ]);
  for (const [page, set] of Object.entries(pages)) {
    const { own } = set;
    rows.push([
      page,
      String(set.files.length),
      kB(set.raw),
      kB(set.gzip),
      kB(own.raw),
      kB(own.gzip),
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    const cells = row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
    );
    console.log(cells.join("  "));
  }
  if (process.argv.includes("--files")) {
    for (const [page, set] of Object.entries(pages)) {
      console.log(`\n${page}`);
      for (const f of set.files) console.log(`  ${f.url}  ${kB(f.raw)} / ${kB(f.gzip)} kB`);
    }
  }
}
