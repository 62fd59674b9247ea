import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root, tsx } from "../support/processes";

/*
 * `npm run bench:plan` run small (bench/plan.ts): it sets up its data, measures and prints one
 * JSON object as its last line with the four figures. Times are never asserted, only
 * that they are finite numbers. The bench needs a PostgreSQL server (it reads the projection
 * from SQL while the server runs, which the one-process embedded database cannot), so this
 * runs in the suite's PostgreSQL run, against the server TEST_DATABASE_URL names (the bench
 * creates and drops its own database there).
 */
const testDatabase = process.env.TEST_DATABASE_URL;

function adminUrl(url: string): string {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  return admin.href;
}

describe.skipIf(!testDatabase)("bench:plan, run small", () => {
  it("prints the four figures as finite numbers on its last line", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      BENCH_PG_URL: adminUrl(testDatabase!),
      BENCH_NETWORKS: "6",
      BENCH_USER_NETWORKS: "3",
      BENCH_PROJECTION_SAMPLES: "3",
      BENCH_LOAD_SECONDS: "1",
      BENCH_LOAD_WARMUP_SECONDS: "1",
      BENCH_LOAD_ROUNDS: "1",
    };
    for (const name of ["TEST_DATABASE_URL", "DATABASE_URL", "NODE_ENV", "BROEN_DATA_DIR"]) {
      delete env[name];
    }
    const child = spawn(tsx, ["bench/plan.ts"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk) => (out += chunk));
    child.stderr!.on("data", (chunk) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, `${err}\n${out}`).toBe(0);
    const last = out.trim().split("\n").at(-1)!;
    const figures = JSON.parse(last) as Record<string, unknown>;
    for (const key of [
      "projection_p50_ms",
      "projection_p95_ms",
      "tasks_p95_ms",
      "tasks_cpu_ratio",
    ]) {
      expect(Number.isFinite(figures[key]), `${key} in ${last}`).toBe(true);
    }
    expect(figures).toMatchObject({ networks: 6, user_networks: 3, projection_samples: 3 });
    // The partner's bench actions (work and economy in each of their networks) are on the page.
    expect(figures.tasks_on_page).toBeGreaterThanOrEqual(6);
    expect(out).toMatch(/load average \d/);
  }, 180_000);
});
