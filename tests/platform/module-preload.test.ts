import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chunkUrls } from "../../app/utils/module-preload.server";

/* The chunks a page names for the browser to preload (`npm test` builds first). */
const root = path.resolve(import.meta.dirname, "../..");

describe("chunkUrls", () => {
  it.each(["app/features/agenda/live-agenda.tsx", "app/features/plan/live-plan.tsx"])(
    "names %s's own chunk first, then each chunk it imports, once, all in the build",
    (entry) => {
      const urls = chunkUrls(entry);
      const name = path.basename(entry, ".tsx");
      expect(urls[0]).toMatch(new RegExp(`^/build/_shared/${name}-[\\w-]+\\.js$`));
      expect(urls.length).toBeGreaterThan(1); // React, Yjs and the rest are chunks of their own
      expect(new Set(urls).size).toBe(urls.length);
      for (const url of urls) {
        expect(url).toMatch(/^\/build\/[\w/.-]+\.js$/);
        expect(fs.existsSync(path.join(root, "public", url)), url).toBe(true);
        // Static imports only: each named chunk imports nothing that is not named as well.
        const source = fs.readFileSync(path.join(root, "public", url), "utf8");
        for (const [, imported] of source.matchAll(/(?:from|import)\s*"(\/build\/[^"]+)"/g)) {
          expect(urls, `${url} imports ${imported}`).toContain(imported);
        }
      }
    },
  );

  it("answers [] for a module that is not a chunk of its own", () => {
    expect(chunkUrls("app/features/agenda/no-such-module.tsx")).toEqual([]);
    expect(chunkUrls("app/root.tsx")).toEqual([]);
  });
});
