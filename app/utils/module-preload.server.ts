import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/*
 * A module that a page imports on demand (the live agenda, the live plan) is a chunk of its
 * own, and the browser finds out about that chunk, and then about the chunks it imports, only
 * while the page starts: two round trips after the page's own scripts, on the way to an
 * editable agenda (issue 11). A page that will load such a module names its chunks in
 * `<link rel="modulepreload">` (HTML Living Standard §4.6.7.12), so they download while the
 * page is parsed; the module still runs only where it is imported.
 */

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports?: { path: string; kind: string }[] }>;
}

/**
 * The client build's esbuild metafile, which Remix's classic compiler writes next to the
 * server build (build/metafile.js.json): beside this module once bundled into build/index.js,
 * or in build/ above the source tree (tests that import the source). null without a build.
 */
function findMetafile(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [
      path.join(dir, "metafile.js.json"),
      path.join(dir, "build", "metafile.js.json"),
    ]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    dir = path.dirname(dir);
  }
  return null;
}

let metafile: string | null | undefined;
/** The metafile as last read, and each entry's answer; read again when the file changes (dev). */
let cache: { mtimeMs: number; meta: Metafile | null; urls: Map<string, readonly string[]> } | null =
  null;

function readMetafile(file: string): NonNullable<typeof cache> {
  const mtimeMs = fs.statSync(file).mtimeMs;
  if (cache?.mtimeMs === mtimeMs) return cache;
  let meta: Metafile | null = null;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Metafile> | null;
    if (parsed && typeof parsed.outputs === "object" && parsed.outputs) {
      meta = parsed as Metafile;
    }
  } catch {
    meta = null;
  }
  cache = { mtimeMs, meta, urls: new Map() };
  return cache;
}

/**
 * The URLs (`/build/…`) of the chunk built for `entryPoint` (a source path from the project's
 * root, e.g. "app/features/agenda/live-agenda.tsx") and of every chunk it imports statically,
 * the entry's own first. Reads the build's metafile once (again when it changes). Returns []
 * without a build, with an unreadable metafile, or when the entry is not a chunk of its own:
 * a missing hint only costs time. Never throws.
 */
export function chunkUrls(entryPoint: string): readonly string[] {
  try {
    metafile ??= findMetafile();
    if (!metafile) return [];
    const read = readMetafile(metafile);
    const known = read.urls.get(entryPoint);
    if (known) return known;
    const urls = Object.freeze(read.meta ? walk(read.meta, entryPoint) : []);
    read.urls.set(entryPoint, urls);
    return urls;
  } catch {
    return [];
  }
}

/** The entry's output and its static imports, depth first, each once. */
function walk(meta: Metafile, entryPoint: string): string[] {
  const entry = Object.entries(meta.outputs).find(([, output]) => output.entryPoint === entryPoint);
  if (!entry) return [];
  const urls: string[] = [];
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output) || !meta.outputs[output]) return;
    seen.add(output);
    // public/build/_shared/x.js → /build/_shared/x.js (remix.config.js: assetsBuildDirectory
    // "public/build", publicPath "/build/").
    urls.push(`/${path.posix.relative("public", output)}`);
    for (const imported of meta.outputs[output].imports ?? []) {
      if (imported.kind === "import-statement") visit(imported.path);
    }
  };
  visit(entry[0]);
  return urls;
}
