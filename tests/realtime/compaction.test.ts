import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { mergeToState, storedUpdates } from "../../realtime/update-log";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, demoDocuments, until, type DemoDocuments } from "../support/realtime";

/* Compaction while people are editing (a low threshold, so it happens many times). */
let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer({ REALTIME_COMPACT_AFTER: "20", REALTIME_UNLOAD_GRACE_MS: "50" });
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

async function storedState(name: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await mergeToState(await storedUpdates(server.database.db, name)));
  return doc;
}

describe("compaction during editing", () => {
  it("keeps the log short and every edit, through the unload and a fresh load", async () => {
    const leader = await server.cookieFor(DEMO.leader);
    const coordinator = await server.cookieFor(DEMO.coordinator);
    const a = connectClient(server.url, docs.agenda, { cookie: leader });
    const b = connectClient(server.url, docs.agenda, { cookie: coordinator });
    await Promise.all([a.synced(), b.synced()]);
    const compactions = () => server.realtime.metrics.compactions;
    // Rounds of 30 edits (60 updates: more than the threshold of 20–30 rows): each round ends
    // with a compaction while both editors stay connected.
    for (let round = 0; round < 5; round++) {
      const before = compactions();
      for (let k = 0; k < 30; k++) {
        const i = round * 30 + k;
        const editor = i % 2 === 0 ? a : b;
        editor.doc.getText("notes").insert(0, String.fromCharCode(97 + (i % 26)));
        if (i % 10 === 9) editor.doc.getText("notes").delete(0, 1);
        editor.doc.getMap("meta").set(`k${i % 7}`, i);
      }
      await until(() => (compactions() > before ? true : undefined), `compaction ${round + 1}`);
    }
    const expected = () => a.doc.getText("notes").toString();
    await until(
      () => (b.doc.getText("notes").toString() === expected() ? true : undefined),
      "both editors converge",
    );
    await server.realtime.log.flush();
    // Far fewer rows than the 315 updates the editors made, with the same content.
    const live = server.realtime.documents.get(docs.agenda)!.doc;
    expect(await server.realtime.log.count(docs.agenda)).toBeLessThan(60);
    const stored = await storedState(docs.agenda);
    expect(stored.getText("notes").toString()).toBe(live.getText("notes").toString());
    expect(stored.getMap("meta").toJSON()).toEqual(live.getMap("meta").toJSON());

    a.destroy();
    b.destroy();
    await until(() => (server.realtime.documents.get(docs.agenda) ? undefined : true), "unload");
    expect(await server.realtime.log.count(docs.agenda)).toBe(1);
    const late = connectClient(server.url, docs.agenda, { cookie: leader });
    await late.synced();
    expect(late.doc.getText("notes").toString()).toBe(expected());
    expect(late.doc.getMap("meta").toJSON()).toEqual(a.doc.getMap("meta").toJSON());
    late.destroy();
  });
});
