import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts", "app/**/*.test.ts", "db/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // One worker process keeps PGlite's compiled WebAssembly and the Remix build between
    // files; every file still gets its own database (tests/support/database.ts).
    pool: "forks",
    isolate: false,
    fileParallelism: true,
    maxWorkers: 2,
    // Browser tests take 15–35 s when the two CPUs are busy with both workers and their
    // browsers; a limit near that failed a passing test in CI.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for a condition (never a fixed sleep); its default of 1 s failed in CI
    // while the machine was busy (a member's card updated after the poll gave up).
    expect: { poll: { timeout: 20_000 } },
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
