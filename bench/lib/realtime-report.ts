/*
 * What `npm run bench:realtime` prints: the figures, ratios ours/reference, a verdict per
 * target, and one JSON object on the last line.
 */
import os from "node:os";
import {
  CLIENT_THREADS,
  type Deliveries,
  type LoadResult,
  type RssResult,
} from "./realtime-phases";
import { describeSummary, round1, round2, summarize, verdict, type Summary } from "./stats";

export const TARGETS = {
  /** Our fan-out p99 and load p99 at most this many times the reference's. */
  latencyRatio: 1.2,
  coldLoadCompactedMs: 50,
  /** RSS after 1,000 documents at most this many times the baseline. */
  rssRatio: 1.1,
};

export interface ReportInput {
  fanout: { ours: number[]; peer: number[] };
  fanoutDeliveries: Record<"ours" | "peer", Deliveries[]>;
  load: Record<"ours" | "peer", LoadResult[]>;
  cold: {
    /** The same for a document with nothing stored: upgrade, authorisation, round trips. */
    empty: number[];
    before: number[];
    after: number[];
    rowsAfter: number[];
    compactedBytes: number | null;
    updates: number;
    logBytes: number;
  };
  rssOurs: RssResult;
  rssPeer: RssResult;
  rssDocs: number;
  serverExitCodes: (number | null)[];
  loadStart: number;
  totalS: number;
}

const loadAverage = () => round2(os.loadavg()[0]!);

