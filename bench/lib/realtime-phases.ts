/*
 * The measured phases of `npm run bench:realtime` (see bench/realtime.ts for the method).
 * Each phase opens its own clients on fresh documents and closes them before it returns.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { cpuSeconds, observedRss, watchProcess, RssSampler } from "./proc-stats";
import { BenchError } from "./processes";
import {
  LatencySink,
  openClient,
  connectAll,
  paced,
  pollUntil,
  type BenchClient,
  type Target,
} from "./realtime-clients";
import type { LoadWorkerGo, LoadWorkerInput, LoadWorkerMessage } from "./realtime-load-worker";

/** How long in-flight edits may take to arrive everywhere after the last send. */
const DRAIN_TIMEOUT_MS = 15_000;

export interface Deliveries {
  /** Deliveries expected (edits × other clients of the document) and seen. */
  expected: number;
  delivered: number;
  /** Close codes the clients saw (a server cutting clients off, which would skew the figures). */
  closeCodes: number[];
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
  /** How late the clients' event loop ran in the same window (a late client adds latency). */
  clientLoopDelayMs: { p99: number; max: number };
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

/** Threads the load round's clients run on (BENCH_CLIENT_THREADS). */
export const CLIENT_THREADS = Math.max(1, Number(process.env.BENCH_CLIENT_THREADS) || 2);
/* tsx's loader hooks do not reach worker threads: each thread registers them, then loads. */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(
    new URL("./realtime-load-worker.ts", import.meta.url).href,
  )}); })`;

/**
 * Figure 2: `rooms.length × perRoom` clients, every one sending `perSecond` edits a second for
 * `warmupSeconds + seconds`; the sends are spread evenly over each period. Latency, server CPU
 * and RSS count the last `seconds` only. The clients run on CLIENT_THREADS worker threads of
 * this process (whole documents per thread), so that one saturated thread of clients does not
 * queue their own arrivals: on one thread, 200 clients kept it ~90 % busy, and its queueing
 * (runs of 0.5 s without a break) dominated the tail for both servers.
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
  const threads = Math.min(CLIENT_THREADS, rooms.length);
  const totalClients = rooms.length * options.perRoom;
  const workers: ReturnType<typeof startLoadWorker>[] = [];
  try {
    let firstRoom = 0;
    for (let t = 0; t < threads; t++) {
      const count = Math.floor((rooms.length * (t + 1)) / threads) - firstRoom;
      const input: LoadWorkerInput = {
        target,
        rooms: rooms.slice(firstRoom, firstRoom + count),
        perRoom: options.perRoom,
        perSecond: options.perSecond,
        warmupEdits: Math.round(options.warmupSeconds * options.perSecond),
        measuredEdits: Math.round(options.seconds * options.perSecond),
        firstWriter: firstRoom * options.perRoom,
        firstClient: firstRoom * options.perRoom,
        totalClients,
        drainTimeoutMs: DRAIN_TIMEOUT_MS,
      };
      firstRoom += count;
      workers.push(startLoadWorker(input));
    }
    await Promise.all(workers.map((w) => expectMessage(w.next(), "connected")));

    const startEpochMs = performance.timeOrigin + performance.now() + 100;
    const measuredFrom = startEpochMs + options.warmupSeconds * 1000;
    for (const w of workers) {
      w.worker.postMessage({
        startEpochMs,
        warmupSeconds: options.warmupSeconds,
        seconds: options.seconds,
      } satisfies LoadWorkerGo);
    }
    // Server CPU and RSS over the measured window [since, until), timed on this thread.
    const untilMs = (epochMs: number) => epochMs - performance.timeOrigin - performance.now();
    const window = new Promise<
      ReturnType<typeof watchStop> & { companionCpuSeconds: number | null }
    >((resolve, reject) => {
      setTimeout(() => {
        const watch = watchProcess(pid);
        const clientCpuStart = process.cpuUsage(); // the whole process: every client thread
        const companionsStart = cpuOfAll(options.companions ?? []);
        setTimeout(
          () => {
            try {
              const usage = watchStop(watch, clientCpuStart);
              const companionsEnd = cpuOfAll([...companionsStart.keys()]);
              const companionCpuSeconds =
                companionsStart.size === 0
                  ? null
                  : [...companionsEnd].reduce(
                      (n, [p, end]) => n + end - companionsStart.get(p)!,
                      0,
                    );
              resolve({ ...usage, companionCpuSeconds });
            } catch (error) {
              reject(error);
            }
          },
          untilMs(measuredFrom + options.seconds * 1000),
        );
      }, untilMs(measuredFrom));
    });
    const finished = await Promise.all(workers.map((w) => expectMessage(w.next(), "done")));
    const usage = await window;
    const sent = finished.reduce((n, r) => n + r.sent, 0);
    return {
      samples: finished.flatMap((r) => Array.from(r.samples)),
      sent,
      expected: sent * (options.perRoom - 1),
      delivered: finished.reduce((n, r) => n + r.delivered, 0),
      closeCodes: finished.flatMap((r) => r.closeCodes),
      clientLoopDelayMs: {
        p99: Math.max(...finished.map((r) => r.loopDelayMs.p99)),
        max: Math.max(...finished.map((r) => r.loopDelayMs.max)),
      },
      ...usage,
    };
  } finally {
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

function startLoadWorker(input: LoadWorkerInput) {
  const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
  const messages: LoadWorkerMessage[] = [];
  const waiting: ((m: LoadWorkerMessage) => void)[] = [];
  const deliver = (m: LoadWorkerMessage) => {
    const resolve = waiting.shift();
    if (resolve) resolve(m);
    else messages.push(m);
  };
  worker.on("message", deliver);
  worker.on("error", (error) => deliver({ kind: "failed", message: error.message }));
  worker.on("exit", (code) =>
    deliver({ kind: "failed", message: `client thread exited (${code})` }),
  );
  const next = () =>
    new Promise<LoadWorkerMessage>((resolve) => {
      const m = messages.shift();
      if (m) resolve(m);
      else waiting.push(resolve);
    });
  return { worker, next };
}

async function expectMessage<K extends LoadWorkerMessage["kind"]>(
  message: Promise<LoadWorkerMessage>,
  kind: K,
): Promise<Extract<LoadWorkerMessage, { kind: K }>> {
  const m = await message;
  if (m.kind === "failed") throw new BenchError(`load round client thread: ${m.message}`);
  if (m.kind !== kind) throw new BenchError(`load round client thread said ${m.kind}, not ${kind}`);
  return m as Extract<LoadWorkerMessage, { kind: K }>;
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
