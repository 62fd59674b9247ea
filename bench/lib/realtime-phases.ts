/*
 * The measured phases of `npm run bench:realtime` (see bench/realtime.ts for the method).
 * Each phase opens its own clients on fresh documents and closes them before it returns.
 */
import { performance } from "node:perf_hooks";
import { cpuSeconds, observedRss, watchProcess, RssSampler } from "./proc-stats";
import { BenchError } from "./processes";
import {
  LatencySink,
  openClient,
  paced,
  pollUntil,
  type BenchClient,
  type Target,
} from "./realtime-clients";

/** How long in-flight edits may take to arrive everywhere after the last send. */
const DRAIN_TIMEOUT_MS = 15_000;
const CONNECT_BATCH = 50;

export interface Deliveries {
  /** Deliveries expected (edits × other clients of the document) and seen. */
  expected: number;
  delivered: number;
  /** Close codes the clients saw (a server cutting clients off, which would skew the figures). */
  closeCodes: number[];
}

async function connectAll(clients: BenchClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i += CONNECT_BATCH) {
    await Promise.all(clients.slice(i, i + CONNECT_BATCH).map((c) => c.synced()));
  }
}

const closeCodesOf = (clients: BenchClient[]) => clients.flatMap((c) => c.closeCodes);

/**
 * Figure 1: one writer, `readers` readers on one fresh document. `warmup` edits first (not
 * measured, waited for everywhere), then `edits` paced at `perSecond`.
 */
export async function fanoutRound(
  target: Target,
  room: string,
  options: { readers: number; warmup: number; edits: number; perSecond: number },
): Promise<{ samples: number[] } & Deliveries> {
  const sink = new LatencySink();
  const writer = openClient(target, room, { writer: 0 });
  const readers = Array.from({ length: options.readers }, () => openClient(target, room, { sink }));
  const all = [writer, ...readers];
  try {
    await connectAll(all);
    const interval = 1000 / options.perSecond;
    await paced(options.warmup, interval, () => writer.edit());
    await pollUntil(() => sink.delivered >= options.warmup * options.readers, DRAIN_TIMEOUT_MS);
    sink.since = performance.now();
    await paced(options.edits, interval, () => writer.edit());
    const expected = (options.warmup + options.edits) * options.readers;
    await pollUntil(() => sink.delivered >= expected, DRAIN_TIMEOUT_MS);
    return {
      samples: sink.samples,
      expected: options.edits * options.readers,
      delivered: sink.delivered - options.warmup * options.readers,
      closeCodes: closeCodesOf(all),
    };
  } finally {
    for (const c of all) c.destroy();
  }
}

export interface LoadResult extends Deliveries {
  samples: number[];
  sent: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssPeakMiB: number;
  rssEndMiB: number;
  /** CPU seconds the benchmark process (all the clients) used in the same window. */
  clientCpuSeconds: number;
  /** CPU seconds of the `companions` processes (PostgreSQL's backends) in the same window. */
  companionCpuSeconds: number | null;
}

/** Summed CPU seconds of processes that may come and go (null when none can be read). */
function cpuOfAll(pids: number[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const pid of pids) {
    try {
      seen.set(pid, cpuSeconds(pid));
    } catch {
      // gone, or not visible from here
    }
  }
  return seen;
}

/**
 * Figure 2: `rooms.length × perRoom` clients, every one sending `perSecond` edits a second for
 * `warmupSeconds + seconds`; the sends are spread evenly over each period. Latency, server CPU
 * and RSS count the last `seconds` only.
 */
export async function loadRound(
  target: Target,
  pid: number,
  rooms: string[],
  options: {
    perRoom: number;
    perSecond: number;
    seconds: number;
    warmupSeconds: number;
    companions?: number[];
  },
): Promise<LoadResult> {
  const sink = new LatencySink();
  const clients = rooms.flatMap((room, r) =>
    Array.from({ length: options.perRoom }, (_, k) =>
      openClient(target, room, { writer: r * options.perRoom + k, sink }),
    ),
  );
  try {
    await connectAll(clients);
    const period = 1000 / options.perSecond;
    const warmupEdits = Math.round(options.warmupSeconds * options.perSecond);
    const measuredEdits = Math.round(options.seconds * options.perSecond);
    const start = performance.now() + 50;
    sink.since = start + options.warmupSeconds * 1000;
    sink.until = sink.since + options.seconds * 1000;
    let watch: ReturnType<typeof watchProcess> | undefined;
    let clientCpuStart: NodeJS.CpuUsage | undefined;
    let companionsStart = new Map<number, number>();
    const measuring = setTimeout(() => {
      watch = watchProcess(pid);
      clientCpuStart = process.cpuUsage();
      companionsStart = cpuOfAll(options.companions ?? []);
    }, sink.since - performance.now());
    let sent = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        const offset = (c * period) / clients.length;
        const wait = start + offset - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await paced(warmupEdits + measuredEdits, period, () => {
          client.edit();
          sent++;
        });
      }),
    );
    clearTimeout(measuring);
    if (!watch || !clientCpuStart) throw new BenchError("the measured window never started");
    const usage = watchStop(watch, clientCpuStart);
    const companionsEnd = cpuOfAll([...companionsStart.keys()]);
    const companionCpuSeconds =
      companionsStart.size === 0
        ? null
        : [...companionsEnd].reduce((n, [p, end]) => n + end - companionsStart.get(p)!, 0);
    const expected = sent * (options.perRoom - 1);
    await pollUntil(() => sink.delivered >= expected, DRAIN_TIMEOUT_MS);
    return {
      samples: sink.samples,
      sent,
      expected,
      delivered: sink.delivered,
      closeCodes: closeCodesOf(clients),
      companionCpuSeconds,
      ...usage,
    };
  } finally {
    for (const c of clients) c.destroy();
  }
}

