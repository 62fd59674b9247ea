import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Database } from "../../db/client";
import { RealtimeMetrics } from "../../realtime/metrics";
import {
  applyInSlices,
  mergeToState,
  storedUpdates,
  UpdateLog,
  type WriterClock,
} from "../../realtime/update-log";
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

/** A clock the test moves by hand: sleepers wake in time order as it advances. */
class ManualClock implements WriterClock {
  private time = 0;
  private sleepers: { at: number; wake: () => void }[] = [];
  /**
   * Statements running on the real database. Time stands still until they answer, so a slow
   * database (a busy machine) never lets the test's clock run past the writer.
   */
  readonly running = new Set<Promise<unknown>>();
  now = () => this.time;
  sleep = (ms: number) =>
    new Promise<void>((wake) => this.sleepers.push({ at: this.time + ms, wake }));
  /** Moves time on by `ms`, waking each sleeper at its time and letting it run. */
  async advance(ms: number): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      await settle();
    }
    const target = this.time + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.time = next.at;
      next.wake();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

const hex = (updates: Uint8Array[]) => updates.map((u) => Buffer.from(u).toString("hex"));

/** Lets every promise that can move on do so (a turn of the event loop). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Statement {
  startedAt: number;
  names: string[];
  release(): void;
}

/**
 * The test database, but each of the writer's statements waits for the test to release it (a
 * round trip as long as the test wants). The statement itself runs on the real driver.
 */
function gatedDatabase(clock: ManualClock, statements: Statement[]): Database {
  const client = (database.db as unknown as { $client: Record<string, unknown> }).$client;
  const method = typeof client.unsafe === "function" ? "unsafe" : "query";
  const run = client[method] as (text: string, params: unknown[]) => Promise<unknown>;
  const gated = {
    [method]: async (text: string, params: unknown[]) => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      statements.push({ startedAt: clock.now(), names: params[0] as string[], release });
      await released;
      const answer = run.call(client, text, params);
      clock.running.add(answer);
      void answer.catch(() => {}).finally(() => clock.running.delete(answer));
      return answer;
    },
  };
  return new Proxy(database.db, {
    get: (target, property, receiver) =>
      property === "$client" ? gated : Reflect.get(target, property, receiver),
  });
}

/** A document whose every edit is appended to `log`; returns the updates in edit order. */
function editor(log: UpdateLog, name: string) {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (update: Uint8Array) => {
    updates.push(update);
    log.append(name, update);
  });
  return { updates, edit: () => doc.getMap("m").set(`k${updates.length % 5}`, updates.length) };
}

