import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Database } from "../../db/client";
import { RealtimeMetrics } from "../../realtime/metrics";
import { applyInSlices, mergeToState, storedUpdates, UpdateLog } from "../../realtime/update-log";
import { openTestDatabase } from "../support/database";
import { until } from "../support/until";

/* The update log's compaction, with other writers and other compactions at the worst moment. */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const metrics = new RealtimeMetrics();

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  metrics.stop();
  await database?.drop();
});

/** A log whose next transaction first runs `meanwhile` (another process, at the worst moment). */
function logWithInterruption(meanwhile: () => Promise<void>): UpdateLog {
  let interrupted = false;
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      if (property === "transaction" && !interrupted) {
        interrupted = true;
        return async (...args: Parameters<Database["transaction"]>) => {
          await meanwhile();
          return target.transaction(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  return new UpdateLog(db, metrics, null, 0);
}

/** Stores `count` one-character edits of a text and returns the text they make. */
async function storeEdits(log: UpdateLog, name: string, count: number): Promise<string> {
  const doc = new Y.Doc();
  doc.on("update", (update: Uint8Array) => log.append(name, update));
  for (let i = 0; i < count; i++) doc.getText("t").insert(i, String.fromCharCode(97 + (i % 26)));
  await log.flush();
  return doc.getText("t").toString();
}

async function storedText(name: string): Promise<{ text: string; rows: number }> {
  const updates = await storedUpdates(database.db, name);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await mergeToState(updates));
  return { text: doc.getText("t").toString(), rows: updates.length };
}

function lateEdit(name: string, text: string): Uint8Array {
  const doc = new Y.Doc({ gc: false });
  doc.getText("t").insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

describe("compaction", () => {
  it("merges many rows into one with the same content", async () => {
    const log = new UpdateLog(database.db, metrics, null, 0);
    const text = await storeEdits(log, "agenda:compact-plain", 3000);
    const { removed, added } = await log.compact("agenda:compact-plain");
    expect(removed).toHaveLength(3000);
    expect(added).toEqual(expect.any(Number));
    expect(await storedText("agenda:compact-plain")).toEqual({ text, rows: 1 });
  });

  it("keeps a row another process stores between reading and deleting", async () => {
    const name = "agenda:compact-late-row";
    const other = new UpdateLog(database.db, metrics, null, 0);
    const text = await storeEdits(other, name, 500);
    const log = logWithInterruption(async () => {
      other.append(name, lateEdit(name, "SEN "));
      await other.flush();
    });
    expect((await log.compact(name)).removed).toHaveLength(500);
    const stored = await storedText(name);
    expect(stored.rows).toBe(2); // the merged row and the late one, untouched
    expect(stored.text).toContain("SEN ");
    expect(stored.text.replace("SEN ", "")).toBe(text);
  });

  it("changes nothing when another process compacted the same rows first", async () => {
    const name = "agenda:compact-twice";
    const other = new UpdateLog(database.db, metrics, null, 0);
    const text = await storeEdits(other, name, 500);
    const log = logWithInterruption(async () => {
      expect((await other.compact(name)).removed).toHaveLength(500);
    });
    expect(await log.compact(name)).toEqual({ removed: [], added: null });
    expect(await storedText(name)).toEqual({ text, rows: 1 });
  });
});

describe("replacing known rows by a live document's state", () => {
  it("tells which rows each write stored, and replaces exactly those", async () => {
    const name = "agenda:replace-known";
    const log = new UpdateLog(database.db, metrics, null, 0);
    const known: number[] = [];
    log.onStored = (document, ids) => {
      if (document === name) known.push(...ids);
    };
    const text = await storeEdits(log, name, 50);
    expect(known).toHaveLength(50);
    // This document's state: its own rows only.
    const state = await mergeToState(await storedUpdates(database.db, name));
    // Then another process stores a row this document has not seen yet: it must stay.
    const other = new UpdateLog(database.db, metrics, null, 0);
    other.append(name, lateEdit(name, "ANNEN "));
    await other.flush();
    const added = await log.replaceRows(name, known, state);
    expect(added).toEqual(expect.any(Number));
    const stored = await storedText(name);
    expect(stored.rows).toBe(2);
    expect(stored.text).toContain("ANNEN ");
    expect(await log.replaceRows(name, known, state)).toBeNull(); // gone: nothing changes
    expect((await storedText(name)).rows).toBe(2);
    expect(stored.text.replace("ANNEN ", "")).toBe(text);
  });
});

describe("group commit", () => {
  it("starts at most one statement per gather time while updates keep coming", async () => {
    // A database that answers each statement after a few milliseconds (a round trip), during
    // which the next updates arrive: the writer's own pacing is what is measured.
    const gatherMs = 20;
    const started: number[] = [];
    const db = {
      execute: async () => {
        started.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, 3));
        return [];
      },
    } as unknown as Database;
    const counts = new RealtimeMetrics();
    const log = new UpdateLog(db, counts, null, gatherMs);
    const doc = new Y.Doc();
    let appended = 0;
    doc.on("update", (update: Uint8Array) => {
      log.append("agenda:group-commit", update);
      appended++;
    });
    try {
      // A steady stream: one small edit per turn of the event loop, until six statements ran.
      while (started.length < 6) {
        doc.getMap("m").set(`k${appended % 5}`, appended);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await log.flush();
    } finally {
      counts.stop();
    }
    // Each statement waited for the gather time since the one before it began, instead of
    // starting as soon as that one returned (timers may fire up to a millisecond early by the
    // clock they are measured with)…
    for (let i = 1; i < started.length; i++) {
      expect(started[i]! - started[i - 1]!).toBeGreaterThanOrEqual(gatherMs - 1.5);
    }
    // …with everything that arrived meanwhile, nothing left behind.
    expect(counts.updatesPersisted).toBe(appended);
    expect(appended).toBeGreaterThan(started.length * 2);
  });
});

describe("flushing", () => {
  it("resolves once what was queued before it is stored, while updates keep coming", async () => {
    let statements = 0;
    const db = {
      execute: async () => {
        statements++;
        await new Promise((resolve) => setTimeout(resolve, 3)); // a round trip
        return [];
      },
    } as unknown as Database;
    const counts = new RealtimeMetrics();
    const log = new UpdateLog(db, counts, null, 10);
    const doc = new Y.Doc();
    let appended = 0;
    doc.on("update", (update: Uint8Array) => {
      log.append("agenda:flush-under-load", update);
      appended++;
    });
    const edit = () => doc.getMap("m").set(`k${appended % 5}`, appended);
    try {
      for (let i = 0; i < 20; i++) edit();
      let flushed: number | null = null;
      const before = appended;
      void log.flush().then(() => (flushed = counts.updatesPersisted));
      // The stream goes on (up to a hundred statements) until the flush resolves.
      while (flushed === null && statements < 100) {
        edit();
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(flushed).not.toBeNull();
      expect(flushed).toBeGreaterThanOrEqual(before);
      expect(statements).toBeLessThanOrEqual(3);
      await log.flush();
      expect(counts.updatesPersisted).toBe(appended);
    } finally {
      counts.stop();
    }
  });
});

describe.runIf(!!process.env.TEST_DATABASE_URL)("announcing to other processes", () => {
  it("announces a large write in as few notifications as fit, each under 8000 bytes", async () => {
    const payloads: string[] = [];
    const unlisten = await database.listen("broen_test_announce", (p) => payloads.push(p));
    const log = new UpdateLog(
      database.db,
      metrics,
      {
        channel: "broen_test_announce",
        prefix: "test ",
        maxInline: 6000,
      },
      5,
    );
    const names = Array.from({ length: 40 }, (_, i) => `agenda:announce-${i}`);
    for (const name of names) log.append(name, lateEdit(name, "x".repeat(1500)));
    await log.flush();
    await until(
      () => (payloads.flatMap((p) => JSON.parse(p.slice(5)).l).length >= 40 ? true : undefined),
      "every document announced",
    );
    await unlisten();
    const announced = payloads.flatMap((p) => JSON.parse(p.slice(5)).l as { d: string }[]);
    expect(announced.map((a) => a.d).sort()).toEqual([...names].sort());
    expect(payloads.length).toBeGreaterThan(1);
    expect(payloads.length).toBeLessThan(40);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
  });
});

describe("applying stored updates", () => {
  it("merges one document at a time (a later merge waits for the earlier one)", async () => {
    const many: Uint8Array[] = [];
    const big = new Y.Doc();
    big.on("update", (update: Uint8Array) => many.push(update));
    for (let i = 0; i < 3000; i++) big.getArray("a").push([i]);
    const finished: string[] = [];
    await Promise.all([
      mergeToState(many).then(() => finished.push("long")),
      mergeToState([many[0]!]).then(() => finished.push("short")),
    ]);
    expect(finished).toEqual(["long", "short"]);
  });

  it("lets other work run between slices and ends with the same document", async () => {
    const source = new Y.Doc();
    const updates: Uint8Array[] = [];
    source.on("update", (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 200; i++) source.getArray("a").push([i]);
    const target = new Y.Doc();
    let otherWork = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      otherWork++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await applyInSlices(target, updates, null, 0); // slices of one update
    running = false;
    expect(otherWork).toBeGreaterThanOrEqual(updates.length - 1);
    expect(target.getArray("a").toJSON()).toEqual(source.getArray("a").toJSON());
  });
});
