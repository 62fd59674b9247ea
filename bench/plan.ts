/*
 * Plan benchmark: `npm run bench:plan` (issue 12, "Figures").
 *
 * Against the production build (NODE_ENV=production, `node --import tsx server.ts` as `npm start`
 * runs it, one child process) on a PostgreSQL database created for the run (`broen_bench_<random>`
 * on 127.0.0.1:5432, dropped at the end, also on failure). PostgreSQL only: the projection lag
 * is read from SQL while the server runs, and the embedded database is one process at a time.
 *
 * Data (bench/lib/plan-data.ts): BENCH_NETWORKS (200) networks, each with a whole plan written
 * with the real document code into the document store — an overview choosing all seven life
 * areas and seven area documents of 5 goals × 5 actions — projected into plan_goals /
 * plan_actions with the real projection. The demo partner nav@fjordvik.test is a member with
 * consent (plan, agenda) of BENCH_USER_NETWORKS (50) of them, responsible for one action in
 * work and one in economy of each, and invited to one upcoming meeting in each.
 *   - projection_p50_ms / projection_p95_ms: the demo leader's real Yjs client (y-websocket
 *     over Broen's /realtime socket, as bench:realtime connects) rewrites an action's text in
 *     an area document; the time from that edit to the row in plan_actions holding the new
 *     text, polled with SQL every 5 ms. BENCH_PROJECTION_SAMPLES (60) edits after 5 not
 *     counted, one after the other, round-robin over up to 20 documents of different networks
 *     (opened and synced first, kept open to the end). The server projects a document 200 ms
 *     after its last edit (projectionHooks), so about 200 ms of the lag is that debounce.
 *   - tasks_p95_ms: GET /tasks as the partner with 20 concurrent connections (autocannon), in
 *     blocks alternated with GET /meetings as the same partner (its list of the same networks'
 *     meetings), after a warm-up of each; exact p95 from every 2xx response time.
 *   - tasks_cpu_ratio: the server process's CPU time (/proc/<pid>/stat) per /tasks answer
 *     divided by the same per /meetings answer, over the same alternated blocks (target ≤ 1.5).
 * Timings are only reported, never asserted. The last line printed is one JSON object.
 * Knobs: BENCH_NETWORKS (200), BENCH_USER_NETWORKS (50), BENCH_PROJECTION_SAMPLES (60),
 * BENCH_LOAD_SECONDS (10 per page, in all), BENCH_LOAD_WARMUP_SECONDS (5), BENCH_LOAD_ROUNDS (2),
 * BENCH_BROEN_NODE_ARGS (extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=DIR"),
 * BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import * as Y from "yjs";
import { PLAN_PARTS } from "../app/features/plan/document";
import { openBenchDatabase, type BenchDatabase } from "./lib/bench-database";
import { BroenClient, summary } from "./lib/broen-client";
import { loadTest, Side } from "./lib/load-blocks";
import { ACTIONS_PER_GOAL, GOALS_PER_AREA, insertPlans } from "./lib/plan-data";
import {
  BenchError,
  cleanUpOnExit,
  runBench,
  freePort,
  killChildren,
  runScript,
  sleep,
  startServer,
  type ServerProcess,
  positiveInt,
} from "./lib/processes";
import { connectAll, openClient, type BenchClient, type Target } from "./lib/realtime-clients";
import { describeSummary, round1, round2, summarize, verdict } from "./lib/stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const PASSWORD = "broen-demo-2026";
const LEADER = "leder@fjordvik.test";
const PARTNER = "nav@fjordvik.test";
const AREAS = 7;

const NETWORKS = positiveInt(process.env.BENCH_NETWORKS, 200);
const USER_NETWORKS = Math.min(positiveInt(process.env.BENCH_USER_NETWORKS, 50), NETWORKS);
const PROJECTION_SAMPLES = positiveInt(process.env.BENCH_PROJECTION_SAMPLES, 60);
const PROJECTION_WARMUP = 5;
const PROJECTION_DOCUMENTS = 20;
const PROJECTION_POLL_MS = 5;
const PROJECTION_TIMEOUT_MS = 10_000;
const PROJECTION_P95_TARGET_MS = 1000;
const LOAD_CONNECTIONS = 20;
const LOAD_SECONDS = positiveInt(process.env.BENCH_LOAD_SECONDS, 10);
const LOAD_WARMUP_SECONDS = positiveInt(process.env.BENCH_LOAD_WARMUP_SECONDS, 5);
const LOAD_ROUNDS = positiveInt(process.env.BENCH_LOAD_ROUNDS, 2);
const CPU_RATIO_TARGET = 1.5;
const START_TIMEOUT_MS = 60_000;
const BROEN_NODE_ARGS = (process.env.BENCH_BROEN_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);

/** The 1-minute load average: on a shared machine other work competes for the CPUs. */
const loadAverage = () => round2(os.loadavg()[0]!);

