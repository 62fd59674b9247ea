/*
 * Calendar benchmark: `npm run bench:calendar`.
 *
 * Against the production build (NODE_ENV=production, `node --import tsx server.ts` as `npm start`
 * runs it, one child process) on a
 * PostgreSQL database created for the run (`broen_bench_<random>` on 127.0.0.1:5432, dropped at
 * the end, also on failure; the embedded PGlite when PostgreSQL does not answer, reported as
 * "db": "pglite"). The demo leader gets a person, a network with one member and meetings
 * inserted with SQL (100 in the last four weeks, the rest in the next six months, every 20th
 * cancelled — all inside the feed's window) until the feed holds 500 (the demo seed may already
 * give the leader a few), then:
 *   - feed_500_ms: median time of an HTTP GET of the leader's subscription feed (/calendar/<token>
 *     .ics, end to end: token lookup, access rules, queries, audit row, iCalendar text, gzip);
 *   - feed_builder_ms: median time of the pure builder feedCalendar() for the same 500 meetings,
 *     in this process, alternated (A B B A …) with its peer, ical-generator's own toString();
 *   - list_rps / list_p95_ms: GET /meetings as the leader with 20 concurrent connections for
 *     10 s (autocannon; in blocks alternated with the floor's, below), after a warm-up of 5 s
 *     under the same load, whose figures are printed too (list_warmup_*): a server that has just
 *     started is still compiling its hot code and sizing its heap — its first second under load
 *     had a p95 of 130–160 ms against 70–85 ms from the fifth second on. autocannon reports
 *     p97.5 but no p95: list_p95_ms is computed exactly from every 2xx response time autocannon
 *     emits; its own p97.5/p99 are reported alongside (per block; the JSON has the highest), and the
 *     server process's CPU time per answer (list_server_cpu_ms, from /proc: steadier than latency
 *     when other work shares the machine).
 *   - the floor: the same server (started with BROEN_BENCH_FLOOR=1) answers /bench/floor, the
 *     same 50 rows in the same markup from memory, without a cookie (no database, no session, no
 *     access rules; the root renders its logged-out shell): app/routes/bench.floor.tsx. It gets
 *     the same warm-up and the same 20 connections, in blocks alternated with the list's (list
 *     floor, floor list, …: BENCH_LIST_ROUNDS rounds, each side LIST_SECONDS in all), so both
 *     meet the same machine. list_cpu_ratio is the list's server CPU per answer divided by the
 *     floor's, list_p95_ratio the list's p95 divided by the floor's: figures that travel between
 *     machines, where the absolute times differ severalfold (target: list_cpu_ratio <= 2).
 * Timings are only reported, never asserted. The last line printed is one JSON object.
 * WEB_CONCURRENCY=2 (passed on to the server) measures two server processes behind one port.
 * Knobs: BENCH_BROEN_NODE_ARGS (extra node flags for the server; with --cpu-prof the measured
 * blocks' CLOCK_MONOTONIC windows are printed, to cut the profile by), BENCH_FEED_REQUESTS (30),
 * BENCH_BUILDER_ROUNDS (60), BENCH_LIST_SECONDS (10), BENCH_LIST_WARMUP_SECONDS (5),
 * BENCH_LIST_ROUNDS (2), BENCH_DB=pglite (skip PostgreSQL), BENCH_PG_URL
 * (postgres://postgres@127.0.0.1:5432/postgres).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  feedCalendar,
  feedCalendarObject,
  type FeedInput,
} from "../app/features/calendar/ical.server";
import { openBenchDatabase, type BenchDatabase } from "./lib/bench-database";
import { loadTest as loadBlock, Side } from "./lib/load-blocks";
import { ACCEPT_ENCODING, BroenClient, summary } from "./lib/broen-client";
import {
  countEvents,
  feedInput,
  insertMeetings,
  planMeetings,
  setUpLeaderFeed,
} from "./lib/calendar-data";
import {
  BenchError,
  cleanUpOnExit,
  runBench,
  freePort,
  killChildren,
  runScript,
  startServer,
  positiveInt,
} from "./lib/processes";
import type { ServerProcess } from "./lib/processes";
import { describeSummary, round1, round2, summarize, verdict, type Summary } from "./lib/stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const LEADER = { email: "leder@fjordvik.test", password: "broen-demo-2026" };
const MEETINGS = 500;
const PAST_MEETINGS = 100;
const FEED_TARGET_MS = 50;
const LIST_P95_TARGET_MS = 100;
const FEED_WARMUP = 5;
const FEED_REQUESTS = positiveInt(process.env.BENCH_FEED_REQUESTS, 30);
const BUILDER_WARMUP = 10;
const BUILDER_ROUNDS = positiveInt(process.env.BENCH_BUILDER_ROUNDS, 60);
const LIST_SINGLE_REQUESTS = 20;
const LIST_CONNECTIONS = 20;
const LIST_SECONDS = positiveInt(process.env.BENCH_LIST_SECONDS, 10);
const LIST_WARMUP_SECONDS = positiveInt(process.env.BENCH_LIST_WARMUP_SECONDS, 5);
/** Rounds of (list, floor) blocks, the order swapped each round; each block LIST_SECONDS / rounds. */
const LIST_ROUNDS = positiveInt(process.env.BENCH_LIST_ROUNDS, 2);
const LIST_CPU_RATIO_TARGET = 2;
const FLOOR_PATH = "/bench/floor";
const START_TIMEOUT_MS = 60_000;
const SERVER_PROCESSES = Number(process.env.WEB_CONCURRENCY ?? 1);
/** Extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=DIR". */
const BROEN_NODE_ARGS = (process.env.BENCH_BROEN_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);

