/*
 * CPU time and resident memory of another process, read from Linux's /proc (the benchmark
 * measures the server's own process, never its own).
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { sleep } from "./processes";

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every Linux we run on). */
const CLOCK_TICKS = 100;

/** user + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident set size in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}`);
  return kib / 1024;
}

/** Samples RSS on a timer to catch the peak of a phase. */
export class RssSampler {
  peak = 0;
  private timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): number {
    try {
      const rss = rssMiB(this.pid);
      this.peak = Math.max(this.peak, rss);
      return rss;
    } catch {
      return this.peak; // the process is gone: the phase reports what it saw
    }
  }

  stop(): { peak: number; end: number } {
    clearInterval(this.timer);
    const end = this.sample();
    return { peak: this.peak, end };
  }
}

/** CPU seconds and RSS of a process over one phase. */
export function watchProcess(pid: number) {
  const cpuStart = cpuSeconds(pid);
  const startedAt = performance.now();
  const rss = new RssSampler(pid);
  return {
    stop() {
      const cpu = cpuSeconds(pid) - cpuStart;
      const seconds = (performance.now() - startedAt) / 1000;
      const { peak, end } = rss.stop();
      return { cpuSeconds: cpu, wallSeconds: seconds, rssPeakMiB: peak, rssEndMiB: end };
    },
  };
}

/**
 * Polls RSS until it holds still: the spread of the last `windowMs` of samples within
 * `tolerance` of their mean (or `timeoutMs` passes). Nothing is triggered in the process.
 */
export async function settledRss(
  pid: number,
  options: { windowMs?: number; intervalMs?: number; tolerance?: number; timeoutMs?: number } = {},
): Promise<{ rssMiB: number; settled: boolean; waitedMs: number }> {
  const windowMs = options.windowMs ?? 3_000;
  const intervalMs = options.intervalMs ?? 250;
  const tolerance = options.tolerance ?? 0.01;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const startedAt = performance.now();
  const samples: { at: number; rss: number }[] = [];
  for (;;) {
    const now = performance.now();
    samples.push({ at: now, rss: rssMiB(pid) });
    while (samples.length > 0 && samples[0]!.at < now - windowMs) samples.shift();
    const covered = samples.length > 1 && now - samples[0]!.at >= windowMs - intervalMs;
    const values = samples.map((s) => s.rss);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const spread = Math.max(...values) - Math.min(...values);
    const last = values.at(-1)!;
    if (covered && spread <= mean * tolerance) {
      return { rssMiB: last, settled: true, waitedMs: now - startedAt };
    }
    if (now - startedAt > timeoutMs) {
      return { rssMiB: last, settled: false, waitedMs: now - startedAt };
    }
    await sleep(intervalMs);
  }
}

/**
 * Settles as above, then keeps sampling until `observeMs` have passed since the start: an idle
 * V8 process keeps its grown heap for a while and gives it back when its memory reducer runs
 * (seen here 20–40 s after the activity stopped, or later). Returns both readings.
 */
export async function observedRss(
  pid: number,
  observeMs: number,
): Promise<{ settled: number; isSettled: boolean; final: number; min: number; settleMs: number }> {
  const startedAt = performance.now();
  const first = await settledRss(pid, { timeoutMs: Math.max(observeMs, 3_000) });
  let final = first.rssMiB;
  let min = first.rssMiB;
  while (performance.now() - startedAt < observeMs) {
    await sleep(250);
    final = rssMiB(pid);
    min = Math.min(min, final);
  }
  return { settled: first.rssMiB, isSettled: first.settled, final, min, settleMs: first.waitedMs };
}