// ---------------------------------------------------------------------------------------------
// Projection lag

interface Editable {
  documentName: string;
  actionId: string;
}

/** Replaces the text of action `actionId` in an area document, as an editor would. */
function rewriteAction(doc: Y.Doc, actionId: string, value: string): void {
  const action = doc.getMap(PLAN_PARTS.actions).get(actionId);
  const what = action instanceof Y.Map ? (action as Y.Map<unknown>).get("what") : undefined;
  if (!(what instanceof Y.Text)) throw new BenchError(`action ${actionId} has no text to edit`);
  doc.transact(() => {
    what.delete(0, what.length);
    what.insert(0, value);
  });
}

/**
 * Edits one action after the other through the clients (round-robin) and times each until
 * plan_actions holds the new text. Returns the lags of the counted edits (ms).
 */
async function projectionLags(
  db: BenchDatabase,
  opened: { client: BenchClient; edit: Editable }[],
  warmup: number,
  count: number,
  describeServer: () => string,
): Promise<number[]> {
  const lags: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const { client, edit } = opened[i % opened.length]!;
    const value = `Tiltak endret i benken, runde ${i + 1} (${crypto.randomUUID().slice(0, 8)})`;
    const startedAt = performance.now();
    rewriteAction(client.doc, edit.actionId, value);
    for (;;) {
      const [row] = await db.query<{ what: string }>(
        "select what from plan_actions where document_name = $1 and action_id = $2",
        [edit.documentName, edit.actionId],
      );
      if (row?.what === value) break;
      if (performance.now() - startedAt > PROJECTION_TIMEOUT_MS) {
        throw new BenchError(
          `the edit of ${edit.documentName} did not reach plan_actions within ` +
            `${PROJECTION_TIMEOUT_MS / 1000} s (close codes: ${client.closeCodes.join(", ") || "none"}).\n` +
            describeServer(),
        );
      }
      await sleep(PROJECTION_POLL_MS);
    }
    if (i >= warmup) lags.push(performance.now() - startedAt);
  }
  return lags;
}

// ---------------------------------------------------------------------------------------------
// Run

let database: BenchDatabase | undefined;
let server: ServerProcess | undefined;
const clients: BenchClient[] = [];