/** "met (1.05× ≤ 1.2×)" or "missed by 0.3× (1.5×, target ≤ 1.2×)". */
function atMost(value: number, target: number, unit = "×"): string {
  return value <= target
    ? `met (${value}${unit} ≤ ${target}${unit})`
    : `missed by ${round2(value - target)}${unit} (${value}${unit}, target ≤ ${target}${unit})`;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function combineLoad(results: LoadResult[]) {
  const latency = summarize(
    results.flatMap((r) => r.samples),
    round2,
  );
  const wall = sum(results.map((r) => r.wallSeconds));
  const cpu = sum(results.map((r) => r.cpuSeconds));
  return {
    latency,
    cpuSeconds: round2(cpu),
    cpuPercent: round1((cpu / wall) * 100),
    clientCpuPercent: round1((sum(results.map((r) => r.clientCpuSeconds)) / wall) * 100),
    databaseCpuSeconds: results.some((r) => r.companionCpuSeconds === null)
      ? null
      : round2(sum(results.map((r) => r.companionCpuSeconds!))),
    rssPeakMiB: round1(Math.max(...results.map((r) => r.rssPeakMiB))),
    rssEndMiB: round1(results.at(-1)!.rssEndMiB),
    sent: sum(results.map((r) => r.sent)),
    expected: sum(results.map((r) => r.expected)),
    delivered: sum(results.map((r) => r.delivered)),
    closeCodes: results.flatMap((r) => r.closeCodes),
    wallSeconds: round1(wall),
  };
}

function deliveryNote(name: string, deliveries: Deliveries[] | ReturnType<typeof combineLoad>) {
  const list = Array.isArray(deliveries) ? deliveries : [deliveries];
  const expected = sum(list.map((d) => d.expected));
  const delivered = sum(list.map((d) => d.delivered));
  const codes = list.flatMap((d) => d.closeCodes);
  const notes: string[] = [];
  if (delivered < expected) notes.push(`${expected - delivered} of ${expected} deliveries missing`);
  if (codes.length > 0) notes.push(`clients saw close codes ${[...new Set(codes)].join(", ")}`);
  return notes.length ? `  WARNING (${name}): ${notes.join("; ")}` : null;
}

export function report(input: ReportInput): void {
  const fanOurs = summarize(input.fanout.ours, round2);
  const fanPeer = summarize(input.fanout.peer, round2);
  const loadOurs = combineLoad(input.load.ours);
  const loadPeer = combineLoad(input.load.peer);
  const coldEmpty = summarize(input.cold.empty);
  const coldBefore = summarize(input.cold.before);
  const coldAfter = summarize(input.cold.after);
  const ratio = (a: number, b: number) => round2(a / b);
  const fanoutP99Ratio = ratio(fanOurs.p99, fanPeer.p99);
  const fanoutP50Ratio = ratio(fanOurs.median, fanPeer.median);
  const loadP99Ratio = ratio(loadOurs.latency.p99, loadPeer.latency.p99);
  const loadP50Ratio = ratio(loadOurs.latency.median, loadPeer.latency.median);
  const rssRatio = round2(input.rssOurs.afterMiB / input.rssOurs.baselineMiB);
  const rssWindowRatio = round2(input.rssOurs.afterFinalMiB / input.rssOurs.baselineFinalMiB);
  const peerRssRatio = round2(input.rssPeer.afterMiB / input.rssPeer.baselineMiB);
  const peerRssWindowRatio = round2(input.rssPeer.afterFinalMiB / input.rssPeer.baselineFinalMiB);
  const line = (s: Summary) => describeSummary(s);

  console.log("");
  console.log(`1. Fan-out: 1 writer → 50 readers on one document (latency at every reader)`);
  console.log(`   Broen:     ${line(fanOurs)}`);
  console.log(`   reference: ${line(fanPeer)}`);
  console.log(`   ratio ours/reference: p50 ${fanoutP50Ratio}, p99 ${fanoutP99Ratio}`);
  console.log(
    `   target: p99 ≤ ${TARGETS.latencyRatio}× the reference: ${atMost(fanoutP99Ratio, TARGETS.latencyRatio)}`,
  );
  for (const [name, d] of [
    ["Broen", input.fanoutDeliveries.ours],
    ["reference", input.fanoutDeliveries.peer],
  ] as const) {
    const note = deliveryNote(name, d);
    if (note) console.log(note);
  }

  console.log("");
  console.log(
    `2. Load: 200 clients over 40 documents, 5 edits/s each, ${loadOurs.wallSeconds} s measured ` +
      `per server (latency send → arrival at the 4 other clients of the document; clients on ` +
      `${CLIENT_THREADS} thread${CLIENT_THREADS === 1 ? "" : "s"})`,
  );
  for (const [name, l] of [
    ["Broen", loadOurs],
    ["reference", loadPeer],
  ] as const) {
    console.log(`   ${name.padEnd(9)}: ${line(l.latency)}`);
    console.log(
      `              server CPU ${l.cpuSeconds} s (${l.cpuPercent} % of one core), RSS peak ` +
        `${l.rssPeakMiB} MiB, end ${l.rssEndMiB} MiB; ${l.sent} edits sent; clients' CPU ` +
        `${l.clientCpuPercent} % of one core` +
        (l.databaseCpuSeconds !== null
          ? `; its PostgreSQL backends ${l.databaseCpuSeconds} s`
          : ""),
    );
  }
  console.log(
    `   ratio ours/reference: p50 ${loadP50Ratio}, p99 ${loadP99Ratio}, CPU ` +
      `${ratio(loadOurs.cpuSeconds, loadPeer.cpuSeconds)}, RSS peak ` +
      `${ratio(loadOurs.rssPeakMiB, loadPeer.rssPeakMiB)}`,
  );
  console.log(
    `   target: p99 ≤ ${TARGETS.latencyRatio}× the reference: ${atMost(loadP99Ratio, TARGETS.latencyRatio)}`,
  );
  for (const [name, l] of [
    ["Broen", loadOurs],
    ["reference", loadPeer],
  ] as const) {
    const note = deliveryNote(name, l);
    if (note) console.log(note);
  }

  console.log("");
  console.log(
    `3. Cold load (Broen): connect → synced of a fresh client, document not loaded, ` +
      `${input.cold.updates} stored updates (${round1(input.cold.logBytes / 1024)} KiB)`,
  );
  console.log(`   empty document (the floor: upgrade, auth, round trips): ${line(coldEmpty)}`);
  console.log(`   before compaction: ${line(coldBefore)}`);
  console.log(
    `   after compaction (rows left per document: ${[...new Set(input.cold.rowsAfter)].join(", ")}; ` +
      `${input.cold.compactedBytes ?? "?"} bytes): ${line(coldAfter)}`,
  );
  console.log(
    `   target: < ${TARGETS.coldLoadCompactedMs} ms after compaction (median): ` +
      verdict(coldAfter.median, TARGETS.coldLoadCompactedMs),
  );

  console.log("");
  const r = input.rssOurs;
  const p = input.rssPeer;
  const settledNote = (x: RssResult) =>
    x.baselineSettled && x.afterSettled ? "" : " (RSS did not hold still within the window)";
  console.log(
    `4. Memory: RSS before and after opening, syncing, editing once and closing ` +
      `${input.rssDocs} documents (20 clients at a time)`,
  );
  const observed = (x: RssResult, ratioSettled: number, ratioWindow: number) =>
    `settled: baseline ${round1(x.baselineMiB)} MiB, after ${round1(x.afterMiB)} MiB = ` +
    `${ratioSettled}×; end of window: baseline ${round1(x.baselineFinalMiB)} MiB, after ` +
    `${round1(x.afterFinalMiB)} MiB = ${ratioWindow}×; peak ${round1(x.peakMiB)} MiB`;
  console.log(`   Broen:     ${observed(r, rssRatio, rssWindowRatio)}${settledNote(r)}`);
  console.log(
    `              (open/close ${round1(r.openCloseMs / 1000)} s, all unloaded ` +
      `${round1(r.unloadMs)} ms after the last close, settled ${round1(r.settleMs / 1000)} s later)`,
  );
  console.log(`   reference: ${observed(p, peerRssRatio, peerRssWindowRatio)}${settledNote(p)}`);
  console.log(`              (the reference keeps every document: no persistence, never unloaded)`);
  console.log(
    `   target: within 10 % of baseline (settled reading): ${atMost(rssRatio, TARGETS.rssRatio)}; ` +
      `at the end of the window: ${atMost(rssWindowRatio, TARGETS.rssRatio)}`,
  );
  console.log(
    `   (both readings swing with V8's memory reducer, which returns the idle heap to the OS ` +
      `some 20–40 s after activity stops — or not within the window)`,
  );
  for (const [name, x] of [
    ["Broen", r],
    ["reference", p],
  ] as const) {
    if (x.closeCodes.length) {
      console.log(
        `  WARNING (${name}): clients saw close codes ${[...new Set(x.closeCodes)].join(", ")}`,
      );
    }
  }
  if (input.serverExitCodes.some((c) => c !== 0)) {
    console.log(`  WARNING: Broen exit codes after SIGTERM: ${input.serverExitCodes.join(", ")}`);
  }
  const loadEnd = loadAverage();
  console.log(
    `(servers stopped; database dropped; load average ${input.loadStart} at the start, ` +
      `${loadEnd} at the end; total ${round1(input.totalS)} s)`,
  );

  console.log(
    JSON.stringify({
      fanout_p50_ms: fanOurs.median,
      fanout_p99_ms: fanOurs.p99,
      reference_fanout_p50_ms: fanPeer.median,
      reference_fanout_p99_ms: fanPeer.p99,
      fanout_p50_ratio: fanoutP50Ratio,
      fanout_p99_ratio: fanoutP99Ratio,
      fanout_samples: fanOurs.n,
      load_p50_ms: loadOurs.latency.median,
      load_p99_ms: loadOurs.latency.p99,
      reference_load_p50_ms: loadPeer.latency.median,
      reference_load_p99_ms: loadPeer.latency.p99,
      load_p50_ratio: loadP50Ratio,
      load_p99_ratio: loadP99Ratio,
      load_samples: loadOurs.latency.n,
      load_seconds: loadOurs.wallSeconds,
      server_cpu_s: loadOurs.cpuSeconds,
      reference_cpu_s: loadPeer.cpuSeconds,
      database_cpu_s: loadOurs.databaseCpuSeconds,
      server_cpu_ratio: ratio(loadOurs.cpuSeconds, loadPeer.cpuSeconds),
      server_rss_peak_mib: loadOurs.rssPeakMiB,
      server_rss_end_mib: loadOurs.rssEndMiB,
      reference_rss_peak_mib: loadPeer.rssPeakMiB,
      reference_rss_end_mib: loadPeer.rssEndMiB,
      load_missing_deliveries: loadOurs.expected - loadOurs.delivered,
      reference_load_missing_deliveries: loadPeer.expected - loadPeer.delivered,
      cold_load_empty_ms: coldEmpty.median,
      cold_load_ms: coldBefore.median,
      cold_load_max_ms: coldBefore.max,
      cold_load_compacted_ms: coldAfter.median,
      cold_load_compacted_max_ms: coldAfter.max,
      cold_load_compacted_target_met: coldAfter.median < TARGETS.coldLoadCompactedMs,
      cold_load_runs: coldBefore.n,
      cold_load_compacted_runs: coldAfter.n,
      cold_rows_after_compaction: Math.max(...input.cold.rowsAfter),
      rss_baseline_mib: round1(r.baselineMiB),
      rss_peak_mib: round1(r.peakMiB),
      rss_after_1000_docs_mib: round1(r.afterMiB),
      rss_after_1000_docs_ratio: rssRatio,
      rss_window_end_baseline_mib: round1(r.baselineFinalMiB),
      rss_window_end_after_1000_docs_mib: round1(r.afterFinalMiB),
      rss_window_end_after_1000_docs_ratio: rssWindowRatio,
      rss_docs: input.rssDocs,
      rss_settled: r.baselineSettled && r.afterSettled,
      reference_rss_baseline_mib: round1(p.baselineMiB),
      reference_rss_after_1000_docs_mib: round1(p.afterMiB),
      reference_rss_after_1000_docs_ratio: peerRssRatio,
      reference_rss_window_end_after_1000_docs_ratio: peerRssWindowRatio,
      fanout_target_met: fanoutP99Ratio <= TARGETS.latencyRatio,
      load_target_met: loadP99Ratio <= TARGETS.latencyRatio,
      rss_target_met: rssRatio <= TARGETS.rssRatio,
      rss_window_end_target_met: rssWindowRatio <= TARGETS.rssRatio,
      cpus: os.cpus().length,
      load_avg_1m_start: input.loadStart,
      load_avg_1m_end: loadEnd,
      db: "postgres",
    }),
  );
}
