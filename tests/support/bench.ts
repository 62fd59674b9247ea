import { spawn } from "node:child_process";
import { expect } from "vitest";
import { root, tsx } from "./processes";

/*
 * The benches run small in the suite's PostgreSQL run (tests/platform/bench-*.test.ts): each
 * bench creates and drops its own database on the server TEST_DATABASE_URL names.
 */

/** The PostgreSQL server of the suite's run (its maintenance database), or undefined. */
export const benchPgUrl = (() => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  const admin = new URL(url);
  admin.pathname = "/postgres";
  return admin.href;
})();

/**
 * Runs `script` (e.g. "bench/plan.ts") with `knobs` added to the environment (and without the
 * suite's own database settings), expects it to exit 0, and returns its output and the JSON
 * object of its last line.
 */
export async function runBenchSmall(
  script: string,
  knobs: Record<string, string>,
): Promise<{ out: string; last: string; figures: Record<string, unknown> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_PG_URL: benchPgUrl, ...knobs };
  for (const name of ["TEST_DATABASE_URL", "DATABASE_URL", "NODE_ENV", "BROEN_DATA_DIR"]) {
    delete env[name];
  }
  const child = spawn(tsx, [script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code, `${err}\n${out}`).toBe(0);
  const last = out.trim().split("\n").at(-1)!;
  return { out, last, figures: JSON.parse(last) as Record<string, unknown> };
}
