/*
 * One thread of the load round's clients (bench/lib/realtime-phases.ts, loadRound): it opens the
 * clients of its documents, reports "connected", and on "go" sends its edits paced from the
 * shared start time; then it waits until its edits have arrived at every other client of their
 * document and posts the latencies. All clients of a document are in the same thread, so every
 * latency is measured on one clock.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import {
  connectAll,
  LatencySink,
  openClient,
  paced,
  pollUntil,
  type BenchClient,
  type Target,
} from "./realtime-clients";

export interface LoadWorkerInput {
  target: Target;
  rooms: string[];
  perRoom: number;
  perSecond: number;
  warmupEdits: number;
  measuredEdits: number;
  /** This thread's first writer number (writers are numbered across threads). */
  firstWriter: number;
  /** Where this thread's clients sit in the whole round's order (sends are spread by it). */
  firstClient: number;
  totalClients: number;
  drainTimeoutMs: number;
}

/** Sent by the main thread: start at this epoch time (ms, performance.timeOrigin based). */
export interface LoadWorkerGo {
  startEpochMs: number;
  warmupSeconds: number;
  seconds: number;
}

export type LoadWorkerMessage =
  | { kind: "connected" }
  | {
      kind: "done";
      samples: Float64Array;
      sent: number;
      delivered: number;
      closeCodes: number[];
      loopDelayMs: { p99: number; max: number };
    }
  | { kind: "failed"; message: string };

const input = workerData as LoadWorkerInput;
const port = parentPort!;

async function run(): Promise<void> {
  const sink = new LatencySink();
  const clients: BenchClient[] = input.rooms.flatMap((room, r) =>
    Array.from({ length: input.perRoom }, (_, k) =>
      openClient(input.target, room, { writer: input.firstWriter + r * input.perRoom + k, sink }),
    ),
  );
  try {
    await connectAll(clients);
    port.postMessage({ kind: "connected" } satisfies LoadWorkerMessage);
    const go = await new Promise<LoadWorkerGo>((resolve) => port.once("message", resolve));

    const start = go.startEpochMs - performance.timeOrigin; // on this thread's clock
    sink.since = start + go.warmupSeconds * 1000;
    sink.until = sink.since + go.seconds * 1000;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const measuring = setTimeout(() => loop.enable(), sink.since - performance.now());
    const period = 1000 / input.perSecond;
    let sent = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        const offset = ((input.firstClient + c) * period) / input.totalClients;
        const wait = start + offset - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await paced(input.warmupEdits + input.measuredEdits, period, () => {
          client.edit();
          sent++;
        });
      }),
    );
    clearTimeout(measuring);
    loop.disable();
    await pollUntil(() => sink.delivered >= sent * (input.perRoom - 1), input.drainTimeoutMs);
    const samples = Float64Array.from(sink.samples);
    port.postMessage(
      {
        kind: "done",
        samples,
        sent,
        delivered: sink.delivered,
        closeCodes: clients.flatMap((c) => c.closeCodes),
        loopDelayMs: {
          p99: Math.round(loop.percentile(99) / 1e5) / 10,
          max: Math.round(loop.max / 1e5) / 10,
        },
      } satisfies LoadWorkerMessage,
      [samples.buffer],
    );
  } finally {
    for (const c of clients) c.destroy();
  }
}

run().catch((error: unknown) => {
  port.postMessage({
    kind: "failed",
    message: error instanceof Error ? error.message : String(error),
  } satisfies LoadWorkerMessage);
});
