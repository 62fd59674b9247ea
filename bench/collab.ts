/*
 * Collaboration benchmark: `npm run bench:collab` (issue 11's figures).
 *
 * Broen runs as the real production server (NODE_ENV=production, the production build,
 * `node --import tsx server.ts` as one child process) on a PostgreSQL database created for the
 * run (`broen_bench_<random>`, dropped at the end, also on failure), seeded with the demo data.
 * The peer is y-websocket 2.1's own server (bench/lib/reference-server.mjs, as bench:realtime
 * runs it: no auth, no persistence, in memory). Browser: Debian's chromium via playwright-core,
 * its headless shell where installed (scripts/chromium.mjs, ADR 030; CHROMIUM_PATH to choose),
 * with --disable-renderer-backgrounding, --disable-background-timer-throttling and
 * --disable-backgrounding-occluded-windows. Timings are reported, never asserted.
 *
 *   1. keystroke to screen: two pages (two contexts, each the demo leader with a session of its
 *      own) open the benchmark page app/routes/bench.collab.tsx: the live agenda component of
 *      the meeting pages, loaded from the same chunk (TipTap + Collaboration + y-websocket of
 *      Broen's bundle), on a fresh document per round. With `?target=broen` it connects to
 *      Broen's /realtime like the meeting page (session cookie, Origin, document permission,
 *      the contributor policy, the update log); with `?target=reference` to the reference,
 *      whose URL the bench gives the server at start (BROEN_BENCH_REFERENCE_URL; the page
 *      answers only with BROEN_BENCH_FLOOR=1, and never takes a URL from the request). The
 *      contexts bypass the page's CSP for both targets (connect-src 'self' would refuse the
 *      reference's port). The writer adds an item through the form, types warm-up keys, then
 *      BENCH_EVEN_KEYS (50) keys one every BENCH_KEY_INTERVAL_MS (50) ms and BENCH_BURSTS (5)
 *      bursts of 10 keys back to back, 500 ms apart, into its notes; per key, keydown
 *      timeStamp in the writer → MutationObserver in the reader, on the clock both pages share
 *      (bench/lib/collab-browser.ts). Rounds in the order Broen, reference, reference, Broen:
 *      at least 100 even and 100 burst keys per server. p50/p95 over all keys, and per kind.
 *   2. agenda editable: BENCH_AGENDA_RUNS (5) meetings each get an agenda of 30 items with
 *      20,000 characters of notes (document.ts on a Y.Doc, stored as a row of the update log);
 *      for each, a fresh context (cold cache, no local copy) opens /meetings/<id> as the leader:
 *      navigation start → connected, synced, 30 items shown, the first item's notes editable
 *      (its editor, or the focusable stand-in that becomes one: lazy-rich-text.tsx) and focused
 *      → a pressed key is in the editor (and, untimed, on the server's page). Medians
 *      reported; target < 1 s.
 *   3. minutes: closing a meeting and rendering its minutes and their PDF (bench/lib/
 *      collab-data.ts), measured when the build has a minutes route; otherwise null with
 *      the reason.
 * The machine is shared: the 1-minute load average is printed at the start, after each round
 * and at the end. The last line printed is one JSON object.
 * Knobs: those above, BENCH_PROFILE (a directory: CPU profiles of the agenda openings, which
 * then take longer), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432/postgres), CHROMIUM_PATH.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { openBenchDatabase, type BenchDatabase } from "./lib/bench-database";
import { chromiumMissing } from "../scripts/chromium.mjs";
import { BroenClient } from "./lib/broen-client";
import {
  agendaEditable,
  CHROMIUM_PATH,
  keystrokeRound,
  launchBrowser,
  openContext,
  type KeystrokePlan,
} from "./lib/collab-browser";
import {
  closeAndRenderMinutes,
  minutesAvailable,
  notesCharacters,
  seededAgenda,
  type MinutesTimes,
} from "./lib/collab-data";
import {
  BenchError,
  cleanUpOnExit,
  reportBenchFailure,
  freePort,
  killChildren,
  runScript,
  startServer,
  type ServerProcess,
  positiveInt,
} from "./lib/processes";
import { createAgendaDocuments, demoNetwork, insertUpdates } from "./lib/realtime-data";
import { describeSummary, round1, round2, summarize, verdict } from "./lib/stats";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TSX = path.join(root, "node_modules/.bin/tsx");
const LEADER = { email: "leder@fjordvik.test", password: "broen-demo-2026" };

const PLAN: KeystrokePlan = {
  evenKeys: positiveInt(process.env.BENCH_EVEN_KEYS, 50),
  intervalMs: positiveInt(process.env.BENCH_KEY_INTERVAL_MS, 50),
  bursts: positiveInt(process.env.BENCH_BURSTS, 5),
  burstSize: 10,
  pauseMs: 500,
  warmupKeys: 10,
};
const AGENDA = {
  items: 30,
  characters: 20_000,
  runs: positiveInt(process.env.BENCH_AGENDA_RUNS, 5),
};
/** BENCH_PROFILE=<dir>: write a CPU profile of each agenda opening there (slows the page). */
const PROFILE_DIR = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;
if (PROFILE_DIR) fs.mkdirSync(PROFILE_DIR, { recursive: true });
const TARGETS = { ratio: 1.2, keystrokeP95Ms: 100, editableMs: 1000 };
const START_TIMEOUT_MS = 60_000;

