import { describe, expect, it } from "vitest";
import { benchPgUrl, runBenchSmall } from "../support/bench";

/*
 * `npm run bench:plan` run small (bench/plan.ts): it sets up its data, measures and prints one
 * JSON object as its last line with the four figures. Times are never asserted, only
 * that they are finite numbers. The bench needs a PostgreSQL server (it reads the projection
 * from SQL while the server runs, which the one-process embedded database cannot), so this
 * runs in the suite's PostgreSQL run, against the server TEST_DATABASE_URL names (the bench
 * creates and drops its own database there).
 */
describe.skipIf(!benchPgUrl)("bench:plan, run small", () => {
  it("prints the four figures as finite numbers on its last line", async () => {
    const { out, last, figures } = await runBenchSmall("bench/plan.ts", {
      BENCH_NETWORKS: "6",
      BENCH_USER_NETWORKS: "3",
      BENCH_PROJECTION_SAMPLES: "3",
      BENCH_LOAD_SECONDS: "1",
      BENCH_LOAD_WARMUP_SECONDS: "1",
      BENCH_LOAD_ROUNDS: "1",
    });
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
