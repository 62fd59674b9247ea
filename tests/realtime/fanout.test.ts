import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { DatabaseHandle } from "../../db/client";
import { LiveDocument, REMOTE, type DocumentRegistry } from "../../realtime/documents";
import { DOCUMENTS_CHANNEL, Fanout } from "../../realtime/fanout";
import { RealtimeMetrics } from "../../realtime/metrics";
import { UpdateLog } from "../../realtime/update-log";
import { openTestDatabase } from "../support/database";
import { until } from "../support/until";

/*
 * Two server processes' fan-out on one database (here: two engines in this process, each
 * hearing the other's notifications): what travels, and in how many statements.
 */
let database: Awaited<ReturnType<typeof openTestDatabase>>;
const metrics = new RealtimeMetrics();
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  for (const stop of stops) await stop();
  metrics.stop();
  await database?.drop();
});

/** One process's engine: its fan-out, update log and loaded documents; statements counted. */
async function engine() {
  let statements = 0;
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (...args: Parameters<typeof target.execute>) => {
          statements++;
          return target.execute(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  const handle: DatabaseHandle = { ...database, db };
  const documents = new Map<string, LiveDocument>();
  const registry = {
    get: (name: string) => documents.get(name),
    all: () => [...documents.values()],
  } as unknown as DocumentRegistry;
  const fanout: Fanout = new Fanout(
    handle,
    () => registry,
    () => log,
    10,
  );
  const log: UpdateLog = new UpdateLog(db, metrics, fanout, 5);
  await fanout.start();
  stops.push(() => fanout.stop());
  const load = async (name: string) => {
    const document = new LiveDocument(
      name,
      log,
      metrics,
      { unloadGraceMs: 10, compactAfter: 500 },
      fanout,
      () => documents.delete(name),
    );
    documents.set(name, document);
    await document.ready;
    return document;
  };
  return { fanout, log, load, statements: () => statements };
}

describe("fan-out between processes", () => {
  it("sends a burst of presence changes in one statement, and each arrives", async () => {
    const name = "agenda:fanout-presence";
    const a = await engine();
    const b = await engine();
    const onB = await b.load(name);
    const before = a.statements();
    // Twenty clients show up at once (a meeting starting), all on process A.
    for (let i = 0; i < 20; i++) {
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      awareness.setLocalState({ user: `deltaker ${i}` });
      a.fanout.publishAwareness(
        name,
        awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
      );
      awareness.destroy();
    }
    await until(
      () => (onB.awareness.getStates().size === 20 ? true : undefined),
      "every presence on B",
    );
    expect(a.statements() - before).toBe(1);
    onB.destroy();
  });

  it("carries a write's updates inline as they were stored, applied as one change", async () => {
    const name = "agenda:fanout-inline";
    const a = await engine();
    const b = await engine();
    const onB = await b.load(name);
    const foreign = vi.spyOn(onB, "foreignRowsStored");
    const changes: unknown[] = [];
    onB.doc.on("update", (_update: Uint8Array, origin: unknown) => changes.push(origin));
    const source = new Y.Doc();
    source.on("update", (update: Uint8Array) => a.log.append(name, update));
    source.getText("t").insert(0, "Agenda: ");
    source.getText("t").insert(8, "oppfølging");
    source.getMap("m").set("tid", "10:00");
    await a.log.flush();
    await until(
      () => (onB.doc.getText("t").toString() === "Agenda: oppfølging" ? true : undefined),
      "the updates on B",
    );
    expect(onB.doc.getMap("m").get("tid")).toBe("10:00");
    expect(changes).toEqual([REMOTE]); // three updates, one change: one frame per client
    expect(foreign).toHaveBeenCalled();
    onB.destroy();
  });

  it("still applies an update announced the way earlier versions did (one merged update)", async () => {
    const name = "agenda:fanout-earlier";
    const b = await engine();
    const onB = await b.load(name);
    const source = new Y.Doc();
    source.getText("t").insert(0, "fra en eldre prosess");
    const message = {
      k: "u",
      l: [{ d: name, f: 1, u: Buffer.from(Y.encodeStateAsUpdate(source)).toString("base64") }],
    };
    await database.db.execute(
      sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${`older-process ${JSON.stringify(message)}`})`,
    );
    await until(
      () => (onB.doc.getText("t").toString() === "fra en eldre prosess" ? true : undefined),
      "the update on B",
    );
    onB.destroy();
  });
});
