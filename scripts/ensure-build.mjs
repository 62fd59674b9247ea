// Builds the Remix app for production when the build is missing, older than any source it is
// made from, or was made by `remix dev` (a development build must never serve production).
// Used by `npm start`, `npm test` and the benchmarks, so a fresh clone needs no separate step.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const buildFile = path.join(root, "build/index.js");
// Written after each production build: the build file's mtime at that moment.
const marker = path.join(root, "build/.production-build");
const sources = ["app", "db", "remix.config.js", "package-lock.json"];

function newestMtime(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

const built = fs.statSync(buildFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const markedProduction = fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === String(built);
const newestSource = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (!markedProduction || built < newestSource || !fs.existsSync(path.join(root, "public/build"))) {
  const result = spawnSync("npx", ["remix", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    console.error("Broen could not be built (see the messages above).");
    process.exit(result.status ?? 1);
  }
  fs.writeFileSync(marker, String(fs.statSync(buildFile).mtimeMs));
}
