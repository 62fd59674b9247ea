/*
 * Start-up benchmark: `npm run bench:startup`.
 *
 * Measures, for the production server (NODE_ENV=production, embedded database), the time from
 * spawning `tsx server.ts` to the first HTTP 200 on GET /healthz:
 *   - first_start_ms: a fresh, empty BROEN_DATA_DIR (migrations + demo seed run on start);
 *   - warm_start_ms:  the same data dir again (already migrated and seeded).
 * Also reported: process_ready_ms, the time until the server prints its "Broen: http://..." line
 * (printed after the listener is up and the demo logins are looked up), and stop_ms, the time from
 * SIGTERM to process exit. All times include tsx compiling the TypeScript sources on the fly.
 *
 * Rounds alternate: first start on a new temporary dir, then a warm start on that dir, then the
 * dir is removed. BENCH_ROUNDS (default 3) sets the number of rounds. Timings are only reported,
 * never asserted. The last line printed to stdout is one JSON object with the results.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BenchError, reportBenchFailure, positiveInt } from "./lib/processes";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const ROUNDS = positiveInt(process.env.BENCH_ROUNDS, 3);
const POLL_INTERVAL_MS = 20;
const START_TIMEOUT_MS = 60_000;
/** One /healthz request may take at most this long before it counts as "not yet". */
const REQUEST_TIMEOUT_MS = 2_000;
/** The server's own shutdown grace is 10 s; allow a little more before giving up. */
const STOP_TIMEOUT_MS = 15_000;
const READY_LINE = /Broen: http:\/\/\S+/;

type Kind = "first" | "warm";

interface StartResult {
  kind: Kind;
  healthyMs: number;
  readyMs: number | null;
  stopMs: number;
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for any of the promises or ms, whichever comes first; the timer never outlives it. */
async function waitAtMost(ms: number, ...promises: Promise<void>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([...promises, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the OS for a free port by listening on port 0, then releases it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

function serverEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    BROEN_DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  return env;
}

/** Children still running, so a failure or Ctrl-C never leaves a server behind. */
const live = new Set<ChildProcess>();
/** Temporary data dirs not yet removed. */
const tempDirs = new Set<string>();

function killGroup(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    // The child leads its own process group (detached): this reaches tsx and the node it runs.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

function cleanUp() {
  for (const child of live) killGroup(child);
  live.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function tail(text: string, lines = 20): string {
  const kept = text.trimEnd().split("\n").slice(-lines).join("\n");
  return kept ? kept.replace(/^/gm, "    ") : "    (nothing)";
}

async function healthzStatus(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null; // connection refused, reset or timed out: not up yet
  }
}

/** Starts the server on dataDir, waits for /healthz 200 and the ready line, then stops it. */
async function measureStart(kind: Kind, dataDir: string): Promise<StartResult> {
  const port = await freePort();
  const healthz = `http://127.0.0.1:${port}/healthz`;

  let output = "";
  let errors = "";
  let readyMs: number | null = null;
  let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  let onReady: () => void = () => {};
  let onExit: () => void = () => {};
  const readySeen = new Promise<void>((resolve) => (onReady = resolve));
  const exitSeen = new Promise<void>((resolve) => (onExit = resolve));

  const startedAt = performance.now();
  const child = spawn(TSX, ["server.ts"], {
    cwd: root,
    env: serverEnv(port, dataDir),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);

  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
    exited ??= { code: null, signal: null, at: performance.now() };
    onExit();
  });
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    output += chunk;
    if (readyMs === null && READY_LINE.test(output)) {
      readyMs = performance.now() - startedAt;
      onReady();
    }
  });
  child.stderr.on("data", (chunk: string) => {
    errors += chunk;
  });
  child.once("exit", (code, signal) => {
    exited = { code, signal, at: performance.now() };
    live.delete(child);
    onExit();
  });

  const describe = () =>
    `  stdout:\n${tail(output)}\n  stderr:\n${tail(errors)}` +
    (spawnError ? `\n  spawn error: ${spawnError.message}` : "");

  // 1. Poll /healthz until 200, the process dies, or the deadline passes.
  let healthyMs: number | null = null;
  let lastStatus: number | null = null;
  const deadline = startedAt + START_TIMEOUT_MS;
  while (healthyMs === null) {
    if (exited) {
      throw new BenchError(
        `the server exited before /healthz answered 200 (${kind} start, exit code ` +
          `${exited.code ?? "none"}, signal ${exited.signal ?? "none"}).\n${describe()}`,
      );
    }
    if (performance.now() > deadline) {
      killGroup(child);
      throw new BenchError(
        `/healthz did not answer 200 within ${START_TIMEOUT_MS / 1000} s (${kind} start, ` +
          `last status: ${lastStatus ?? "no answer"}).\n${describe()}`,
      );
    }
    lastStatus = await healthzStatus(healthz);
    if (lastStatus === 200) healthyMs = performance.now() - startedAt;
    else await sleep(POLL_INTERVAL_MS);
  }

  // 2. Wait for the ready line: the SIGTERM handler is installed right after it is printed, so
  //    signalling earlier could kill the server mid-boot instead of shutting it down gracefully.
  const readyLeft = Math.max(0, deadline - performance.now());
  await waitAtMost(readyLeft, readySeen, exitSeen);
  if (exited) {
    throw new BenchError(
      `the server exited right after becoming healthy (${kind} start, exit code ` +
        `${exited.code ?? "none"}).\n${describe()}`,
    );
  }
  if (readyMs === null) {
    process.stderr.write(
      `warning: no "Broen: http://..." line within ${START_TIMEOUT_MS / 1000} s; stopping anyway\n`,
    );
  }

  // 3. Stop gracefully and wait for the exit, so the next run gets the data dir to itself.
  const stopAt = performance.now();
  child.kill("SIGTERM");
  await waitAtMost(STOP_TIMEOUT_MS, exitSeen);
  if (!exited) {
    killGroup(child);
    throw new BenchError(
      `the server did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (${kind} start).\n` +
        describe(),
    );
  }
  const finished = exited as { code: number | null; signal: NodeJS.Signals | null; at: number };
  if (finished.code !== 0) {
    process.stderr.write(
      `warning: server exited with code ${finished.code ?? "none"}` +
        ` (signal ${finished.signal ?? "none"}) after SIGTERM (${kind} start)\n${describe()}\n`,
    );
  }
  return {
    kind,
    healthyMs,
    readyMs,
    stopMs: finished.at - stopAt,
    exitCode: finished.code,
    exitSignal: finished.signal,
  };
}

interface Summary {
  median: number;
  min: number;
  max: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function summarize(values: number[]): Summary | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round1(median), min: round1(sorted[0]!), max: round1(sorted.at(-1)!) };
}

