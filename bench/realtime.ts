/*
 * Realtime benchmark: `npm run bench:realtime` (issue 4's figures).
 *
 * Broen's realtime server runs as the real production server (NODE_ENV=production, the
 * production build, `node --import tsx server.ts` as ONE child process so /proc/<pid> is the
 * process that serves — `tsx server.ts` would put a tsx wrapper in front; this is what
 * `npm start` runs, so tsx's loader thread, a second V8 — about 1.6 s of CPU at start, ~0.2 s
 * over a load round, ~100 MiB of RSS — counts for Broen as long as production runs so), on a
 * PostgreSQL database created for the run (`broen_bench_<random>`, dropped at the end, also on
 * failure): every connection is authorised (Origin, session cookie, document permission,
 * audit row) and every update is stored in the update log (group-committed, NOTIFY for other
 * processes).
 * The peer is y-websocket 2.1's own server code (the dev dependency `y-websocket-v2`, see
 * bench/lib/reference-server.mjs): no auth, no persistence, in memory, on the same ws 8.
 * Both run on this machine, with the same clients and the same workload, at the same time
 * (each idles while the other is measured), in the order A B B A (repeated) for the fan-out.
 *
 * Clients are real y-websocket 3 `WebsocketProvider`s in this process (ws WebSocketPolyfill with
 * the demo leader's session cookie and Origin for Broen, plain ws for the peer; disableBc).
 * An edit sets the writer's entry of a Y.Map to its send time; each other client of the document
 * records arrival − send time, on the same thread (one clock). The clients' own CPU is part of
 * every figure (a reader's arrival waits for the frames ahead of it on its thread): the same
 * for both servers, and the client CPU and event-loop delay are reported. For the load round
 * the clients run on BENCH_CLIENT_THREADS (2) worker threads, whole documents per thread: on
 * one thread the 200 clients kept it ~90 % busy, and its queueing (runs of half a second
 * without a break, with a core idle) dominated both servers' tails.
 *
 *   1. fan-out: 1 writer and 50 readers on one document; 20 warm-up edits, then
 *      BENCH_FANOUT_EDITS (1200) edits at BENCH_FANOUT_RATE (50) a second per server, in
 *      BENCH_FANOUT_PAIRS (4) times A B B A rounds on fresh documents; latency at every reader
 *      (p50/p99 of all rounds together), after BENCH_FANOUT_WARMUP_ROUNDS (1) uncounted
 *      round per server (Broen then the reference). Why so many: the p99 of one round (150 edits, 7,500
 *      arrivals) swung between 3.0 and 8.4 ms for either server within one run, so with the
 *      earlier 300 edits in one A B B A the ratio of two such p99s ranged 0.96–1.26 between
 *      runs of the same build (ADR 028).
 *   2. load: 200 clients over 40 documents (5 each), each 5 small edits a second for
 *      BENCH_LOAD_SECONDS (30) after a 2 s warm-up; latency send → arrival at the 4 others;
 *      server CPU (user+sys from /proc/<pid>/stat) and RSS (VmRSS, sampled every 200 ms: peak
 *      and end) over the measured window; for Broen also the CPU of its PostgreSQL backends
 *      (pids from pg_stat_activity; the reference stores nothing). BENCH_LOAD_ROUNDS (1) rounds of A B (2: A B B A).
 *   3. cold load (Broen only, a fresh server process with REALTIME_UNLOAD_GRACE_MS=100):
 *      BENCH_COLD_DOCS (5) documents each get 10,000 real small Yjs updates (keystrokes of four
 *      editors, each at its own cursor, with backspaces and jumps; bench/lib/realtime-data.ts)
 *      as rows of document_updates; connect → synced of a fresh client, the text checked
 *      (also for as many empty documents: the floor of upgrade, auth and round trips); the
 *      server compacts on load (rows > REALTIME_COMPACT_AFTER) and on unload;
 *      after the unload (polled on /admin/realtime.json) the log holds one row and each
 *      document is loaded again twice. Medians reported; target < 50 ms after compaction.
 *   4. memory (same fresh process, before 3): 20 documents opened and closed (warm-up), RSS
 *      settles (polled until the last 3 s stay within 1 %) = baseline; BENCH_RSS_DOCS (1000)
 *      documents opened (20 at a time), synced, one small edit, closed; wait until the server
 *      reports documentsLoaded 0, RSS settles again; ratio after/baseline, target ≤ 1.10
 *      (rss_after_1000_docs_ratio). Both readings are also taken at the end of a
 *      BENCH_RSS_OBSERVE_S (30) s window from the same start and reported beside: an idle V8
 *      process keeps its grown heap until its memory reducer gives it back, some 20–40 s after
 *      the activity (or later), so either reading may catch the heap before or after that.
 *      The same on a fresh reference process, which never unloads a document (no persistence).
 * Timings are only reported, never asserted. The machine is shared: the 1-minute load average
 * is printed at the start and end. The last line printed is one JSON object.
 * Knobs: those above, BENCH_CLIENT_THREADS (2), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_BROEN_NODE_ARGS (extra node flags for Broen, e.g. "--cpu-prof --cpu-prof-dir=DIR"),
 * BENCH_REFERENCE_NODE_ARGS (the same for the reference server, to compare like with like).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openBenchDatabase, type BenchDatabase } from "./lib/bench-database";
import { BroenClient } from "./lib/broen-client";
import {
  BenchError,
  cleanUpOnExit,
  reportBenchFailure,
  freePort,
  killChildren,
  runScript,
  sleep,
  startServer,
  positiveInt,
} from "./lib/processes";
import type { ServerProcess } from "./lib/processes";
import { upgradeStatus, type Target } from "./lib/realtime-clients";
import {
  createAgendaDocuments,
  demoNetwork,
  insertUpdates,
  storedRows,
  typedUpdates,
} from "./lib/realtime-data";
import {
  coldLoad,
  fanoutRound,
  loadRound,
  rssAfterDocuments,
  type Deliveries,
  type LoadResult,
  type RssResult,
} from "./lib/realtime-phases";
import { report } from "./lib/realtime-report";
import { round1, round2, summarize } from "./lib/stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const LEADER = { email: "leder@fjordvik.test", password: "broen-demo-2026" };
const ADMIN = { email: "admin@fjordvik.test", password: "broen-demo-2026" };

export const SETTINGS = {
  fanoutReaders: 50,
  fanoutWarmup: 20,
  fanoutEdits: positiveInt(process.env.BENCH_FANOUT_EDITS, 1200),
  fanoutRate: positiveInt(process.env.BENCH_FANOUT_RATE, 50),
  fanoutPairs: positiveInt(process.env.BENCH_FANOUT_PAIRS, 4),
  fanoutWarmupRounds: /^\d+$/.test(process.env.BENCH_FANOUT_WARMUP_ROUNDS ?? "")
    ? Number(process.env.BENCH_FANOUT_WARMUP_ROUNDS)
    : 1,
  loadDocs: 40,
  loadPerDoc: 5,
  loadRate: 5,
  loadSeconds: positiveInt(process.env.BENCH_LOAD_SECONDS, 30),
  loadWarmupSeconds: 2,
  loadRounds: positiveInt(process.env.BENCH_LOAD_ROUNDS, 1),
  coldUpdates: 10_000,
  coldDocs: positiveInt(process.env.BENCH_COLD_DOCS, 5),
  coldReloads: 2,
  rssDocs: positiveInt(process.env.BENCH_RSS_DOCS, 1000),
  rssWarmupDocs: 20,
  rssConcurrency: 20,
  rssObserveMs: positiveInt(process.env.BENCH_RSS_OBSERVE_S, 30) * 1000,
  unloadGraceMs: 100,
};
const S = SETTINGS;
/** Extra node flags for Broen's server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile. */
const BROEN_NODE_ARGS = (process.env.BENCH_BROEN_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
const REFERENCE_NODE_ARGS = (process.env.BENCH_REFERENCE_NODE_ARGS ?? "")
  .split(/\s+/)
  .filter(Boolean);
const START_TIMEOUT_MS = 60_000;
const UNLOAD_TIMEOUT_MS = 60_000;

export const loadAverage = () => round2(os.loadavg()[0]!);

let database: BenchDatabase | undefined;
const servers = new Set<ServerProcess>();

async function stop(server: ServerProcess | undefined) {
  if (!server) return null;
  servers.delete(server);
  return server.stop();
}

/** `pairs` times A B B A (Broen, reference, reference, Broen): slow stretches fall on both. */
function alternated(pairs: number): ("ours" | "peer")[] {
  return Array.from({ length: pairs }, () => ["ours", "peer", "peer", "ours"] as const).flat();
}

async function main() {
  const began = performance.now();
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError(
      "build/index.js is missing; run `npm run build` (or npm run bench:realtime)",
    );
  }
  const loadStart = loadAverage();
  database = await openBenchDatabase();
  const db = database;
  if (db.kind !== "postgres") {
    throw new BenchError(`this benchmark needs PostgreSQL: ${db.fallbackReason ?? "PGlite"}`);
  }
  console.log(
    `Broen realtime benchmark: production build, ${db.label}, node ${process.version}, ` +
      `${os.cpus().length} CPU(s), load average ${loadStart}`,
  );

  const broenEnv = (port: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      ...db.serverEnv,
      SESSION_SECRET: crypto.randomBytes(30).toString("base64url"),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      SMTP_URL: undefined,
      RATE_LIMIT_GENERAL_PER_MINUTE: "10000000",
      RATE_LIMIT_MUTATIONS_PER_MINUTE: "10000000",
      RATE_LIMIT_AUTH_PER_MINUTE: "10000000",
      REALTIME_MESSAGES_PER_SECOND: "1000",
      REALTIME_UPGRADES_PER_MINUTE: "100000", // 1,000 documents opened from one address
      REALTIME_UNLOAD_GRACE_MS: String(S.unloadGraceMs),
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    return env;
  };
  const seedPort = await freePort();
  const seed = await runScript(
    "seeding (tsx scripts/seed.ts --force)",
    TSX,
    ["scripts/seed.ts", "--force"],
    { cwd: root, env: broenEnv(seedPort), timeoutMs: 60_000 },
  );

  // Documents: meetings of the demo network, each agenda:<id> editable by the demo leader.
  const { leaderId, networkId } = await demoNetwork(db, LEADER.email);
  const needed =
    4 * S.fanoutPairs +
    2 * S.fanoutWarmupRounds +
    2 * S.loadDocs * S.loadRounds +
    S.rssWarmupDocs +
    S.rssDocs +
    2 * S.coldDocs;
  const pool = await createAgendaDocuments(db, needed, networkId, leaderId);
  const take = (n: number) => {
    if (pool.length < n) throw new BenchError("the document pool ran out");
    return pool.splice(0, n);
  };
  const cold = typedUpdates(S.coldUpdates);
  const coldRooms = take(S.coldDocs);
  const emptyRooms = take(S.coldDocs);
  for (const room of coldRooms) await insertUpdates(db, room, cold.updates);
  const coldBytes = cold.updates.reduce((n, u) => n + u.length, 0);

  const startBroen = async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const server = await startServer({
      command: process.execPath,
      args: [...BROEN_NODE_ARGS, "--import", "tsx", "server.ts"],
      cwd: root,
      env: broenEnv(port),
      origin,
      timeoutMs: START_TIMEOUT_MS,
      direct: true,
    });
    servers.add(server);
    const leader = new BroenClient(origin);
    await leader.logIn(LEADER.email, LEADER.password);
    const admin = new BroenClient(origin);
    await admin.logIn(ADMIN.email, ADMIN.password);
    const target: Target = {
      name: "broen",
      serverUrl: `ws://127.0.0.1:${port}/realtime`,
      headers: { Cookie: leader.cookie, Origin: origin },
    };
    const metrics = async () => {
      const answer = await admin.get("/admin/realtime.json");
      if (answer.status !== 200) {
        throw new BenchError(`GET /admin/realtime.json as the admin: HTTP ${answer.status}`);
      }
      return JSON.parse(answer.body) as {
        documentsLoaded: number;
        connections: number;
        eventLoopDelayMs: { p99: number; max: number };
      };
    };
    const unloaded = async () => {
      const deadline = performance.now() + UNLOAD_TIMEOUT_MS;
      for (;;) {
        const m = await metrics();
        if (m.documentsLoaded === 0 && m.connections === 0) return;
        if (performance.now() > deadline) {
          throw new BenchError(
            `the server still had ${m.documentsLoaded} documents loaded and ${m.connections} ` +
              `connections ${UNLOAD_TIMEOUT_MS / 1000} s after the last client closed`,
          );
        }
        await sleep(50); // the next poll
      }
    };
    return { server, target, unloaded, origin, metrics };
  };
  const startReference = async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1" };
    delete env.YPERSISTENCE;
    const server = await startServer({
      command: process.execPath,
      args: [...REFERENCE_NODE_ARGS, path.join(root, "bench/lib/reference-server.mjs")],
      cwd: root,
      env,
      origin,
      timeoutMs: START_TIMEOUT_MS,
      readyLine: /y-websocket reference: http:\/\/\S+/,
      direct: true,
    });
    servers.add(server);
    const target: Target = { name: "reference", serverUrl: `ws://127.0.0.1:${port}`, headers: {} };
    return { server, target };
  };

  // Phases 1 and 2: both servers up side by side.
  const ours = await startBroen();
  const peer = await startReference();
  const probe = await upgradeStatus(`${ours.target.serverUrl}/${pool[0]}`, ours.target.headers);
  if (probe !== 101) {
    throw new BenchError(`the leader's upgrade to ${pool[0]} was answered HTTP ${probe}`);
  }
  const setupS = round1((performance.now() - began) / 1000);
  console.log(
    `setup: seeded in ${round1(seed.ms / 1000)} s; ${needed} agenda documents; ` +
      `${S.coldDocs} × ${S.coldUpdates} stored updates (${round1(coldBytes / 1024)} KiB each ` +
      `log); Broen healthy after ${round1(ours.server.healthyMs / 1000)} s (pid ` +
      `${ours.server.pid}), reference after ${round1(peer.server.healthyMs / 1000)} s ` +
      `(pid ${peer.server.pid}); ready after ${setupS} s`,
  );

  const fanout = { ours: [] as number[], peer: [] as number[] };
  const fanoutDeliveries: Record<"ours" | "peer", Deliveries[]> = { ours: [], peer: [] };
  const perRound = Math.ceil(S.fanoutEdits / (2 * S.fanoutPairs));
  // First a round per server that is not counted: each server's first round after its start
  // was its worst (ADR 028, 2026-12-01), the cost of a fresh process, not of its steady state.
  for (let i = 0; i < S.fanoutWarmupRounds; i++) {
    for (const who of ["ours", "peer"] as const) {
      const result = await fanoutRound(who === "ours" ? ours.target : peer.target, take(1)[0]!, {
        readers: S.fanoutReaders,
        warmup: S.fanoutWarmup,
        edits: perRound,
        perSecond: S.fanoutRate,
      });
      console.log(
        `  fan-out warm-up round, not counted (${who === "ours" ? "Broen" : "reference"}): ` +
          `p50 ${round2(summarize(result.samples, round2).median)} ms, ` +
          `p99 ${summarize(result.samples, round2).p99} ms, load average ${loadAverage()}`,
      );
    }
  }
  for (const who of alternated(S.fanoutPairs)) {
    const target = who === "ours" ? ours.target : peer.target;
    const result = await fanoutRound(target, take(1)[0]!, {
      readers: S.fanoutReaders,
      warmup: S.fanoutWarmup,
      edits: perRound,
      perSecond: S.fanoutRate,
    });
    fanout[who].push(...result.samples);
    fanoutDeliveries[who].push(result);
    console.log(
      `  fan-out round (${who === "ours" ? "Broen" : "reference"}): ` +
        `p50 ${round2(summarize(result.samples, round2).median)} ms, ` +
        `p99 ${summarize(result.samples, round2).p99} ms, load average ${loadAverage()}`,
    );
  }

  const load: Record<"ours" | "peer", LoadResult[]> = { ours: [], peer: [] };
  const loadOrder =
    S.loadRounds === 1
      ? (["ours", "peer"] as const)
      : alternated(Math.ceil(S.loadRounds / 2)).slice(0, 2 * S.loadRounds);
  for (const who of loadOrder) {
    const side = who === "ours" ? ours : peer;
    // Broen's PostgreSQL backends (its pool and LISTEN connections), for their CPU time.
    const backends =
      who === "ours"
        ? await db.query<{ pid: number }>(
            "select pid from pg_stat_activity where datname = current_database() " +
              "and pid <> pg_backend_pid()",
          )
        : [];
    const result = await loadRound(side.target, side.server.pid, take(S.loadDocs), {
      perRoom: S.loadPerDoc,
      perSecond: S.loadRate,
      seconds: S.loadSeconds,
      warmupSeconds: S.loadWarmupSeconds,
      companions: backends.map((b) => Number(b.pid)),
    });
    load[who].push(result);
    // Broen's own view of the last ten seconds: how late its event loop ran.
    const loop =
      who === "ours"
        ? ` (event loop delay, last 10 s: ${JSON.stringify((await ours.metrics()).eventLoopDelayMs)} ms)`
        : "";
    const s = summarize(result.samples, round2);
    console.log(
      `  load round (${who === "ours" ? "Broen" : "reference"}): p50 ${s.median} ms, p99 ` +
        `${s.p99} ms, server CPU ${round2(result.cpuSeconds)} s, RSS peak ` +
        `${round1(result.rssPeakMiB)} MiB, load average ${loadAverage()}${loop}; the clients' ` +
        `event loop delay ${JSON.stringify(result.clientLoopDelayMs)} ms`,
    );
  }
  const firstStop = await stop(ours.server);
  await stop(peer.server);

  // Phases 4 then 3 on a fresh Broen process; 4 on a fresh reference process.
  const fresh = await startBroen();
  const rssWarmupRooms = take(S.rssWarmupDocs);
  const rssRooms = take(S.rssDocs);
  const rssOurs: RssResult = await rssAfterDocuments(
    fresh.target,
    fresh.server.pid,
    rssWarmupRooms,
    rssRooms,
    { concurrency: S.rssConcurrency, unloaded: fresh.unloaded, observeMs: S.rssObserveMs },
  );
  console.log(
    `  memory (Broen): baseline ${round1(rssOurs.baselineMiB)} MiB, after ${S.rssDocs} ` +
      `documents ${round1(rssOurs.afterMiB)} MiB, load average ${loadAverage()}`,
  );
  const coldEmpty: number[] = [];
  for (const room of emptyRooms)
    coldEmpty.push(await coldLoad(fresh.target, room, "", fresh.unloaded));
  const coldBefore: number[] = [];
  const rowsAfter: number[] = [];
  for (const room of coldRooms) {
    coldBefore.push(await coldLoad(fresh.target, room, cold.text, fresh.unloaded));
    rowsAfter.push(await storedRows(db, room));
  }
  const coldAfter: number[] = [];
  for (let i = 0; i < S.coldReloads; i++) {
    for (const room of coldRooms) {
      coldAfter.push(await coldLoad(fresh.target, room, cold.text, fresh.unloaded));
    }
  }
  const [compactedRow] = await db.query<{ bytes: number }>(
    "select length(update)::int as bytes from document_updates where document_name = $1",
    [coldRooms[0]],
  );
  const secondStop = await stop(fresh.server);

  const freshPeer = await startReference();
  // The same room names: a separate process that has never seen them.
  const rssPeer: RssResult = await rssAfterDocuments(
    freshPeer.target,
    freshPeer.server.pid,
    rssWarmupRooms,
    rssRooms,
    { concurrency: S.rssConcurrency, unloaded: async () => {}, observeMs: S.rssObserveMs },
  );
  await stop(freshPeer.server);

  await db.drop();
  database = undefined;

  report({
    fanout,
    fanoutDeliveries,
    load,
    cold: {
      empty: coldEmpty,
      before: coldBefore,
      after: coldAfter,
      rowsAfter,
      compactedBytes: compactedRow?.bytes ?? null,
      updates: S.coldUpdates,
      logBytes: coldBytes,
    },
    rssOurs,
    rssPeer,
    rssDocs: S.rssDocs,
    serverExitCodes: [firstStop?.code ?? null, secondStop?.code ?? null],
    loadStart,
    totalS: (performance.now() - began) / 1000,
  });
}

/** Stops every server still running, then drops the database. */
async function cleanUp() {
  for (const server of [...servers]) await stop(server).catch(() => {});
  killChildren();
  const db = database;
  database = undefined;
  await db?.drop().catch((error: unknown) => {
    process.stderr.write(`warning: could not drop the bench database: ${String(error)}\n`);
  });
}

cleanUpOnExit("bench:realtime", {
  database: () => database,
  forgetServers: () => {
    servers.clear();
  },
  cleanUp,
});

main()
  .then(() => cleanUp())
  .then(
    () => process.exit(0),
    (error: unknown) => {
      reportBenchFailure("bench:realtime", error);
      void cleanUp().finally(() => process.exit(1));
    },
  );
