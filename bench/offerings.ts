/*
 * Offerings benchmark: `npm run bench:offerings` (issue 13, "Figures"; ADR 024).
 *
 * Against the production build (NODE_ENV=production, `node --import tsx server.ts` as `npm start`
 * runs it, one process), twice: on a PostgreSQL database created for the run
 * (`broen_bench_<random>` on 127.0.0.1:5432, dropped at the end, also on failure), then on the
 * embedded database (PGlite) in a temporary folder (removed at the end). Each run seeds the demo
 * (with its catalogue of about 60 offerings), then:
 *   - import_5000_ms: the demo coordinator imports BENCH_OFFERINGS (5,000) offerings as one CSV
 *     file (bench/lib/offerings-data.ts, ~1.3 MB) through POST /offerings/import, multipart as
 *     the browser sends it; the time from sending to the answer (all rows checked, then saved
 *     in one transaction). The catalogue searched below is the demo's plus these.
 *   - search_p95_ms (PostgreSQL) / search_pglite_p95_ms: the demo leader GETs the search page
 *     for ten typical searches with filters (TYPICAL_SEARCHES), one request at a time as a
 *     leader typing would, BENCH_SEARCH_ROUNDS (20) rounds after 2 not counted; p95 of the
 *     whole page's response time (loader, search, render).
 *   - search_cpu_ratio (PostgreSQL): the server process's CPU time (/proc/<pid>/stat) per
 *     search answer (the ten searches in turn on each of 20 connections, autocannon) divided
 *     by the same per answer of GET /meetings as the same leader (the meetings list, the
 *     peer page the other benches compare with), in alternated blocks after a warm-up of each
 *     (target ≤ 1.5).
 * Timings are only reported, never asserted. The last line printed is one JSON object.
 * Knobs: BENCH_OFFERINGS (5000), BENCH_SEARCH_ROUNDS (20), BENCH_LOAD_SECONDS (10 per page, in
 * all), BENCH_LOAD_WARMUP_SECONDS (5), BENCH_LOAD_ROUNDS (2), BENCH_SKIP_PGLITE=1 (PostgreSQL
 * only), BENCH_BROEN_NODE_ARGS (extra node flags for the server, e.g. "--cpu-prof
 * --cpu-prof-dir=DIR"; the measured blocks are then printed to cut the profile with
 * bench/lib/profile.ts), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openBenchDatabase, type BenchDatabase } from "./lib/bench-database";
import { ACCEPT_ENCODING, BroenClient, formTokenOf, summary } from "./lib/broen-client";
import { loadTest, Side } from "./lib/load-blocks";
import { offeringsCsv, TYPICAL_SEARCHES } from "./lib/offerings-data";
import {
  BenchError,
  cleanUpOnExit,
  freePort,
  killChildren,
  runBench,
  runScript,
  startServer,
  type ServerProcess,
  positiveInt,
} from "./lib/processes";
import { describeSummary, round1, round2, summarize, verdict, type Summary } from "./lib/stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const PASSWORD = "broen-demo-2026";
const LEADER = "leder@fjordvik.test";
const COORDINATOR = "koordinator@fjordvik.test";

const BROEN_NODE_ARGS = (process.env.BENCH_BROEN_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
const OFFERINGS = positiveInt(process.env.BENCH_OFFERINGS, 5000);
const SEARCH_ROUNDS = positiveInt(process.env.BENCH_SEARCH_ROUNDS, 20);
const SEARCH_WARMUP_ROUNDS = 2;
const LOAD_CONNECTIONS = 20;
const LOAD_SECONDS = positiveInt(process.env.BENCH_LOAD_SECONDS, 10);
const LOAD_WARMUP_SECONDS = positiveInt(process.env.BENCH_LOAD_WARMUP_SECONDS, 5);
const LOAD_ROUNDS = positiveInt(process.env.BENCH_LOAD_ROUNDS, 2);
const SKIP_PGLITE = process.env.BENCH_SKIP_PGLITE === "1";
const SEARCH_P95_TARGET_MS = 50;
const CPU_RATIO_TARGET = 1.5;
const START_TIMEOUT_MS = 60_000;
const IMPORT_TIMEOUT_MS = 300_000;

const loadAverage = () => round2(os.loadavg()[0]!);

/** The search page's own count line: "<n> treff", "Ingen treff." → 0. */
function hitsOf(html: string): number {
  const status = /id="search-status"[^>]*>([^<]*)</.exec(html)?.[1] ?? "";
  const count = /^(\d+) treff/.exec(status);
  if (count) return Number(count[1]);
  if (status.startsWith("Ingen treff")) return 0;
  throw new BenchError(`the search page showed no count ("${status}")`);
}

