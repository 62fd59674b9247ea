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

/**
 * GETs `url` with `connections` concurrent connections for `seconds`; `cookie` empty sends no
 * Cookie header at all. With `paths`, each connection GETs those paths (of `url`'s origin) in
 * turn instead. Throws a BenchError when not one answer was a 2xx.
 */
export async function loadTest(
  url: string,
  cookie: string,
  seconds: number,
  connections: number,
  paths?: readonly string[],
) {
  const latencies: number[] = [];
  const headers: Record<string, string> = { "accept-encoding": ACCEPT_ENCODING };
  if (cookie) headers.cookie = cookie;
  const requests = paths?.map((path) => ({ method: "GET", path }));
  const instance = autocannon({ url, connections, duration: seconds, headers, requests });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  if (result["2xx"] === 0) {
    throw new BenchError(
      `GET ${new URL(url).pathname} under load got no 2xx answer within ${seconds} s ` +
        `(status counts ${JSON.stringify(result.statusCodeStats)}, ${result.errors} errors)`,
    );
  }
  return { result, latencies, latency: summarize(latencies) };
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
    const startedUs = process.hrtime.bigint() / 1000n;
    const cpuBefore = cpuSeconds(pid);
    const run = await loadTest(this.url, this.cookie, seconds, this.connections, this.paths);
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