function watchStop(watch: ReturnType<typeof watchProcess>, clientCpuStart: NodeJS.CpuUsage) {
  const server = watch.stop();
  const client = process.cpuUsage(clientCpuStart);
  return { ...server, clientCpuSeconds: (client.user + client.system) / 1e6 };
}

/** Opens each document with a client, waits for the sync, makes one small edit, closes. */
export async function openAndClose(
  target: Target,
  rooms: string[],
  concurrency: number,
): Promise<{ closeCodes: number[] }> {
  const closeCodes: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < rooms.length) {
        const client = openClient(target, rooms[next++]!);
        try {
          await client.synced();
          client.edit();
        } finally {
          closeCodes.push(...client.closeCodes);
          client.destroy();
        }
      }
    }),
  );
  return { closeCodes };
}

export interface RssResult {
  /** Once RSS held still for 3 s (within 1 %). */
  baselineMiB: number;
  baselineSettled: boolean;
  /** At the end of the observation window (the same length for both readings). */
  baselineFinalMiB: number;
  peakMiB: number;
  afterMiB: number;
  afterSettled: boolean;
  afterFinalMiB: number;
  /** From the last close to "every document unloaded" (Broen) or to the first RSS sample. */
  unloadMs: number;
  settleMs: number;
  openCloseMs: number;
  closeCodes: number[];
}

/**
 * Figure 4: after `warmupRooms` open and close (code paths loaded, pools filled), RSS settles
 * to the baseline; then every room is opened and closed, `unloaded()` is awaited (Broen: its
 * metrics say no document is loaded; the reference never unloads) and RSS settles again. Each
 * reading is taken twice: once settled, and at the end of an `observeMs` window.
 */
export async function rssAfterDocuments(
  target: Target,
  pid: number,
  warmupRooms: string[],
  rooms: string[],
  options: { concurrency: number; unloaded: () => Promise<void>; observeMs: number },
): Promise<RssResult> {
  await openAndClose(target, warmupRooms, options.concurrency);
  await options.unloaded();
  const baseline = await observedRss(pid, options.observeMs);
  const sampler = new RssSampler(pid);
  const openedAt = performance.now();
  const { closeCodes } = await openAndClose(target, rooms, options.concurrency);
  const closedAt = performance.now();
  await options.unloaded();
  const unloadedAt = performance.now();
  const { peak } = sampler.stop();
  const after = await observedRss(pid, options.observeMs);
  return {
    baselineMiB: baseline.settled,
    baselineSettled: baseline.isSettled,
    baselineFinalMiB: baseline.final,
    peakMiB: peak,
    afterMiB: after.settled,
    afterSettled: after.isSettled,
    afterFinalMiB: after.final,
    unloadMs: unloadedAt - closedAt,
    settleMs: after.settleMs,
    openCloseMs: closedAt - openedAt,
    closeCodes,
  };
}

/**
 * Figure 3: connect → synced of a fresh client on a document that is not loaded, checked
 * against the expected text; then closed, and `unloaded()` awaited before the next one.
 */
export async function coldLoad(
  target: Target,
  room: string,
  expectedText: string,
  unloaded: () => Promise<void>,
): Promise<number> {
  const startedAt = performance.now();
  const client = openClient(target, room);
  try {
    await client.synced(60_000);
    const ms = performance.now() - startedAt;
    const text = client.doc.getText("notes").toString();
    if (text !== expectedText) {
      throw new BenchError(
        `${room}: the loaded text (${text.length} characters) is not the stored one ` +
          `(${expectedText.length} characters)`,
      );
    }
    return ms;
  } finally {
    client.destroy();
    await unloaded();
  }
}