/** The 1-minute load average: on a shared machine other work competes for the CPUs. */
const loadAverage = () => round2(os.loadavg()[0]!);

// ---------------------------------------------------------------------------------------------
// Measurements

/** Sequential GETs, each timed from the request to the last byte of the (decoded) body. */
async function timeGets(url: string, cookie: string, warmup: number, count: number) {
  const headers: Record<string, string> = { "Accept-Encoding": ACCEPT_ENCODING };
  if (cookie) headers.Cookie = cookie;
  const times: number[] = [];
  let body = "";
  for (let i = 0; i < warmup + count; i++) {
    const startedAt = performance.now();
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
    body = await response.text();
    const ms = performance.now() - startedAt;
    if (response.status !== 200) {
      throw new BenchError(`GET ${new URL(url).pathname} answered HTTP ${response.status}`);
    }
    if (i >= warmup) times.push(ms);
  }
  return { summary: summarize(times), body };
}

/** feedCalendar() against ical-generator's own toString(), alternating A B B A … */
function timeBuilder(input: FeedInput) {
  const ours = () => feedCalendar(input);
  const peer = () => feedCalendarObject(input).toString() + "\r\n";
  const matches = ours() === peer();
  for (let i = 0; i < BUILDER_WARMUP; i++) {
    ours();
    peer();
  }
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  const time = (run: () => string, into: number[]) => {
    const startedAt = performance.now();
    run();
    into.push(performance.now() - startedAt);
  };
  for (let i = 0; i < BUILDER_ROUNDS; i++) {
    if (i % 2 === 0) {
      time(ours, oursMs);
      time(peer, peerMs);
    } else {
      time(peer, peerMs);
      time(ours, oursMs);
    }
  }
  return { ours: summarize(oursMs, round2), peer: summarize(peerMs, round2), matches };
}

/** `cookie` empty: no Cookie header at all (the floor). */
const loadTest = (url: string, cookie: string, seconds: number) =>
  loadBlock(url, cookie, seconds, LIST_CONNECTIONS);

// ---------------------------------------------------------------------------------------------
// Run

let database: BenchDatabase | undefined;
let server: ServerProcess | undefined;

