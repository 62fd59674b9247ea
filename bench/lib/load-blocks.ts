/*
 * Load in blocks for the page benchmarks (bench:calendar, bench:plan): autocannon against one
 * URL for a few seconds, every 2xx response time kept (autocannon reports p97.5 but no p95),
 * and the serving process's CPU time over the block read from /proc (steadier than latency
 * when other work shares the machine). Two sides measured in alternated blocks meet the same
 * machine and the same state of the server.
 */
import autocannon from "autocannon";
import { ACCEPT_ENCODING } from "./broen-client";
import { cpuSeconds } from "./proc-stats";
import { BenchError } from "./processes";
import { round1, round2, summarize } from "./stats";

/** Attempts longer than this (s) are not made: the server is not answering at all. */
const MAX_ATTEMPT_SECONDS = 32;

/**
 * GETs `url` with `connections` concurrent connections for `seconds`; `cookie` empty sends no
 * Cookie header at all. With `paths`, each connection GETs those paths (of `url`'s origin) in
 * turn instead. When not one answer was a 2xx (on a busy machine an answer can take longer
 * than a short block), the attempt is made again for twice as long, up to 32 s, and only the
 * last attempt counts; `beforeAttempt` runs before each attempt (to start measuring it).
 * Throws a BenchError when even the longest attempt had no 2xx.
 */
export async function loadTest(
  url: string,
  cookie: string,
  seconds: number,
  connections: number,
  paths?: readonly string[],
  beforeAttempt?: () => void,
) {
  const headers: Record<string, string> = { "accept-encoding": ACCEPT_ENCODING };
  if (cookie) headers.cookie = cookie;
  const requests = paths?.map((path) => ({ method: "GET", path }));
  for (let attempt = seconds; ; attempt *= 2) {
    const latencies: number[] = [];
    beforeAttempt?.();
    const instance = autocannon({ url, connections, duration: attempt, headers, requests });
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
    });
    const result = await instance;
    if (result["2xx"] > 0) return { result, latencies, latency: summarize(latencies) };
    if (attempt * 2 > MAX_ATTEMPT_SECONDS) {
      throw new BenchError(
        `GET ${new URL(url).pathname} under load got no 2xx answer within ${attempt} s ` +
          `(status counts ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors)`,
      );
    }
  }
}

/** The measured blocks of one side (one URL), added up. */
export class Side {
  latencies: number[] = [];
  answers = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;
  seconds = 0;
  cpuSeconds = 0;
  /** Per block: autocannon's own p97.5 and p99 (whole ms), req/s, CPU ms per answer. */
  blocks: { p97_5: number; p99: number; rps: number; cpuMs: number }[] = [];

  constructor(
    readonly url: string,
    readonly cookie: string,
    readonly connections: number,
    /** Paths to GET in turn instead of `url` alone (see loadTest). */
    readonly paths?: readonly string[],
  ) {}

  /** One block under load; the server's CPU time over it from /proc/<pid>/stat. */
  async block(pid: number, seconds: number) {
    let startedUs = 0n;
    let cpuBefore = 0;
    const run = await loadTest(this.url, this.cookie, seconds, this.connections, this.paths, () => {
      startedUs = process.hrtime.bigint() / 1000n;
      cpuBefore = cpuSeconds(pid);
    });
    const cpu = cpuSeconds(pid) - cpuBefore;
    const endedUs = process.hrtime.bigint() / 1000n;
    const r = run.result;
    this.latencies.push(...run.latencies);
    this.answers += r["2xx"];
    this.non2xx += r.non2xx;
    this.errors += r.errors;
    this.timeouts += r.timeouts;
    this.seconds += r.duration;
    this.cpuSeconds += cpu;
    this.blocks.push({
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      rps: round1(r["2xx"] / r.duration),
      cpuMs: round2((cpu * 1000) / r["2xx"]),
    });
    return { startedUs, endedUs };
  }

  get rps() {
    return round1(this.answers / this.seconds);
  }
  /** Server CPU per answer, over all blocks. */
  get cpuMs() {
    return round2((this.cpuSeconds * 1000) / this.answers);
  }
  get latency() {
    return summarize(this.latencies);
  }
}