/** POST /offerings/import with the file, multipart, as the browser sends it; times the answer. */
async function importCsv(
  client: BroenClient,
  csv: string,
): Promise<{ ms: number; created: number }> {
  const page = await client.get("/offerings/import");
  const token = page.status === 200 ? formTokenOf(page.body) : null;
  if (!token) throw new BenchError(`GET /offerings/import as ${COORDINATOR}: ${summary(page)}`);
  const form = new FormData();
  form.set("formToken", token);
  form.set("file", new Blob([csv], { type: "text/csv" }), "tilbud.csv");
  const startedAt = performance.now();
  const response = await fetch(new URL("/offerings/import", client.origin), {
    method: "POST",
    headers: { Cookie: client.cookie, Origin: client.origin, "Accept-Encoding": ACCEPT_ENCODING },
    body: form,
    redirect: "manual",
    signal: AbortSignal.timeout(IMPORT_TIMEOUT_MS),
  });
  const body = await response.text();
  const ms = performance.now() - startedAt;
  const created = Number(
    /created=(\d+)/.exec(response.headers.get("location") ?? "")?.[1] ?? Number.NaN,
  );
  if (response.status !== 302 || !Number.isFinite(created)) {
    throw new BenchError(
      `the import was not saved: ${response.status} ${response.headers.get("location") ?? ""}\n` +
        body
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .slice(0, 600),
    );
  }
  return { ms, created };
}

/** Each typical search once per round, one at a time; response times of the counted rounds. */
async function searchLatencies(client: BroenClient) {
  const times: number[] = [];
  const hits: Record<string, number> = {};
  for (let round = 0; round < SEARCH_WARMUP_ROUNDS + SEARCH_ROUNDS; round++) {
    for (const query of TYPICAL_SEARCHES) {
      const startedAt = performance.now();
      const answer = await client.get(`/offerings/search?${query}`);
      const ms = performance.now() - startedAt;
      if (answer.status !== 200) {
        throw new BenchError(`GET /offerings/search?${query}: ${summary(answer)}`);
      }
      hits[query] = hitsOf(answer.body);
      if (round >= SEARCH_WARMUP_ROUNDS) times.push(ms);
    }
  }
  return { latency: summarize(times), hits };
}

interface RunFigures {
  kind: "postgres" | "pglite";
  label: string;
  seedMs: number;
  importMs: number;
  created: number;
  offerings: number;
  search: Summary;
  hits: Record<string, number>;
  load?: { search: Side; meetings: Side; ratio: number; rounds: number[] };
}

const databases: BenchDatabase[] = [];
let server: ServerProcess | undefined;

