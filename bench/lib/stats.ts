/* Small statistics for benchmark samples: medians and nearest-rank percentiles. */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(values: number[], round: (n: number) => number = round1): Summary {
  if (values.length === 0) throw new RangeError("no samples to summarize");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    n: sorted.length,
    median: round(median),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted[0]!),
    max: round(sorted.at(-1)!),
  };
}

export const describeSummary = (s: Summary, unit = "ms") =>
  `median ${s.median} ${unit}, p95 ${s.p95}, p99 ${s.p99} (min ${s.min}, max ${s.max}, n=${s.n})`;

/** "met (42 ms < 50 ms)" or "missed by 12.3 ms (62.3 ms, target < 50 ms)". */
export function verdict(value: number, target: number, unit = "ms"): string {
  return value < target
    ? `met (${value} ${unit} < ${target} ${unit})`
    : `missed by ${round1(value - target)} ${unit} (${value} ${unit}, target < ${target} ${unit})`;
}