const fmt = (s: Summary | null) =>
  s ? `median ${s.median} ms  (min ${s.min}, max ${s.max})` : "n/a";

async function main() {
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError(
      "build/index.js is missing; run `npm run build` (or npm run bench:startup)",
    );
  }

  console.log(
    `Broen start-up benchmark: ${ROUNDS} round(s), NODE_ENV=production, embedded database, ` +
      `node ${process.version}, ${os.cpus().length} CPU(s)`,
  );
  const results: StartResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-bench-startup-"));
    tempDirs.add(dataDir);
    try {
      for (const kind of ["first", "warm"] as const) {
        const result = await measureStart(kind, dataDir);
        results.push(result);
        console.log(
          `round ${round} ${kind.padEnd(5)} start: /healthz 200 after ${round1(result.healthyMs)} ms, ` +
            `ready line after ${result.readyMs === null ? "n/a" : `${round1(result.readyMs)} ms`}, ` +
            `stopped in ${round1(result.stopMs)} ms`,
        );
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      tempDirs.delete(dataDir);
    }
  }

  const of = (kind: Kind) => results.filter((r) => r.kind === kind);
  const first = summarize(of("first").map((r) => r.healthyMs));
  const warm = summarize(of("warm").map((r) => r.healthyMs));
  const readyFirst = summarize(of("first").flatMap((r) => (r.readyMs === null ? [] : [r.readyMs])));
  const readyWarm = summarize(of("warm").flatMap((r) => (r.readyMs === null ? [] : [r.readyMs])));
  const stop = summarize(results.map((r) => r.stopMs));
  const uncleanExits = results.filter((r) => r.exitCode !== 0).length;

  console.log("");
  console.log(`first start (empty data dir) to /healthz 200: ${fmt(first)}`);
  console.log(`warm start (migrated, seeded) to /healthz 200: ${fmt(warm)}`);
  console.log(`first start to "Broen: http://..." line:       ${fmt(readyFirst)}`);
  console.log(`warm start to "Broen: http://..." line:        ${fmt(readyWarm)}`);
  console.log(`SIGTERM to exit:                               ${fmt(stop)}`);
  if (uncleanExits > 0) console.log(`servers that exited non-zero after SIGTERM: ${uncleanExits}`);
  console.log("(all times include tsx compiling the TypeScript sources)");

  console.log(
    JSON.stringify({
      first_start_ms: first?.median ?? null,
      warm_start_ms: warm?.median ?? null,
      first_start_min_ms: first?.min ?? null,
      first_start_max_ms: first?.max ?? null,
      warm_start_min_ms: warm?.min ?? null,
      warm_start_max_ms: warm?.max ?? null,
      process_ready_first_ms: readyFirst?.median ?? null,
      process_ready_warm_ms: readyWarm?.median ?? null,
      process_ready_ms: readyWarm?.median ?? null,
      stop_ms: stop?.median ?? null,
      runs: ROUNDS,
      unclean_exits: uncleanExits,
      first_start_samples_ms: of("first").map((r) => round1(r.healthyMs)),
      warm_start_samples_ms: of("warm").map((r) => round1(r.healthyMs)),
    }),
  );
}

// Whatever ends this process (including an uncaught error), no server or temp dir stays behind.
process.once("exit", cleanUp);
// A reader that goes away early (`| head`) must not crash the run before it cleans up.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    cleanUp();
    process.stderr.write(`bench:startup interrupted (${signal})\n`);
    process.exit(130);
  });
}

try {
  await main();
  cleanUp();
} catch (error) {
  cleanUp();
  reportBenchFailure("bench:startup", error);
  process.exitCode = 1;
}
