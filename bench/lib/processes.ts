/*
 * Child processes for benchmarks: one-shot scripts (seed) and the production server, each in its
 * own process group so a failure or Ctrl-C never leaves tsx or its node child behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { performance } from "node:perf_hooks";

/** A failure that deserves one clear message, not a stack trace. */
export class BenchError extends Error {}

const POLL_INTERVAL_MS = 50;
/** One /healthz request may take at most this long before it counts as "not yet". */
const REQUEST_TIMEOUT_MS = 2_000;
/** The server's own shutdown grace is 10 s; allow a little more before giving up. */
const STOP_TIMEOUT_MS = 15_000;
const READY_LINE = /Broen: http:\/\/\S+/;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for the promise or ms, whichever comes first; the timer never outlives it. */
async function waitAtMost(ms: number, promise: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the OS for a free port by listening on port 0, then releases it. */
export function freePort(): Promise<number> {
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

export function tail(text: string, lines = 20): string {
  const kept = text.trimEnd().split("\n").slice(-lines).join("\n");
  return kept ? kept.replace(/^/gm, "    ") : "    (nothing)";
}

/** Children still running. */
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    // The child leads its own process group (detached): this reaches tsx and the node it runs.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Kills every child this module started that is still running (synchronous: safe on exit). */
export function killChildren(): void {
  for (const child of live) killGroup(child);
  live.clear();
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

interface Tracked {
  child: ChildProcess;
  output: () => string;
  errors: () => string;
  exited: () => Exit | undefined;
  exitSeen: Promise<void>;
  describe: () => string;
}

function track(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Tracked {
  let output = "";
  let errors = "";
  let exited: Exit | undefined;
  let spawnError: Error | undefined;
  let onExit: () => void = () => {};
  const exitSeen = new Promise<void>((resolve) => (onExit = resolve));
  const child = spawn(command, args, {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);
  child.once("error", (error) => {
    spawnError = error;
    exited ??= { code: null, signal: null, at: performance.now() };
    live.delete(child);
    onExit();
  });
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (output += chunk));
  child.stderr!.on("data", (chunk: string) => (errors += chunk));
  child.once("exit", (code, signal) => {
    exited = { code, signal, at: performance.now() };
    live.delete(child);
    onExit();
  });
  return {
    child,
    output: () => output,
    errors: () => errors,
    exited: () => exited,
    exitSeen,
    describe: () =>
      `  stdout:\n${tail(output)}\n  stderr:\n${tail(errors)}` +
      (spawnError ? `\n  spawn error: ${spawnError.message}` : ""),
  };
}

/** Runs a command to its end; throws a BenchError with its output when it fails. */
export async function runScript(
  what: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ ms: number; output: string }> {
  const startedAt = performance.now();
  const run = track(command, args, options.cwd, options.env);
  await waitAtMost(options.timeoutMs, run.exitSeen);
  const exited = run.exited();
  if (!exited) {
    killGroup(run.child);
    throw new BenchError(
      `${what} did not finish within ${options.timeoutMs / 1000} s.\n${run.describe()}`,
    );
  }
  if (exited.code !== 0) {
    throw new BenchError(
      `${what} failed (exit code ${exited.code ?? "none"}, signal ${exited.signal ?? "none"}).\n` +
        run.describe(),
    );
  }
  return { ms: exited.at - startedAt, output: run.output() };
}

/**
 * Signals the node process that runs server.ts rather than the tsx wrapper: tsx relays a signal
 * and, when its child does not confirm within 30 ms (easily missed on a loaded machine), kills
 * it with SIGKILL and exits 143 — no graceful shutdown. On Linux the child is found in /proc.
 */
function signalServer(wrapper: ChildProcess, signal: NodeJS.Signals) {
  const pid = wrapper.pid;
  let target = pid;
  try {
    const children = fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (children.length === 1) target = Number(children[0]);
  } catch {
    // not Linux, or already gone: signal the wrapper
  }
  try {
    if (target !== undefined) process.kill(target, signal);
  } catch {
    wrapper.kill(signal);
  }
}

export interface ServerProcess {
  /** The spawned process (with `direct`, the process that serves: read its /proc entry). */
  pid: number;
  /** Time from spawn to the first /healthz 200. */
  healthyMs: number;
  /** SIGTERM to the server, then waits for the exit (SIGKILL after 15 s). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  describe(): string;
}

/** Spawns the server, waits for /healthz 200 and its "Broen: http://…" line. */
export async function startServer(options: {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  origin: string;
  timeoutMs: number;
  /** The line that says the server is ready (default: Broen's "Broen: http://…"). */
  readyLine?: RegExp;
  /**
   * The command is the serving process itself (`node --import tsx server.ts`, a plain node
   * script), not a tsx wrapper: signal it directly, never a child it may have spawned.
   */
  direct?: boolean;
}): Promise<ServerProcess> {
  const startedAt = performance.now();
  const deadline = startedAt + options.timeoutMs;
  const run = track(options.command, options.args, options.cwd, options.env);
  const healthz = `${options.origin}/healthz`;

  let healthyMs: number | null = null;
  let lastStatus: number | null = null;
  while (healthyMs === null) {
    const exited = run.exited();
    if (exited) {
      throw new BenchError(
        `the server exited before /healthz answered 200 (exit code ${exited.code ?? "none"}, ` +
          `signal ${exited.signal ?? "none"}).\n${run.describe()}`,
      );
    }
    if (performance.now() > deadline) {
      killGroup(run.child);
      throw new BenchError(
        `/healthz did not answer 200 within ${options.timeoutMs / 1000} s ` +
          `(last status: ${lastStatus ?? "no answer"}).\n${run.describe()}`,
      );
    }
    try {
      const response = await fetch(healthz, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await response.arrayBuffer();
      lastStatus = response.status;
    } catch {
      lastStatus = null; // not listening yet
    }
    if (lastStatus === 200) healthyMs = performance.now() - startedAt;
    else await sleep(POLL_INTERVAL_MS);
  }
  // The SIGTERM handler is installed right after the ready line: wait for it, so stop() is a
  // graceful shutdown and not a kill mid-boot.
  const readyLine = options.readyLine ?? READY_LINE;
  while (!readyLine.test(run.output()) && !run.exited() && performance.now() < deadline) {
    await sleep(POLL_INTERVAL_MS);
  }
  if (run.exited()) {
    throw new BenchError(`the server exited right after becoming healthy.\n${run.describe()}`);
  }

  return {
    pid: run.child.pid!,
    healthyMs,
    describe: run.describe,
    async stop() {
      const stopAt = performance.now();
      if (options.direct) run.child.kill("SIGTERM");
      else signalServer(run.child, "SIGTERM");
      await waitAtMost(STOP_TIMEOUT_MS, run.exitSeen);
      const exited = run.exited();
      if (!exited) {
        killGroup(run.child);
        await waitAtMost(2_000, run.exitSeen);
        return { code: null, signal: "SIGKILL", ms: performance.now() - stopAt };
      }
      return { code: exited.code, signal: exited.signal, ms: exited.at - stopAt };
    },
  };
}

/**
 * Whatever ends a benchmark process, no server or database stays behind: on exit the children
 * are killed and the database dropped synchronously; on SIGINT/SIGTERM the children are killed,
 * `forgetServers` stops graceful stops from waiting on them, and `cleanUp` runs before exit 130.
 */
export function cleanUpOnExit(
  name: string,
  hooks: {
    database: () => { dropSync(): void } | undefined;
    forgetServers: () => void;
    cleanUp: () => Promise<void>;
  },
): void {
  process.once("exit", () => {
    killChildren();
    hooks.database()?.dropSync();
  });
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killChildren();
      hooks.forgetServers();
      process.stderr.write(`${name} interrupted (${signal}); cleaning up\n`);
      void hooks.cleanUp().finally(() => process.exit(130));
    });
  }
}

/**
 * Writes why bench `name` failed to stderr: the message, and the stack too when the error is
 * not a BenchError (which already says what went wrong in words).
 */
export function reportBenchFailure(name: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${name} failed: ${message}\n`);
  if (!(error instanceof BenchError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
}

/**
 * Runs a bench's `main`, then `cleanUp` (also after a failure, which is reported and sets
 * exit code 1). Signals and exit are cleanUpOnExit's.
 */
export async function runBench(
  name: string,
  main: () => Promise<void>,
  cleanUp: () => Promise<void>,
): Promise<void> {
  try {
    await main();
  } catch (error) {
    await cleanUp();
    reportBenchFailure(name, error);
    process.exitCode = 1;
  }
  await cleanUp();
}

/** A bench knob from the environment: `value` as a whole number above 0, else `fallback`. */
export function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