const loadAverage = () => round2(os.loadavg()[0]!);

let database: BenchDatabase | undefined;
let browser: Browser | undefined;
const servers = new Set<ServerProcess>();

async function stop(server: ServerProcess | undefined) {
  if (!server) return null;
  servers.delete(server);
  return server.stop();
}

async function main() {
  const began = performance.now();
  if (!fs.existsSync(TSX)) throw new BenchError(`${TSX} not found; run npm install first`);
  if (!fs.existsSync(path.join(root, "build/index.js"))) {
    throw new BenchError(
      "build/index.js is missing; run `npm run build` (or npm run bench:collab)",
    );
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new BenchError(chromiumMissing(CHROMIUM_PATH));
  }
  const loadStart = loadAverage();
  database = await openBenchDatabase();
  const db = database;
  if (db.kind !== "postgres") {
    throw new BenchError(`this benchmark needs PostgreSQL: ${db.fallbackReason ?? "PGlite"}`);
  }
  console.log(
    `Broen collaboration benchmark: production build, ${db.label}, node ${process.version}, ` +
      `${os.cpus().length} CPU(s), load average ${loadStart}`,
  );

  // The reference first: Broen's benchmark page learns its URL at start.
  const refPort = await freePort();
  const refEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(refPort), HOST: "127.0.0.1" };
  delete refEnv.YPERSISTENCE;
  const reference = await startServer({
    command: process.execPath,
    args: [path.join(root, "bench/lib/reference-server.mjs")],
    cwd: root,
    env: refEnv,
    origin: `http://127.0.0.1:${refPort}`,
    timeoutMs: START_TIMEOUT_MS,
    readyLine: /y-websocket reference: http:\/\/\S+/,
    direct: true,
  });
  servers.add(reference);

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
    RATE_LIMIT_GENERAL_PER_MINUTE: "10000000",
    RATE_LIMIT_MUTATIONS_PER_MINUTE: "10000000",
    RATE_LIMIT_AUTH_PER_MINUTE: "10000000",
    BROEN_BENCH_FLOOR: "1",
    BROEN_BENCH_REFERENCE_URL: `ws://127.0.0.1:${refPort}`,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const seed = await runScript(
    "seeding (tsx scripts/seed.ts --force)",
    TSX,
    ["scripts/seed.ts", "--force"],
    { cwd: root, env, timeoutMs: 60_000 },
  );

  const { leaderId, networkId } = await demoNetwork(db, LEADER.email);
  // Meetings of the demo network led by the demo leader; planMeetings cancels every 20th.
  const meetings = (await createAgendaDocuments(db, 19, networkId, leaderId)).map((name) =>
    name.slice("agenda:".length),
  );
  const keystrokeMeetings = meetings.splice(0, 2);
  const agendaMeetings = meetings.splice(0, AGENDA.runs);
  if (agendaMeetings.length < AGENDA.runs) throw new BenchError("BENCH_AGENDA_RUNS is at most 17");
  const agenda = seededAgenda(AGENDA.items, AGENDA.characters, `user:${leaderId}`);
  const seeded = notesCharacters(agenda);
  for (const id of agendaMeetings) await insertUpdates(db, `agenda:${id}`, [agenda]);

  const server = await startServer({
    command: process.execPath,
    args: ["--import", "tsx", "server.ts"],
    cwd: root,
    env,
    origin,
    timeoutMs: START_TIMEOUT_MS,
    direct: true,
  });
  servers.add(server);
  const writerLogin = new BroenClient(origin);
  await writerLogin.logIn(LEADER.email, LEADER.password);
  const readerLogin = new BroenClient(origin);
  await readerLogin.logIn(LEADER.email, LEADER.password);
  browser = await launchBrowser();
  const browserVersion = browser.version();
  const writer = await (await openContext(browser, origin, writerLogin.cookie)).newPage();
  const reader = await (await openContext(browser, origin, readerLogin.cookie)).newPage();
  console.log(
    `setup: seeded in ${round1(seed.ms / 1000)} s; agenda of ${seeded.items} items with ` +
      `${seeded.characters} characters of notes (${round1(agenda.length / 1024)} KiB) in ` +
      `${AGENDA.runs} meetings; Broen healthy after ${round1(server.healthyMs / 1000)} s, ` +
      `reference after ${round1(reference.healthyMs / 1000)} s; ${CHROMIUM_PATH} ` +
      `${browserVersion}; ready after ${round1((performance.now() - began) / 1000)} s`,
  );

  // 1. Keystrokes, A B B A.
  const keys = {
    broen: { even: [] as number[], burst: [] as number[] },
    reference: { even: [] as number[], burst: [] as number[] },
  };
  for (const target of ["broen", "reference", "reference", "broen"] as const) {
    const doc = target === "broen" ? keystrokeMeetings.shift()! : crypto.randomUUID();
    const url = `${origin}/bench/collab?target=${target}&doc=${doc}`;
    const result = await keystrokeRound(writer, reader, url, PLAN);
    keys[target].even.push(...result.even);
    keys[target].burst.push(...result.burst);
    const all = summarize([...result.even, ...result.burst]);
    console.log(
      `  keystroke round (${target === "broen" ? "Broen" : "reference"}): p50 ${all.median} ms, ` +
        `p95 ${all.p95} ms over ${all.n} keys (even p95 ${summarize(result.even).p95}, burst ` +
        `p95 ${summarize(result.burst).p95}), load average ${loadAverage()}`,
    );
  }
  await writer.context().close();
  await reader.context().close();

  // 2. Agenda editable.
  const parsed: number[] = [];
  const connectedAt: number[] = [];
  const ready: number[] = [];
  const editable: number[] = [];
  for (const id of agendaMeetings) {
    const context = await openContext(browser, origin, writerLogin.cookie);
    try {
      const profile = PROFILE_DIR
        ? path.join(PROFILE_DIR, `agenda-${parsed.length + 1}.cpuprofile`)
        : undefined;
      const run = await agendaEditable(context, `${origin}/meetings/${id}`, AGENDA.items, profile);
      parsed.push(run.domContentLoadedMs);
      connectedAt.push(run.connectedMs);
      ready.push(run.readyMs);
      editable.push(run.editableMs);
      console.log(
        `  agenda editable: DOMContentLoaded ${round1(run.domContentLoadedMs)} ms, connected ` +
          `${round1(run.connectedMs)} ms, ready ${round1(run.readyMs)} ms, typed character in ` +
          `${round1(run.editableMs)} ms, load average ${loadAverage()}`,
      );
    } finally {
      await context.close();
    }
  }

  // 3. Minutes.
  const minutes = minutesAvailable(root);
  let minutesTimes: MinutesTimes | null = null;
  if (minutes.available) {
    minutesTimes = await closeAndRenderMinutes(writerLogin, agendaMeetings[0]!);
  }

  await browser.close();
  browser = undefined;
  const serverExit = await stop(server);
  await stop(reference);
  await db.drop();
  database = undefined;

  // The report.
  const ours = summarize([...keys.broen.even, ...keys.broen.burst], round2);
  const peer = summarize([...keys.reference.even, ...keys.reference.burst], round2);
  const ratio = round2(ours.p95 / peer.p95);
  const part = (values: number[]) => summarize(values, round2);
  const readyS = summarize(ready);
  const editableS = summarize(editable);
  console.log("");
  console.log("Keystroke to screen (keydown in one page → text in the other):");
  for (const [name, side] of [
    ["Broen", keys.broen],
    ["reference", keys.reference],
  ] as const) {
    console.log(`  ${name}, all keys: ${describeSummary(part([...side.even, ...side.burst]))}`);
    console.log(`    even (every ${PLAN.intervalMs} ms): ${describeSummary(part(side.even))}`);
    console.log(`    bursts of ${PLAN.burstSize}: ${describeSummary(part(side.burst))}`);
  }
  console.log(
    `  p95 ratio Broen/reference ${ratio}: ` +
      (ratio <= TARGETS.ratio ? "met" : "missed") +
      ` (target ≤ ${TARGETS.ratio}); Broen p95 ${verdict(ours.p95, TARGETS.keystrokeP95Ms)}`,
  );
  console.log(
    `Agenda of ${AGENDA.items} items, ${AGENDA.characters} characters (from navigation ` +
      `start): DOMContentLoaded median ${summarize(parsed).median} ms, connected and synced ` +
      `median ${summarize(connectedAt).median} ms;`,
  );
  console.log(
    `  ready (30 items shown, first item's notes editable) ` +
      `${describeSummary(readyS)}; editable (typed character in) ${describeSummary(editableS)}; ` +
      verdict(editableS.median, TARGETS.editableMs),
  );
  console.log(
    minutesTimes
      ? `Minutes: close + render ${round1(minutesTimes.closeMs)} ms, PDF ` +
          `${round1(minutesTimes.pdfMs)} ms (${minutesTimes.pdfBytes} bytes)`
      : `Minutes: not measured (${minutes.reason})`,
  );
  const loadEnd = loadAverage();
  console.log(
    `load average ${loadStart} at the start, ${loadEnd} at the end; Broen exited with ` +
      `${serverExit?.code ?? serverExit?.signal ?? "?"}; ` +
      `${round1((performance.now() - began) / 1000)} s in all`,
  );
  console.log(
    JSON.stringify({
      keystroke_p50_ms: ours.median,
      keystroke_p95_ms: ours.p95,
      reference_keystroke_p50_ms: peer.median,
      reference_keystroke_p95_ms: peer.p95,
      keystroke_p95_ratio: ratio,
      keystroke_even_p50_ms: part(keys.broen.even).median,
      keystroke_even_p95_ms: part(keys.broen.even).p95,
      keystroke_burst_p50_ms: part(keys.broen.burst).median,
      keystroke_burst_p95_ms: part(keys.broen.burst).p95,
      reference_keystroke_even_p95_ms: part(keys.reference.even).p95,
      reference_keystroke_burst_p95_ms: part(keys.reference.burst).p95,
      keystroke_keys: ours.n,
      reference_keystroke_keys: peer.n,
      agenda_dom_content_loaded_ms: summarize(parsed).median,
      agenda_connected_ms: summarize(connectedAt).median,
      agenda_ready_ms: readyS.median,
      agenda_editable_ms: editableS.median,
      agenda_editable_runs: editableS.n,
      minutes_close_ms: minutesTimes ? round1(minutesTimes.closeMs) : null,
      minutes_pdf_ms: minutesTimes ? round1(minutesTimes.pdfMs) : null,
      ...(minutes.reason ? { minutes_reason: minutes.reason } : {}),
      load_average_start: loadStart,
      load_average_end: loadEnd,
      browser: `${CHROMIUM_PATH} ${browserVersion}`,
    }),
  );
}

/** Closes the browser, stops every server still running, then drops the database. */
async function cleanUp() {
  await browser?.close().catch(() => {});
  browser = undefined;
  for (const server of [...servers]) await stop(server).catch(() => {});
  killChildren();
  const db = database;
  database = undefined;
  await db?.drop().catch((error: unknown) => {
    process.stderr.write(`warning: could not drop the bench database: ${String(error)}\n`);
  });
}

cleanUpOnExit("bench:collab", {
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
      reportBenchFailure("bench:collab", error);
      void cleanUp().finally(() => process.exit(1));
    },
  );
