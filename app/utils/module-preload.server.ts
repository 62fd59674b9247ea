import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/*
 * A module that a page imports on demand (the live agenda, the live plan) is a chunk of its
 * own, and the browser finds out about that chunk, and then about the chunks it imports, only
 * while the page starts: two round trips after the page's own scripts, on the way to an
 * editable agenda (issue 11). A page that will load such a module names its chunks in
 * `<link rel="modulepreload">` (HTML Living Standard §4.6.7.12), so they download with the
 * page's scripts; the module still runs only where it is imported.
 */

interface Metafile {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string }[] }>;
}

/** The client build's esbuild metafile next to the server build (Remix's classic compiler). */
function metafilePath(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [
      path.join(dir, "metafile.js.json"),
      path.join(dir, "build/metafile.js.json"),
    ]) {
      if (fs.existsSync(candidate)) return candidate;
    }
    dir = path.dirname(dir);
  }
  return null;
}

let cache: { file: string; mtimeMs: number; urls: Map<string, string[]> } | null = null;

/**
 * The URLs (`/build/…`) of the chunk built for `entryPoint` (a source path from the project's
 * root, e.g. "app/features/agenda/live-agenda.tsx") and of every chunk it imports statically,
 * the entry's own first. Reads the build's metafile once (again when it changes). Returns []
 * without a build or when the entry is not a chunk of its own: a missing hint only costs time.
 */
export function chunkUrls(entryPoint: string): string[] {
  const file = metafilePath();
  if (!file) return [];
  let mtimeMs: number;
  let meta: Metafile;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
    if (cache?.file === file && cache.mtimeMs === mtimeMs) {
      const known = cache.urls.get(entryPoint);
      if (known) return known;
    } else {
      cache = { file, mtimeMs, urls: new Map() };
    }
    meta = JSON.parse(fs.readFileSync(file, "utf8")) as Metafile;
  } catch {
    return [];
  }
  const entry = Object.entries(meta.outputs).find(([, output]) => output.entryPoint === entryPoint);
  const urls: string[] = [];
  if (entry) {
    const seen = new Set<string>();
    const visit = (output: string) => {
      if (seen.has(output) || !meta.outputs[output]) return;
      seen.add(output);
      // public/build/_shared/x.js → /build/_shared/x.js (remix.config.js: publicPath "/build/").
      urls.push(`/${path.posix.relative("public", output)}`);
      for (const imported of meta.outputs[output].imports) {
        if (imported.kind === "import-statement") visit(imported.path);
      }
    };
    visit(entry[0]);
  }
  cache.urls.set(entryPoint, urls);
  return urls;
}