describe("group commit", () => {
  it("starts at most one statement per gather time while updates keep coming", async () => {
    const gatherMs = 20;
    const clock = new ManualClock();
    const statements: Statement[] = [];
    const counts = new RealtimeMetrics();
    const log = new UpdateLog(gatedDatabase(clock, statements), counts, null, gatherMs, clock);
    const name = "agenda:group-commit";
    const { updates, edit } = editor(log, name);
    try {
      edit();
      await clock.advance(gatherMs - 1);
      expect(statements).toHaveLength(0); // still gathering
      await clock.advance(1);
      expect(statements).toHaveLength(1);
      // Updates arrive while the first statement is out; it answers after 3 ms…
      for (let i = 0; i < 4; i++) edit();
      await clock.advance(3);
      statements[0]!.release();
      await until(() => (counts.updatesPersisted === 1 ? true : undefined), "first write");
      // …and the next does not start at once, but when the gather time since the first began
      // has passed, with everything that arrived meanwhile.
      await clock.advance(gatherMs - 3 - 1);
      expect(statements).toHaveLength(1);
      await clock.advance(1);
      expect(statements).toHaveLength(2);
      expect(statements[1]!.names).toHaveLength(4);
      // A steady stream: an edit every millisecond for 200 ms, every statement answering in 3.
      for (let ms = 0; ms < 200; ms++) {
        edit();
        const open = statements.filter((s) => clock.now() - s.startedAt >= 3);
        for (const statement of open) statement.release();
        await clock.advance(1);
      }
      for (const statement of statements) statement.release();
      let flushed = false;
      void log.flush().then(() => (flushed = true));
      while (!flushed) {
        await clock.advance(1);
        for (const statement of statements) statement.release();
      }
      for (let i = 1; i < statements.length; i++) {
        expect(statements[i]!.startedAt - statements[i - 1]!.startedAt).toBeGreaterThanOrEqual(
          gatherMs,
        );
      }
      expect(statements.length).toBeLessThanOrEqual(2 + Math.ceil(200 / gatherMs) + 1);
      // Nothing lost, nothing reordered: the rows hold the updates in the order they came.
      expect(counts.updatesPersisted).toBe(updates.length);
      expect(statements.reduce((sum, s) => sum + s.names.length, 0)).toBe(updates.length);
      expect(hex(await storedUpdates(database.db, name))).toEqual(hex(updates));
    } finally {
      counts.stop();
    }
  });

  it("keeps a failed write's updates, in order, and stores them when the database is back", async () => {
    const clock = new ManualClock();
    const statements: Statement[] = [];
    const counts = new RealtimeMetrics();
    const gated = gatedDatabase(clock, statements);
    let failNext = 2;
    const failing = new Proxy(gated, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as Record<string, unknown>;
        if (property !== "$client") return value;
        const method = Object.keys(value)[0]!;
        const run = value[method] as (...args: unknown[]) => Promise<unknown>;
        return {
          [method]: async (...args: unknown[]) => {
            if (failNext-- > 0) throw new Error("connection refused");
            return run(...args);
          },
        };
      },
    });
    const log = new UpdateLog(failing, counts, null, 10, clock);
    const name = "agenda:write-fails";
    const { updates, edit } = editor(log, name);
    try {
      for (let i = 0; i < 3; i++) edit();
      let flushed = false;
      void log.flush().then(() => (flushed = true));
      for (let ms = 0; ms < 2000 && !flushed; ms++) {
        if (ms === 5) for (let i = 0; i < 3; i++) edit(); // more arrive while it fails
        for (const statement of statements) statement.release();
        await clock.advance(1);
      }
      expect(flushed).toBe(true);
      expect(counts.writeErrors).toBe(2);
      expect(hex(await storedUpdates(database.db, name))).toEqual(hex(updates));
    } finally {
      counts.stop();
    }
  });
});

describe("flushing", () => {
  it("resolves once what was queued before it is stored, while updates keep coming", async () => {
    const clock = new ManualClock();
    const statements: Statement[] = [];
    const counts = new RealtimeMetrics();
    const log = new UpdateLog(gatedDatabase(clock, statements), counts, null, 10, clock);
    const { updates, edit } = editor(log, "agenda:flush-under-load");
    try {
      for (let i = 0; i < 20; i++) edit();
      const before = updates.length;
      let flushed: number | null = null;
      void log.flush().then(() => (flushed = counts.updatesPersisted));
      // The stream goes on (an edit a millisecond, every statement answering in 3 ms) until the
      // flush resolves: it does not wait for the writer to be idle.
      for (let ms = 0; ms < 1000 && flushed === null; ms++) {
        edit();
        for (const s of statements) if (clock.now() - s.startedAt >= 3) s.release();
        await clock.advance(1);
      }
      expect(flushed).not.toBeNull();
      expect(flushed).toBeGreaterThanOrEqual(before);
      expect(statements.length).toBeLessThanOrEqual(2);
      let all = false;
      void log.flush().then(() => (all = true));
      while (!all) {
        for (const s of statements) s.release();
        await clock.advance(1);
      }
      expect(counts.updatesPersisted).toBe(updates.length);
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
        announcing: true,
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