async function main() {
  const began = performance.now();
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError("build/index.js is missing; run `npm run build` (or npm run bench:plan)");
  }
  const loadStart = loadAverage();
  database = await openBenchDatabase();
  const db = database;
  if (db.kind !== "postgres" || !db.serverEnv.DATABASE_URL) {
    throw new BenchError(`this benchmark needs PostgreSQL: ${db.fallbackReason ?? "PGlite"}`);
  }
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
    SMTP_URL: undefined,
    WEB_CONCURRENCY: "1", // /proc CPU is one process's
    RATE_LIMIT_GENERAL_PER_MINUTE: "10000000",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "10000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "10000000",
    REALTIME_MESSAGES_PER_SECOND: "1000",
    REALTIME_UPGRADES_PER_MINUTE: "100000",
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  console.log(
    `Broen plan benchmark: production build, ${db.label}, node ${process.version}, ` +
      `${os.cpus().length} CPU(s), load average ${loadStart}`,
  );
  console.log(
    `knobs: ${NETWORKS} networks × ${AREAS} areas × ${GOALS_PER_AREA} goals × ` +
      `${ACTIONS_PER_GOAL} actions; ${PARTNER} in ${USER_NETWORKS} of them; ` +
      `${PROJECTION_SAMPLES} projection samples (after ${PROJECTION_WARMUP}); ` +
      `${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s per page in ${LOAD_ROUNDS} round(s) ` +
      `after ${LOAD_WARMUP_SECONDS} s warm-up each` +
      (BROEN_NODE_ARGS.length ? `; server node flags ${BROEN_NODE_ARGS.join(" ")}` : ""),
  );

  const seed = await runScript(
    "seeding (tsx scripts/seed.ts --force)",
    TSX,
    ["scripts/seed.ts", "--force"],
    { cwd: root, env, timeoutMs: 60_000 },
  );
  const users = await db.query<{ id: string; email: string }>(
    "select id, email from users where email in ($1, $2)",
    [LEADER, PARTNER],
  );
  const leaderId = users.find((u) => u.email === LEADER)?.id;
  const partnerId = users.find((u) => u.email === PARTNER)?.id;
  if (!leaderId || !partnerId) throw new BenchError(`the seed created no ${LEADER} or ${PARTNER}`);
  const dataStarted = performance.now();
  const data = await insertPlans(db, {
    networks: NETWORKS,
    partnerNetworks: USER_NETWORKS,
    leaderId,
    partnerId,
    databaseUrl: db.serverEnv.DATABASE_URL,
  });
  const dataS = round1((performance.now() - dataStarted) / 1000);
  const [partnerNetworkCount] = await db.query<{ n: number }>(
    "select count(distinct network_id)::int as n from network_members " +
      "where user_id = $1 and removed_at is null",
    [partnerId],
  );
  console.log(
    `setup: seeded in ${round1(seed.ms / 1000)} s; ${NETWORKS} networks, ${data.documents} ` +
      `documents, ${data.goals} goals and ${data.actions} actions written and projected in ` +
      `${dataS} s (projection writes ${round1(data.projectMs / 1000)} s); ${PARTNER} is a member ` +
      `of ${partnerNetworkCount?.n ?? "?"} networks (${USER_NETWORKS} of the bench's, the rest ` +
      `from the demo seed), responsible for ${data.partnerActions} of the bench's actions`,
  );

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
  const leader = new BroenClient(origin);
  await leader.logIn(LEADER, PASSWORD);
  const partner = new BroenClient(origin);
  await partner.logIn(PARTNER, PASSWORD);
  console.log(
    `server healthy after ${round1(running.healthyMs / 1000)} s; ready after ` +
      `${round1((performance.now() - began) / 1000)} s`,
  );

  // 1. Projection lag: edits through the real socket, rows polled in SQL.
  const target: Target = {
    name: "broen",
    serverUrl: `ws://127.0.0.1:${port}/realtime`,
    headers: { Cookie: leader.cookie, Origin: origin },
  };
  // Different networks, areas cycling: one document per network.
  const chosen = data.networkIds
    .slice(0, PROJECTION_DOCUMENTS)
    .map((networkId, i) => data.editable.filter((e) => e.networkId === networkId)[i % AREAS]!);
  const opened = chosen.map((edit) => {
    const client = openClient(target, edit.documentName);
    clients.push(client);
    return { client, edit };
  });
  await connectAll(opened.map((o) => o.client));
  const lags = await projectionLags(db, opened, PROJECTION_WARMUP, PROJECTION_SAMPLES, () =>
    running.describe(),
  );
  const lag = summarize(lags);

  // 2. My tasks and the meetings list as the partner, 20 connections, alternated blocks.
  const tasksPage = await partner.get("/tasks");
  if (tasksPage.status !== 200)
    throw new BenchError(`GET /tasks as ${PARTNER}: ${summary(tasksPage)}`);
  // Each task on the list has one "update status" link (?edit=<actionId>).
  const tasksShown = tasksPage.body.split("?edit=").length - 1;
  const meetingsPage = await partner.get("/meetings");
  if (meetingsPage.status !== 200) {
    throw new BenchError(`GET /meetings as ${PARTNER}: ${summary(meetingsPage)}`);
  }
  const meetingsShown = new Set(meetingsPage.body.match(/\/meetings\/[0-9a-f-]{36}/g) ?? []).size;
  const tasksUrl = new URL("/tasks", origin).href;
  const meetingsUrl = new URL("/meetings", origin).href;
  const tasksWarmup = await loadTest(
    tasksUrl,
    partner.cookie,
    LOAD_WARMUP_SECONDS,
    LOAD_CONNECTIONS,
  );
  const meetingsWarmup = await loadTest(
    meetingsUrl,
    partner.cookie,
    LOAD_WARMUP_SECONDS,
    LOAD_CONNECTIONS,
  );
  const tasks = new Side(tasksUrl, partner.cookie, LOAD_CONNECTIONS);
  const meetingsList = new Side(meetingsUrl, partner.cookie, LOAD_CONNECTIONS);
  const blockSeconds = LOAD_SECONDS / LOAD_ROUNDS;
  const windows: string[] = [];
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    const order = round % 2 === 0 ? [tasks, meetingsList] : [meetingsList, tasks];
    for (const side of order) {
      const { startedUs, endedUs } = await side.block(running.pid, blockSeconds);
      windows.push(`${side === tasks ? "tasks" : "meetings"} ${startedUs}-${endedUs}`);
    }
  }

  for (const client of clients.splice(0)) client.destroy();
  const stopped = await running.stop();
  server = undefined;
  await db.drop();
  database = undefined;

  // Report.
  const tasksLatency = tasks.latency;
  const meetingsLatency = meetingsList.latency;
  const cpuRatio = round2(tasks.cpuMs / meetingsList.cpuMs);
  const roundRatios = tasks.blocks.map((b, i) => round2(b.cpuMs / meetingsList.blocks[i]!.cpuMs));
  console.log("");
  console.log(
    `Projection lag, an action's text rewritten by a Yjs client over /realtime until ` +
      `plan_actions holds it (${PROJECTION_SAMPLES} edits after ${PROJECTION_WARMUP}, over ` +
      `${opened.length} documents, SQL polled every ${PROJECTION_POLL_MS} ms):`,
  );
  console.log(`    ${describeSummary(lag)}`);
  console.log(
    `  target: p95 < ${PROJECTION_P95_TARGET_MS} ms: ${verdict(lag.p95, PROJECTION_P95_TARGET_MS)}`,
  );
  console.log("");
  for (const [name, side, warm, shown] of [
    ["My tasks, GET /tasks", tasks, tasksWarmup, `${tasksShown} tasks`],
    ["Meetings list, GET /meetings", meetingsList, meetingsWarmup, `${meetingsShown} meetings`],
  ] as const) {
    const s = side.latency;
    const w = warm.result;
    console.log(`${name} as ${PARTNER} (${shown} on the page)`);
    console.log(
      `  warm-up, ${LOAD_CONNECTIONS} connections for ${w.duration} s (not counted): ` +
        `${round1(w["2xx"] / w.duration)} req/s, p95 ${warm.latency.p95} ms`,
    );
    console.log(
      `  ${LOAD_CONNECTIONS} connections, ${side.blocks.length} blocks of ${round1(blockSeconds)} s ` +
        `(alternated): ${side.rps} req/s (${side.answers} 2xx; non-2xx ${side.non2xx}, errors ` +
        `${side.errors}, timeouts ${side.timeouts}); server CPU ${side.cpuMs} ms per answer`,
    );
    console.log(
      `    latency: p50 ${s.median} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms`,
    );
    if (side.non2xx > 0 || side.errors > 0) {
      console.log(`  WARNING: ${side.non2xx} non-2xx answers and ${side.errors} errors under load`);
    }
  }
  console.log(
    `  tasks / meetings: server CPU per answer ${cpuRatio} (per round ${roundRatios.join(", ")}); ` +
      `target <= ${CPU_RATIO_TARGET}: ${cpuRatio <= CPU_RATIO_TARGET ? "met" : "missed"}`,
  );
  if (BROEN_NODE_ARGS.some((a) => a.startsWith("--cpu-prof"))) {
    console.log(
      `  measured blocks (CLOCK_MONOTONIC µs, to cut the profile): ${windows.join(", ")}`,
    );
  }
  if (stopped.code !== 0) {
    console.log(`  WARNING: the server exited with code ${stopped.code ?? "none"} after SIGTERM`);
  }
  const loadEnd = loadAverage();
  console.log(
    `(server stopped in ${round1(stopped.ms)} ms; database dropped; load average at the end ` +
      `${loadEnd}; total ${round1((performance.now() - began) / 1000)} s)`,
  );
  console.log(
    JSON.stringify({
      projection_p50_ms: lag.median,
      projection_p95_ms: lag.p95,
      tasks_p95_ms: tasksLatency.p95,
      tasks_cpu_ratio: cpuRatio,
      projection_p99_ms: lag.p99,
      projection_min_ms: lag.min,
      projection_max_ms: lag.max,
      projection_samples: lag.n,
      projection_documents: opened.length,
      projection_p95_target_ms: PROJECTION_P95_TARGET_MS,
      projection_p95_target_met: lag.p95 < PROJECTION_P95_TARGET_MS,
      tasks_p50_ms: tasksLatency.median,
      tasks_p99_ms: tasksLatency.p99,
      tasks_rps: tasks.rps,
      tasks_server_cpu_ms: tasks.cpuMs,
      tasks_requests: tasks.answers,
      tasks_non2xx: tasks.non2xx,
      tasks_errors: tasks.errors,
      tasks_on_page: tasksShown,
      tasks_page_bytes: Buffer.byteLength(tasksPage.body),
      tasks_cpu_ratio_rounds: roundRatios,
      tasks_cpu_ratio_target: CPU_RATIO_TARGET,
      tasks_cpu_ratio_target_met: cpuRatio <= CPU_RATIO_TARGET,
      meetings_p50_ms: meetingsLatency.median,
      meetings_p95_ms: meetingsLatency.p95,
      meetings_rps: meetingsList.rps,
      meetings_server_cpu_ms: meetingsList.cpuMs,
      meetings_requests: meetingsList.answers,
      meetings_non2xx: meetingsList.non2xx,
      meetings_errors: meetingsList.errors,
      meetings_on_page: meetingsShown,
      meetings_page_bytes: Buffer.byteLength(meetingsPage.body),
      connections: LOAD_CONNECTIONS,
      load_seconds: LOAD_SECONDS,
      load_rounds: LOAD_ROUNDS,
      networks: NETWORKS,
      user_networks: USER_NETWORKS,
      user_networks_total: partnerNetworkCount?.n ?? null,
      user_actions: data.partnerActions,
      documents: data.documents,
      goals: data.goals,
      actions: data.actions,
      db: db.kind,
      cpus: os.cpus().length,
      load_avg_1m_start: loadStart,
      load_avg_1m_end: loadEnd,
      server_exit_code: stopped.code,
    }),
  );
}

/** Closes the clients, stops the server if it still runs, then drops the database. */
async function cleanUp() {
  for (const client of clients.splice(0)) client.destroy();
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

cleanUpOnExit("bench:plan", {
  database: () => database,
  forgetServers: () => {
    server = undefined;
  },
  cleanUp,
});

await runBench("bench:plan", main, cleanUp);
