import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { DatabaseHandle } from "../../db/client";
import { LiveDocument, REMOTE, type DocumentRegistry } from "../../realtime/documents";
import { DOCUMENTS_CHANNEL, Fanout, type PeerTimings } from "../../realtime/fanout";
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

/** Timings for engines that should not hear from each other's heartbeats during a test. */
const QUIET: PeerTimings = { helloMs: 5_000, heartbeatMs: 60_000 };

/**
 * One process's engine: its fan-out, update log and loaded documents; statements counted.
 * `start: false` leaves its fan-out stopped until the test starts it.
 */
async function engine(
  timings: PeerTimings = QUIET,
  {
    start = true,
    now,
    failNotify,
  }: { start?: boolean; now?: () => number; failNotify?: () => boolean } = {},
) {
  let statements = 0;
  let failed = 0;
  const db = new Proxy(database.db, {
    get(target, property, receiver) {
      if (property === "execute") {
        return (...args: Parameters<typeof target.execute>) => {
          statements++;
          if (failNotify?.()) {
            failed++;
            return Promise.reject(new Error("the database is not answering (test)"));
          }
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
    timings,
    now,
  );
  const log: UpdateLog = new UpdateLog(db, metrics, fanout, 5);
  if (start) await fanout.start();
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
  return { fanout, log, load, statements: () => statements, statementsFailed: () => failed };
}

describe("fan-out between processes", () => {
  it("sends a burst of presence changes in one statement, and each arrives", async () => {
    const name = "agenda:fanout-presence";
    const a = await engine();
    const b = await engine();
    const onB = await b.load(name);
    await until(() => (a.fanout.peerCount && b.fanout.peerCount ? true : undefined), "peers");
    // A's hello, then its answer to B's hello: that answer may still be on its way when both
    // know each other (B may have heard A's hello), and it is not part of the burst.
    await until(() => (a.statements() >= 2 ? true : undefined), "A's answer to B's hello");
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

describe("a process alone", () => {
  // Every engine of an earlier test is another process on the channel: stop them first.
  beforeEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  /** Runs a fan-out's heartbeat now (its timer is set far off in these tests). */
  const beat = (fanout: Fanout) => (fanout as unknown as { beat(): void }).beat();

  /**
   * The other process in these tests stays in its hello phase throughout, so it never sends a
   * second hello late (after the test has moved on); only the process under test goes silent.
   */
  const LATE: PeerTimings = { helloMs: 600_000, heartbeatMs: 60_000 };

  /**
   * Moves a fan-out's clock past three heartbeats and beats until it has forgotten every peer
   * and is silent (a message already on its way when the clock moved is forgotten at the next).
   */
  async function forget(fanout: Fanout, advance: () => void) {
    await until(() => {
      if (!fanout.announcing && fanout.peerCount === 0) return true;
      advance();
      beat(fanout);
      return undefined;
    }, "forgets its peers and is silent");
  }

  /** Every payload on the channel from now on, and a way to know all earlier ones arrived. */
  async function overhear() {
    const payloads: string[] = [];
    const unlisten = await database.listen(DOCUMENTS_CHANNEL, (p) => payloads.push(p));
    stops.push(unlisten);
    let marks = 0;
    return {
      /** The documents announced as stored since the last call (NOTIFYs arrive in commit order). */
      async storedSince(): Promise<string[]> {
        const mark = `mark-${++marks}`;
        await database.db.execute(sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${mark})`);
        await until(() => (payloads.includes(mark) ? true : undefined), "the mark");
        const taken = payloads.splice(0, payloads.indexOf(mark) + 1);
        return taken.flatMap((p) => {
          if (!p.includes(" ")) return []; // a mark
          const message = JSON.parse(p.slice(p.indexOf(" ") + 1)) as { k?: string };
          return message.k === "u" ? (message as { l: { d: string }[] }).l.map((e) => e.d) : [];
        });
      },
    };
  }

  const edit = (text: string) => {
    const source = new Y.Doc();
    let update: Uint8Array | null = null;
    source.on("update", (u: Uint8Array) => (update = u));
    source.getText("t").insert(0, text);
    return update!;
  };

  it("announces nothing; a process that comes later reads what it stored in silence, and both announce from then on", async () => {
    const name = "agenda:fanout-alone";
    const ear = await overhear();
    // A's clock and heartbeats are driven by hand. A message of an earlier test's process may
    // still reach A after A started (CI saw one: A then knew a peer for three heartbeats, 3
    // minutes): A forgets what it heard, as it would after three silent heartbeats.
    let aNow = 0;
    const a = await engine({ helloMs: 50, heartbeatMs: 60_000 }, { now: () => aNow });
    await database.db.execute(sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${'gone {"k":"p"}'})`);
    await until(() => (a.fanout.peerCount === 1 ? true : undefined), "A hears a stopped process");
    await forget(a.fanout, () => (aNow += 4 * 60_000));

    // B has the document loaded before A stores in silence, and hears of A only afterwards.
    const b = await engine(LATE, { start: false });
    const onB = await b.load(name);
    a.log.append(name, edit("i stillhet "));
    await a.log.flush();
    expect(await ear.storedSince()).toEqual([]);
    expect(onB.doc.getText("t").toString()).toBe("");

    await b.fanout.start();
    await until(
      () => (onB.doc.getText("t").toString() === "i stillhet " ? true : undefined),
      "B reads what A stored in silence",
    );
    await until(() => (a.fanout.peerCount === 1 ? true : undefined), "A knows B");
    expect(a.fanout.announcing).toBe(true);

    a.log.append(name, edit("hørt "));
    await a.log.flush();
    expect(await ear.storedSince()).toEqual([name]);
    await until(
      () => (onB.doc.getText("t").toString().includes("hørt") ? true : undefined),
      "B has A's next edit",
    );

    // B stops (it says so): A is alone again.
    await b.fanout.stop();
    await until(() => (a.fanout.peerCount === 0 ? true : undefined), "A hears B's bye");
    await forget(a.fanout, () => (aNow += 4 * 60_000)); // past the hello A said on hearing B
    a.log.append(name, edit("igjen "));
    await a.log.flush();
    expect(await ear.storedSince()).toEqual([]);
    onB.destroy();
  });

  it("forgets a process not heard for three heartbeats, and when it is heard again that one reads what was stored meanwhile", async () => {
    const name = "agenda:fanout-forgotten";
    // A's clock and heartbeats are driven by hand here (its own timer would fire after 60 s).
    let aNow = 0;
    const a = await engine({ helloMs: 50, heartbeatMs: 60_000 }, { now: () => aNow });
    const b = await engine(LATE);
    const onB = await b.load(name);
    await until(() => (a.fanout.peerCount === 1 ? true : undefined), "A knows B");
    // More than three heartbeats without a word from B (a stuck or cut-off process).
    await forget(a.fanout, () => (aNow += 4 * 60_000)); // and A still hears its own heartbeat
    expect(a.fanout.peerCount).toBe(0);
    a.log.append(name, edit("mens B var borte "));
    await a.log.flush();
    beat(b.fanout); // B's next heartbeat: A hears of B again and says hello once settled
    await until(
      () => (onB.doc.getText("t").toString() === "mens B var borte " ? true : undefined),
      "B reads what A stored while it had forgotten B",
    );
    expect(a.fanout.peerCount).toBe(1);
    onB.destroy();
  });

  it("sends a hello it could not send with its next heartbeat", async () => {
    const name = "agenda:fanout-owed";
    let failing = false;
    let aNow = 0;
    const a = await engine(
      { helloMs: 50, heartbeatMs: 60_000 },
      { now: () => aNow, failNotify: () => failing },
    );
    const b = await engine(LATE);
    const onB = await b.load(name);
    await until(() => (a.fanout.peerCount && b.fanout.peerCount ? true : undefined), "peers");
    await forget(a.fanout, () => (aNow += 4 * 60_000)); // B still knows A
    a.log.append(name, edit("stille "));
    await a.log.flush();
    failing = true; // the hello A sends when it hears of B again is lost
    beat(b.fanout);
    await until(() => (a.fanout.peerCount === 1 ? true : undefined), "A knows B again");
    await until(() => (a.statementsFailed() > 0 ? true : undefined), "A's hello failed");
    failing = false;
    // B knew A all along, so nothing but A's hello makes it read what A stored in silence.
    beat(a.fanout);
    await until(
      () => (onB.doc.getText("t").toString() === "stille " ? true : undefined),
      "B reads what A stored in silence once the owed hello arrives",
    );
    onB.destroy();
  });

  it("ignores payloads it cannot use, and keeps hearing the others", async () => {
    const name = "agenda:fanout-garbage";
    const a = await engine({ helloMs: 50, heartbeatMs: 60_000 });
    const b = await engine(LATE);
    const onB = await b.load(name);
    const garbage = [
      "x null",
      "x 42",
      'x {"k":"u","l":[null,7,{"d":3}]}',
      'x {"k":"a","d":null}',
      'x {"k":"zz"}',
      "no-space-at-all",
    ];
    // Handled where the driver hands them over: nothing may throw there.
    const receive = (b.fanout as unknown as { receive(payload: string): void }).receive.bind(
      b.fanout,
    );
    for (const payload of garbage) expect(() => receive(payload)).not.toThrow();
    for (const payload of garbage) {
      await database.db.execute(sql`select pg_notify(${DOCUMENTS_CHANNEL}, ${payload})`);
    }
    a.log.append(name, edit("etterpå "));
    await a.log.flush();
    await until(
      () => (onB.doc.getText("t").toString() === "etterpå " ? true : undefined),
      "B still hears A",
    );
    onB.destroy();
  });
});