/** One whole run on one database: seed, start, import, search (and load on PostgreSQL). */
async function runOn(db: BenchDatabase, organisationNames: () => Promise<string[]>) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    ...db.serverEnv,
    SESSION_SECRET: crypto.randomBytes(30).toString("base64url"),
    PUBLIC_URL: origin,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    SMTP_URL: undefined,
    WEB_CONCURRENCY: "1",
    RATE_LIMIT_GENERAL_PER_MINUTE: "10000000",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "10000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "10000000",
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const seed = await runScript(
    `seeding ${db.kind} (tsx scripts/seed.ts --force)`,
    TSX,
    ["scripts/seed.ts", "--force"],
    { cwd: root, env, timeoutMs: 120_000 },
  );
  const names = await organisationNames();
  await db.release();
  server = await startServer({
    command: process.execPath,
    args: [...BROEN_NODE_ARGS, "--import", "tsx", "server.ts"],
    cwd: root,
    env,
    origin,
    timeoutMs: START_TIMEOUT_MS,
    direct: true,
  });
  const running = server;
  const coordinator = new BroenClient(origin);
  await coordinator.logIn(COORDINATOR, PASSWORD);
  const leader = new BroenClient(origin);
  await leader.logIn(LEADER, PASSWORD);

  const imported = await importCsv(coordinator, offeringsCsv(OFFERINGS, names));
  if (imported.created !== OFFERINGS) {
    throw new BenchError(`the import created ${imported.created} offerings, not ${OFFERINGS}`);
  }
  const all = await leader.get("/offerings/search?includePaused=on");
  const offerings = hitsOf(all.body);
  const { latency, hits } = await searchLatencies(leader);

  let load: RunFigures["load"];
  if (db.kind === "postgres") {
    const searchPaths = TYPICAL_SEARCHES.map((q) => `/offerings/search?${q}`);
    const searchUrl = new URL(searchPaths[0]!, origin).href;
    const meetingsUrl = new URL("/meetings", origin).href;
    await loadTest(searchUrl, leader.cookie, LOAD_WARMUP_SECONDS, LOAD_CONNECTIONS, searchPaths);
    await loadTest(meetingsUrl, leader.cookie, LOAD_WARMUP_SECONDS, LOAD_CONNECTIONS);
    const search = new Side(searchUrl, leader.cookie, LOAD_CONNECTIONS, searchPaths);
    const meetings = new Side(meetingsUrl, leader.cookie, LOAD_CONNECTIONS);
    const blockSeconds = LOAD_SECONDS / LOAD_ROUNDS;
    const windows: string[] = [];
    for (let round = 0; round < LOAD_ROUNDS; round++) {
      for (const side of round % 2 === 0 ? [search, meetings] : [meetings, search]) {
        const { startedUs, endedUs } = await side.block(running.pid, blockSeconds);
        windows.push(`${side === search ? "search" : "meetings"} ${startedUs}-${endedUs}`);
      }
    }
    if (BROEN_NODE_ARGS.some((a) => a.startsWith("--cpu-prof"))) {
      console.log(
        `  measured blocks (CLOCK_MONOTONIC µs, to cut the profile): ${windows.join(", ")}`,
      );
    }
    load = {
      search,
      meetings,
      ratio: round2(search.cpuMs / meetings.cpuMs),
      rounds: search.blocks.map((b, i) => round2(b.cpuMs / meetings.blocks[i]!.cpuMs)),
    };
  }
  const stopped = await running.stop();
  server = undefined;
  if (stopped.code !== 0) {
    console.log(`  WARNING: the server exited with code ${stopped.code ?? "none"} after SIGTERM`);
  }
  const figures: RunFigures = {
    kind: db.kind,
    label: db.label,
    seedMs: seed.ms,
    importMs: imported.ms,
    created: imported.created,
    offerings,
    search: latency,
    hits,
    load,
  };
  report(figures);
  return figures;
}

function report(f: RunFigures) {
  console.log("");
  console.log(`${f.label}: seeded in ${round1(f.seedMs / 1000)} s`);
  console.log(
    `  import of ${f.created} offerings (CSV through POST /offerings/import): ${round1(f.importMs)} ms; ` +
      `${f.offerings} active and paused offerings in the catalogue`,
  );
  console.log(
    `  search page, ${TYPICAL_SEARCHES.length} typical searches × ${SEARCH_ROUNDS} rounds, one at a time:`,
  );
  console.log(`    ${describeSummary(f.search)}`);
  if (f.kind === "postgres") {
    console.log(
      `  target: p95 < ${SEARCH_P95_TARGET_MS} ms: ${verdict(f.search.p95, SEARCH_P95_TARGET_MS)}`,
    );
  }
  console.log(
    `  results per search: ${Object.entries(f.hits)
      .map(([q, n]) => `${decodeURIComponent(q)} → ${n}`)
      .join("; ")}`,
  );
  if (f.load) {
    for (const [name, side] of [
      ["search (the ten in turn)", f.load.search],
      ["meetings list, GET /meetings", f.load.meetings],
    ] as const) {
      const s = side.latency;
      console.log(
        `  ${name}: ${LOAD_CONNECTIONS} connections, ${side.blocks.length} blocks: ${side.rps} req/s ` +
          `(${side.answers} 2xx, non-2xx ${side.non2xx}, errors ${side.errors}); p50 ${s.median} ms, ` +
          `p95 ${s.p95} ms; server CPU ${side.cpuMs} ms per answer`,
      );
    }
    console.log(
      `  search / meetings: server CPU per answer ${f.load.ratio} (per round ${f.load.rounds.join(", ")}); ` +
        `target <= ${CPU_RATIO_TARGET}: ${f.load.ratio <= CPU_RATIO_TARGET ? "met" : "missed"}`,
    );
  }
}