async function main() {
  const began = performance.now();
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError(
      "build/index.js is missing; run `npm run build` (or npm run bench:calendar)",
    );
  }

  const loadStart = loadAverage();
  database = await openBenchDatabase();
  const db = database;
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    ...db.serverEnv,
    SESSION_SECRET: crypto.randomBytes(30).toString("base64url"), // 40 characters
    PUBLIC_URL: origin,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    SMTP_URL: undefined, // e-mails for the new member stay in the outbox
    RATE_LIMIT_GENERAL_PER_MINUTE: "10000000",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "10000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "10000000",
    BROEN_BENCH_FLOOR: "1", // serves app/routes/bench.floor.tsx (a 404 otherwise)
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  console.log(
    `Broen calendar benchmark: production build, ${db.label}, node ${process.version}, ` +
      `${os.cpus().length} CPU(s), load average ${loadStart}`,
  );
  if (db.fallbackReason) {
    console.log(`NOTE: using the embedded database (PGlite), not PostgreSQL: ${db.fallbackReason}`);
  }

  // Migrations and demo accounts (refused in production without --force: a throw-away database).
  const seed = await runScript(
    "seeding (tsx scripts/seed.ts --force)",
    TSX,
    ["scripts/seed.ts", "--force"],
    { cwd: root, env, timeoutMs: 60_000 },
  );
  const [leader] = await db.query<{ id: string }>("select id from users where email = $1", [
    LEADER.email,
  ]);
  if (!leader) throw new BenchError(`the seed created no ${LEADER.email}`);
  await db.release();

  const boot = () =>
    startServer({
      command: process.execPath,
      args: [...BROEN_NODE_ARGS, "--import", "tsx", "server.ts"],
      cwd: root,
      env,
      origin,
      timeoutMs: START_TIMEOUT_MS,
      direct: true,
    });
  server = await boot();
  const firstHealthyMs = server.healthyMs;

  const client = new BroenClient(origin);
  await client.logIn(LEADER.email, LEADER.password);
  const { networkId, feedUrl } = await setUpLeaderFeed(client, leader.id);
  // The demo seed may already give the leader meetings: top the feed up to exactly 500.
  const seededFeed = await client.get(new URL(feedUrl).pathname);
  if (seededFeed.status !== 200) throw new BenchError(`GET the new feed: ${summary(seededFeed)}`);
  const seededEvents = countEvents(seededFeed.body);
  if (seededEvents > MEETINGS) {
    throw new BenchError(
      `the leader's feed already holds ${seededEvents} meetings (> ${MEETINGS})`,
    );
  }
  const planned = planMeetings(MEETINGS, PAST_MEETINGS);
  const inserted = planned.slice(0, MEETINGS - seededEvents);
  if (db.exclusive) {
    // PGlite is one process at a time: insert while the server is stopped, then start it again.
    await server.stop();
    server = undefined;
  }
  await insertMeetings(db, inserted, networkId, leader.id);
  await db.release();
  server ??= await boot();
  const running = server;
  const setupS = round1((performance.now() - began) / 1000);
  const past = inserted.filter((m) => m.startsAt.getTime() < Date.now()).length;
  const cancelled = inserted.filter((m) => m.cancelled).length;
  console.log(
    `setup: seeded in ${round1(seed.ms / 1000)} s, server healthy after ` +
      `${round1(firstHealthyMs / 1000)} s; ${inserted.length} meetings inserted for ` +
      `${LEADER.email} (${past} in the last 4 weeks, ${inserted.length - past} in the next ` +
      `6 months, ${cancelled} cancelled) next to ${seededEvents} from the demo seed; ready ` +
      `after ${setupS} s`,
  );

  // 1. The feed over HTTP.
  const feedPath = new URL(feedUrl).pathname;
  const feedGet = await timeGets(new URL(feedPath, origin).href, "", FEED_WARMUP, FEED_REQUESTS);
  const feedEvents = countEvents(feedGet.body);
  const feedCancelled = feedGet.body.split("STATUS:CANCELLED").length - 1;
  const feedBytes = Buffer.byteLength(feedGet.body);

  // 2. The list page: one client, then 20 connections.
  const listUrl = new URL("/meetings", origin).href;
  const firstList = await client.get("/meetings");
  if (firstList.status !== 200) {
    throw new BenchError(`GET /meetings as the leader: ${summary(firstList)}`);
  }
  const listRows = new Set(firstList.body.match(/\/meetings\/[0-9a-f-]{36}/g) ?? []).size;
  // The floor: the same rows from memory, asked for without a cookie (see the comment above).
  const floorUrl = new URL(FLOOR_PATH, origin).href;
  const firstFloor = await new BroenClient(origin).get(FLOOR_PATH);
  if (firstFloor.status !== 200) {
    throw new BenchError(`GET ${FLOOR_PATH} (BROEN_BENCH_FLOOR=1): ${summary(firstFloor)}`);
  }
  const floorRows = new Set(firstFloor.body.match(/\/meetings\/[0-9a-f-]{36}/g) ?? []).size;
  const listSingle = await timeGets(listUrl, client.cookie, 5, LIST_SINGLE_REQUESTS);
  const warmup = await loadTest(listUrl, client.cookie, LIST_WARMUP_SECONDS);
  const floorWarmup = await loadTest(floorUrl, "", LIST_WARMUP_SECONDS);
  // Blocks alternated list floor, floor list, …: both sides meet the same machine and the same
  // state of the server. CPU the serving process spent per answer is steadier than latency on a
  // shared machine.
  const list = new Side(listUrl, client.cookie, LIST_CONNECTIONS);
  const floor = new Side(floorUrl, "", LIST_CONNECTIONS);
  const blockSeconds = LIST_SECONDS / LIST_ROUNDS;
  const windows: string[] = [];
  for (let round = 0; round < LIST_ROUNDS; round++) {
    const order = round % 2 === 0 ? [list, floor] : [floor, list];
    for (const side of order) {
      const { startedUs, endedUs } = await side.block(running.pid, blockSeconds);
      windows.push(`${side === list ? "list" : "floor"} ${startedUs}-${endedUs}`);
    }
  }
  const listCpuMs = list.cpuMs;

  // 3. The server is done: stop it before timing the builder in this process.
  const stopped = await running.stop();
  server = undefined;
  const builder = timeBuilder(feedInput(planned, origin));

  await db.drop();
  database = undefined;

  // Report.
  const listLatency = list.latency;
  const floorLatency = floor.latency;
  const listRps = list.rps;
  const perProcess = SERVER_PROCESSES === 1; // /proc CPU is the primary's alone otherwise
  const cpuRatio = perProcess ? round2(list.cpuMs / floor.cpuMs) : null;
  const p95Ratio = round2(listLatency.p95 / floorLatency.p95);
  const blockCpuRatios = list.blocks.map((b, i) => round2(b.cpuMs / floor.blocks[i]!.cpuMs));
  const feedHttp = feedGet.summary;
  const ratio = round2(builder.ours.median / builder.peer.median);
  console.log("");
  console.log(
    `Calendar feed, ${MEETINGS} meetings (${feedEvents} VEVENTs, ${feedCancelled} ` +
      `cancelled, ${round1(feedBytes / 1024)} KiB of text, sent gzip-compressed)`,
  );
  console.log(
    `  HTTP GET ${feedPath.replace(/[^/]+\.ics$/, "<token>.ics")}, end to end ` +
      `(${FEED_REQUESTS} sequential requests after ${FEED_WARMUP} warm-up):`,
  );
  console.log(`    ${describeSummary(feedHttp)}`);
  console.log(
    `  feedCalendar() in-process (${BUILDER_ROUNDS} runs after ${BUILDER_WARMUP} warm-up):`,
  );
  console.log(`    ${describeSummary(builder.ours)}`);
  console.log(`  peer, ical-generator's own toString() (alternated A B B A with the above):`);
  console.log(`    ${describeSummary(builder.peer)}`);
  console.log(
    `    ratio ours/peer (medians): ${ratio}; same text as the peer: ${builder.matches ? "yes" : "NO"}`,
  );
  console.log(
    `  target: feed < ${FEED_TARGET_MS} ms (HTTP median): ${verdict(feedHttp.median, FEED_TARGET_MS)}`,
  );
  console.log("");
  console.log(
    `Meetings list, GET /meetings as the leader (${listRows} meetings linked on the page)`,
  );
  console.log(`  one client, ${LIST_SINGLE_REQUESTS} sequential requests after 5 warm-up:`);
  console.log(`    ${describeSummary(listSingle.summary)}`);
  const w = warmup.result;
  console.log(
    `  warm-up, ${LIST_CONNECTIONS} connections for ${w.duration} s (not counted): ` +
      `${round1(w["2xx"] / w.duration)} req/s, p50 ${warmup.latency.median} ms, ` +
      `p95 ${warmup.latency.p95} ms`,
  );
  const fw = floorWarmup.result;
  console.log(
    `  floor warm-up, ${FLOOR_PATH}, the same for ${fw.duration} s (not counted): ` +
      `${round1(fw["2xx"] / fw.duration)} req/s, p50 ${floorWarmup.latency.median} ms, ` +
      `p95 ${floorWarmup.latency.p95} ms`,
  );
  console.log(
    `  ${LIST_CONNECTIONS} connections, ${LIST_ROUNDS} rounds of ${round1(blockSeconds)} s ` +
      `blocks alternated with the floor's (autocannon), ${round1(list.seconds)} s in all: ` +
      `${listRps} req/s (${list.answers} 2xx responses; non-2xx ${list.non2xx}, errors ` +
      `${list.errors}, timeouts ${list.timeouts})`,
  );
  console.log(
    `    server CPU: ${listCpuMs} ms per answer` +
      (SERVER_PROCESSES > 1 ? " (the primary process only: not meaningful with several)" : ""),
  );
  console.log(
    `    latency: p50 ${listLatency.median} ms, p95 ${listLatency.p95} ms, p99 ` +
      `${listLatency.p99} ms, max ${listLatency.max} ms (from every 2xx response time)`,
  );
  console.log(
    `    per block: ` +
      list.blocks
        .map(
          (b) => `${b.rps} req/s, ${b.cpuMs} ms CPU, autocannon's p97.5 ${b.p97_5} / p99 ${b.p99}`,
        )
        .join("; "),
  );
  console.log(
    `  floor, GET ${FLOOR_PATH} without a cookie (${floorRows} rows from memory, logged-out ` +
      `shell), in the same blocks: ${floor.rps} req/s (${floor.answers} 2xx responses; non-2xx ` +
      `${floor.non2xx}, errors ${floor.errors}, timeouts ${floor.timeouts})`,
  );
  console.log(`    server CPU: ${floor.cpuMs} ms per answer`);
  console.log(
    `    latency: p50 ${floorLatency.median} ms, p95 ${floorLatency.p95} ms, p99 ` +
      `${floorLatency.p99} ms, max ${floorLatency.max} ms`,
  );
  console.log(
    `    per block: ` +
      floor.blocks
        .map(
          (b) => `${b.rps} req/s, ${b.cpuMs} ms CPU, autocannon's p97.5 ${b.p97_5} / p99 ${b.p99}`,
        )
        .join("; "),
  );
  console.log(
    `  list / floor: server CPU per answer ${cpuRatio ?? "n/a"} (per round ` +
      `${blockCpuRatios.join(", ")}), p95 ${p95Ratio}; page ` +
      `${round1(Buffer.byteLength(firstList.body) / 1024)} against ` +
      `${round1(Buffer.byteLength(firstFloor.body) / 1024)} KiB of HTML`,
  );
  console.log(
    `  target: server CPU list/floor <= ${LIST_CPU_RATIO_TARGET}: ` +
      (cpuRatio === null
        ? "not measured with several server processes"
        : cpuRatio <= LIST_CPU_RATIO_TARGET
          ? `met (${cpuRatio})`
          : `missed (${cpuRatio})`),
  );
  if (BROEN_NODE_ARGS.some((a) => a.startsWith("--cpu-prof"))) {
    console.log(
      `  measured blocks (CLOCK_MONOTONIC µs, to cut the profile): ${windows.join(", ")}`,
    );
  }
  console.log(
    `  target: list page p95 < ${LIST_P95_TARGET_MS} ms under ${LIST_CONNECTIONS} connections: ` +
      verdict(listLatency.p95, LIST_P95_TARGET_MS),
  );
  for (const [name, side] of [
    ["list", list],
    ["floor", floor],
  ] as const) {
    if (side.non2xx > 0 || side.errors > 0) {
      console.log(
        `  WARNING: ${side.non2xx} non-2xx answers and ${side.errors} errors under load (${name})`,
      );
    }
  }
  if (floorRows !== listRows) {
    console.log(`  WARNING: the floor linked ${floorRows} rows, the list ${listRows}`);
  }
  if (feedEvents !== MEETINGS) {
    console.log(`  WARNING: the feed held ${feedEvents} events, not ${MEETINGS}`);
  }
  if (stopped.code !== 0) {
    console.log(`  WARNING: the server exited with code ${stopped.code ?? "none"} after SIGTERM`);
  }
  console.log(
    `(server stopped in ${round1(stopped.ms)} ms; database dropped; load average at the end ` +
      `${loadAverage()}; total ${round1((performance.now() - began) / 1000)} s)`,
  );

  const range = (s: Summary, prefix: string) => ({
    [`${prefix}_p95_ms`]: s.p95,
    [`${prefix}_p99_ms`]: s.p99,
    [`${prefix}_min_ms`]: s.min,
    [`${prefix}_max_ms`]: s.max,
  });
  console.log(
    JSON.stringify({
      feed_500_ms: feedHttp.median,
      list_rps: listRps,
      list_p95_ms: listLatency.p95,
      list_server_cpu_ms: perProcess ? listCpuMs : null,
      list_cpu_ratio: cpuRatio,
      list_p95_ratio: p95Ratio,
      list_cpu_ratio_target: LIST_CPU_RATIO_TARGET,
      list_cpu_ratio_target_met: cpuRatio === null ? null : cpuRatio <= LIST_CPU_RATIO_TARGET,
      list_cpu_ratio_rounds: blockCpuRatios,
      floor_rps: floor.rps,
      floor_p50_ms: floorLatency.median,
      floor_p95_ms: floorLatency.p95,
      floor_p99_ms: floorLatency.p99,
      floor_server_cpu_ms: perProcess ? floor.cpuMs : null,
      floor_requests: floor.answers,
      floor_non2xx: floor.non2xx,
      floor_errors: floor.errors,
      floor_warmup_p95_ms: floorWarmup.latency.p95,
      floor_page_meetings: floorRows,
      list_page_bytes: Buffer.byteLength(firstList.body),
      floor_page_bytes: Buffer.byteLength(firstFloor.body),
      ...range(feedHttp, "feed_http"),
      feed_http_requests: feedHttp.n,
      feed_builder_ms: builder.ours.median,
      ...range(builder.ours, "feed_builder"),
      feed_builder_runs: builder.ours.n,
      feed_library_ms: builder.peer.median,
      feed_builder_ratio: ratio,
      feed_builder_matches_library: builder.matches,
      feed_events: feedEvents,
      feed_bytes: feedBytes,
      feed_target_ms: FEED_TARGET_MS,
      feed_target_met: feedHttp.median < FEED_TARGET_MS,
      list_p50_ms: listLatency.median,
      list_p99_ms: listLatency.p99,
      list_max_ms: listLatency.max,
      list_p95_source: "exact, from every 2xx response time (autocannon reports no p95)",
      // autocannon's own histograms are per block: the highest block's figure.
      list_autocannon_p97_5_ms: Math.max(...list.blocks.map((b) => b.p97_5)),
      list_autocannon_p99_ms: Math.max(...list.blocks.map((b) => b.p99)),
      list_requests: list.answers,
      list_non2xx: list.non2xx,
      list_errors: list.errors,
      list_connections: LIST_CONNECTIONS,
      list_duration_s: round2(list.seconds),
      list_rounds: LIST_ROUNDS,
      list_single_ms: listSingle.summary.median,
      list_warmup_s: w.duration,
      list_warmup_rps: round1(w["2xx"] / w.duration),
      list_warmup_p95_ms: warmup.latency.p95,
      list_page_meetings: listRows,
      list_p95_target_ms: LIST_P95_TARGET_MS,
      list_p95_target_met: listLatency.p95 < LIST_P95_TARGET_MS,
      meetings: MEETINGS,
      meetings_inserted: inserted.length,
      meetings_from_seed: seededEvents,
      db: db.kind,
      server_processes: SERVER_PROCESSES,
      cpus: os.cpus().length,
      load_avg_1m_start: loadStart,
      load_avg_1m_end: loadAverage(),
      server_exit_code: stopped.code,
    }),
  );
}

/** Stops the server gracefully if it still runs, then drops the database. */
async function cleanUp() {
  const running = server;
  server = undefined;
  await running?.stop().catch(() => {});
  killChildren();
  const db = database;
  database = undefined;
  await db?.drop().catch((error: unknown) => {
    process.stderr.write(`warning: could not drop the bench database: ${String(error)}\n`);
  });
}

cleanUpOnExit("bench:calendar", {
  database: () => database,
  forgetServers: () => {
    server = undefined;
  },
  cleanUp,
});

await runBench("bench:calendar", main, cleanUp);
