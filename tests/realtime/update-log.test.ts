import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { Database } from "../../db/client";
import { RealtimeMetrics } from "../../realtime/metrics";
import { applyInSlices, mergeToState, storedUpdates, UpdateLog } from "../../realtime/update-log";
import { openTestDatabase } from "../support/database";

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
    expect(await log.compact("agenda:compact-plain")).toEqual({ before: 3000, after: 1 });
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
    expect(await log.compact(name)).toEqual({ before: 500, after: 1 });
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
      expect(await other.compact(name)).toEqual({ before: 500, after: 1 });
    });
    expect(await log.compact(name)).toEqual({ before: 0, after: 0 });
    expect(await storedText(name)).toEqual({ text, rows: 1 });
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
