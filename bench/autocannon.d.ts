/*
 * The part of autocannon 8's programmatic API the benchmarks use (the package ships no types and
 * there is no @types/autocannon in the project). Field names as in autocannon's lib/run.js and
 * lib/aggregateResult.js: latency percentiles come from hdr-histogram-percentiles-obj, which
 * reports p50, p75, p90, p97_5, p99 … but no p95.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    headers?: Record<string, string>;
    /** Seconds before a request counts as timed out (default 10). */
    timeout?: number;
    /** A sequence each connection sends in turn, over and over (instead of GET url). */
    requests?: { method?: string; path?: string }[];
  }

  interface AutocannonHistogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total?: number;
    p50: number;
    p75: number;
    p90: number;
    p97_5: number;
    p99: number;
    p99_9: number;
  }

  interface AutocannonResult {
    /** Seconds actually run. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    "2xx": number;
    statusCodeStats: Record<string, { count: number }>;
    /** Milliseconds, whole numbers (an integer histogram), 2xx responses only. */
    latency: AutocannonHistogram & { totalCount: number };
    /** Requests per second, sampled once a second. */
    requests: AutocannonHistogram & { sent: number };
    throughput: AutocannonHistogram;
  }

  /** Emits "response" (client, statusCode, bytes, responseTimeMs) for every response. */
  interface AutocannonInstance extends EventEmitter, PromiseLike<AutocannonResult> {}

  function autocannon(options: AutocannonOptions): AutocannonInstance;
  export default autocannon;
}
