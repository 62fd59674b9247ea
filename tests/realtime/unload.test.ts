import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as Y from "yjs";
import type { Connection } from "../../realtime/connection";
import { LiveDocument } from "../../realtime/documents";
import { RealtimeMetrics } from "../../realtime/metrics";
import { mergeToState, storedUpdates, UpdateLog } from "../../realtime/update-log";
import { openTestDatabase } from "../support/database";

/* What unloading a document leaves in the update log, and how it gets there. */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const metrics = new RealtimeMetrics();

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  metrics.stop();
  await database?.drop();
});

/** A client that is only there to keep the document open. */
const someone = () =>
  ({
    closed: false,
    permission: "edit",
    awarenessIds: new Set<number>(),
    send: () => {},
    start: () => {},
    refuse: () => {},
  }) as unknown as Connection;

/** Loads the document with one client on it, makes `edits` edits, and unloads it. */
async function editAndUnload(
  log: UpdateLog,
  name: string,
  edits: number,
  meanwhile: (document: LiveDocument) => void | Promise<void> = () => {},
) {
  let unloaded!: () => void;
  const gone = new Promise<void>((resolve) => (unloaded = resolve));
  const document = new LiveDocument(
    name,
    log,
    metrics,
    { unloadGraceMs: 5, compactAfter: 10_000 },
    null,
    () => unloaded(),
  );
  log.onStored = (stored, ids) => {
    if (stored === name) document.rowsStored(ids); // as the server wires it
  };
  await document.ready;
  const client = someone();
  document.attach(client);
  const text = document.doc.getText("t");
  for (let i = 0; i < edits; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
  await meanwhile(document);
  const expected = text.toString();
  document.detach(client);
  await gone;
  return expected;
}

/** Stores one update the way another process (or an earlier run) would. */
async function storeElsewhere(name: string, words: string): Promise<void> {
  const other = new UpdateLog(database.db, metrics, null, 0);
  const doc = new Y.Doc();
  doc.getText("t").insert(0, words);
  other.append(name, Y.encodeStateAsUpdate(doc));
  await other.flush();
}

async function stored(name: string) {
  const updates = await storedUpdates(database.db, name);
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await mergeToState(updates));
  return { rows: updates.length, text: doc.getText("t").toString() };
}

describe("unloading a document", () => {
  it("replaces its own rows by its state, without reading them back", async () => {
    const name = "agenda:unload-own";
    await storeElsewhere(name, "før: "); // loaded, so known
    const log = new UpdateLog(database.db, metrics, null, 0);
    const full = vi.spyOn(log, "compact");
    const replace = vi.spyOn(log, "replaceRows");
    const text = await editAndUnload(log, name, 40);
    expect(full).not.toHaveBeenCalled();
    expect(replace).toHaveBeenCalledTimes(1);
    expect(replace.mock.calls[0]![1]).toHaveLength(41);
    expect(await stored(name)).toEqual({ rows: 1, text });
  });

  it("leaves a row it never heard of alone", async () => {
    const name = "agenda:unload-unheard";
    const log = new UpdateLog(database.db, metrics, null, 0);
    const text = await editAndUnload(log, name, 20, () => storeElsewhere(name, "ANNEN "));
    const after = await stored(name);
    expect(after.rows).toBe(2); // its state, and the other process's row, untouched
    expect(after.text).toContain("ANNEN ");
    expect(after.text.replace("ANNEN ", "")).toBe(text);
  });

  it("merges every row when another process announced rows of it", async () => {
    const name = "agenda:unload-foreign";
    const log = new UpdateLog(database.db, metrics, null, 0);
    const full = vi.spyOn(log, "compact");
    const text = await editAndUnload(log, name, 20, async (document) => {
      await storeElsewhere(name, "ANNEN ");
      document.foreignRowsStored(); // what fan-out does when it hears of the row
    });
    expect(full).toHaveBeenCalledTimes(1);
    const after = await stored(name);
    expect(after.rows).toBe(1);
    expect(after.text).toContain("ANNEN ");
    expect(after.text.replace("ANNEN ", "")).toBe(text);
  });
});
