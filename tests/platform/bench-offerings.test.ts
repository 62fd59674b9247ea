import { describe, expect, it } from "vitest";
import { benchPgUrl, runBenchSmall } from "../support/bench";

/*
 * `npm run bench:offerings` run small (bench/offerings.ts): it seeds, imports a CSV file
 * through /offerings/import, searches on PostgreSQL and on the embedded database, and prints
 * one JSON object as its last line with the four figures. Times are never asserted,
 * only that they are finite numbers. It needs a PostgreSQL server, so this runs in the suite's
 * PostgreSQL run, against the server TEST_DATABASE_URL names (the bench creates and drops its
 * own database there).
 */
describe.skipIf(!benchPgUrl)("bench:offerings, run small", () => {
  it("prints the four figures as finite numbers on its last line", async () => {
    const { out, last, figures } = await runBenchSmall("bench/offerings.ts", {
      BENCH_OFFERINGS: "40",
      BENCH_SEARCH_ROUNDS: "1",
      BENCH_LOAD_SECONDS: "1",
      BENCH_LOAD_WARMUP_SECONDS: "1",
      BENCH_LOAD_ROUNDS: "1",
    });
    for (const key of [
      "search_p95_ms",
      "search_p95_pglite_ms",
      "search_cpu_ratio",
      "import_5000_ms",
    ]) {
      expect(Number.isFinite(figures[key]), `${key} in ${last}`).toBe(true);
    }
    expect(figures).toMatchObject({ offerings_imported: 40, searches: 10, search_non2xx: 0 });
    // Every typical search finds something in the generated catalogue.
    expect(
      (figures.hits_per_search as number[]).every((n) => n > 0),
      last,
    ).toBe(true);
    expect(out).toMatch(/load average \d/);
  }, 300_000);
});
