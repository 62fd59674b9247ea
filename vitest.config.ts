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
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: "test", LOG_LEVEL: "silent" },
  },
});