async function main() {
  const began = performance.now();
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError(
      "build/index.js is missing; run `npm run build` (or npm run bench:offerings)",
    );
  }
  const loadStart = loadAverage();
  const pg = await openBenchDatabase();
  databases.push(pg);
  if (pg.kind !== "postgres") {
    throw new BenchError(`this benchmark needs PostgreSQL: ${pg.fallbackReason ?? "PGlite"}`);
  }
  console.log(
    `Broen offerings benchmark: production build, node ${process.version}, ${os.cpus().length} ` +
      `CPU(s), load average ${loadStart}; ${OFFERINGS} offerings imported; ` +
      `${SEARCH_ROUNDS} search rounds; ${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s per page ` +
      `in ${LOAD_ROUNDS} round(s) after ${LOAD_WARMUP_SECONDS} s warm-up each`,
  );
  let names: string[] = [];
  const onPostgres = await runOn(pg, async () => {
    names = (await pg.query<{ name: string }>("select name from organisations")).map((r) => r.name);
    return names;
  });
  await pg.drop();
  let onPglite: RunFigures | undefined;
  if (!SKIP_PGLITE) {
    const embedded = await openBenchDatabase("pglite");
    databases.push(embedded);
    // The same seed: the same organisations as on PostgreSQL.
    onPglite = await runOn(embedded, async () => names);
    await embedded.drop();
  }
  const loadEnd = loadAverage();
  console.log(
    `(databases dropped; load average at the end ${loadEnd}; total ` +
      `${round1((performance.now() - began) / 1000)} s)`,
  );
  const load = onPostgres.load!;
  console.log(
    JSON.stringify({
      search_p95_ms: onPostgres.search.p95,
      search_p95_pglite_ms: onPglite?.search.p95 ?? null,
      search_cpu_ratio: load.ratio,
      import_5000_ms: round1(onPostgres.importMs),
      import_5000_pglite_ms: onPglite ? round1(onPglite.importMs) : null,
      search_p50_ms: onPostgres.search.median,
      search_p99_ms: onPostgres.search.p99,
      search_p50_pglite_ms: onPglite?.search.median ?? null,
      search_p95_target_ms: SEARCH_P95_TARGET_MS,
      search_p95_target_met: onPostgres.search.p95 < SEARCH_P95_TARGET_MS,
      search_cpu_ratio_rounds: load.rounds,
      search_cpu_ratio_target: CPU_RATIO_TARGET,
      search_cpu_ratio_target_met: load.ratio <= CPU_RATIO_TARGET,
      search_server_cpu_ms: load.search.cpuMs,
      meetings_server_cpu_ms: load.meetings.cpuMs,
      search_load_p95_ms: load.search.latency.p95,
      meetings_load_p95_ms: load.meetings.latency.p95,
      search_load_rps: load.search.rps,
      meetings_load_rps: load.meetings.rps,
      search_non2xx: load.search.non2xx + load.meetings.non2xx,
      offerings_imported: onPostgres.created,
      offerings_searched: onPostgres.offerings,
      searches: TYPICAL_SEARCHES.length,
      search_rounds: SEARCH_ROUNDS,
      hits_per_search: Object.values(onPostgres.hits),
      connections: LOAD_CONNECTIONS,
      load_seconds: LOAD_SECONDS,
      cpus: os.cpus().length,
      load_avg_1m_start: loadStart,
      load_avg_1m_end: loadEnd,
    }),
  );
}

/** Stops the server if it still runs, then drops the databases. */
async function cleanUp() {
  const running = server;
  server = undefined;
  await running?.stop().catch(() => {});
  killChildren();
  for (const db of databases.splice(0)) {
    await db.drop().catch((error: unknown) => {
      process.stderr.write(`warning: could not drop a bench database: ${String(error)}\n`);
    });
  }
}

cleanUpOnExit("bench:offerings", {
  database: () => databases.at(-1),
  forgetServers: () => {
    server = undefined;
  },
  cleanUp,
});

await runBench("bench:offerings", main, cleanUp);
