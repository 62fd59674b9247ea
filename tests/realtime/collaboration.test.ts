import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/* Real server, real y-websocket clients (ws, no BroadcastChannel), real database. */
let server: TestServer;
let docs: DemoDocuments;
let leader: string;
let leader2: string;
const clients: Client[] = [];

const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer({ REALTIME_UNLOAD_GRACE_MS: "50" });
  docs = await demoDocuments(server.database.db);
  leader = await server.cookieFor(DEMO.leader);
  leader2 = await server.cookieFor(DEMO.coordinator);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

describe("collaboration", () => {
  it("two editors converge on text, maps and arrays; a late joiner gets the full state", async () => {
    const a = client(server.url, docs.agenda, { cookie: leader });
    const b = client(server.url, docs.agenda, { cookie: leader2 });
    await Promise.all([a.synced(), b.synced()]);

    a.doc.getText("notes").insert(0, "Velkommen. ");
    b.doc.getMap("meta").set("chair", "Kari");
    b.doc.getArray<string>("items").push(["Bolig", "Arbeid"]);
    a.doc.getArray<string>("items").insert(0, ["Runde"]);
    b.doc.getText("notes").insert(0, "Agenda: ");

    const view = (doc: Y.Doc) =>
      JSON.stringify([
        doc.getText("notes").toString(),
        doc.getMap("meta").toJSON(),
        doc.getArray("items").toJSON(),
      ]);
    const sameState = () =>
      view(a.doc) === view(b.doc) && b.doc.getText("notes").length === "Velkommen. Agenda: ".length
        ? true
        : undefined;
    await until(sameState, "two clients converging");
    expect(a.doc.getMap("meta").get("chair")).toBe("Kari");
    expect(a.doc.getArray("items").length).toBe(3);

    const late = client(server.url, docs.agenda, { cookie: leader });
    let sawEmptyAfterSync = false;
    late.provider.on("sync", (synced: boolean) => {
      if (synced && late.doc.getText("notes").length === 0) sawEmptyAfterSync = true;
    });
    await late.synced();
    expect(sawEmptyAfterSync).toBe(false);
    expect(late.doc.getText("notes").toString()).toBe(a.doc.getText("notes").toString());
    expect(late.doc.getArray("items").toJSON()).toEqual(a.doc.getArray("items").toJSON());
  });

  it("stores every update and serves it again after the document was unloaded", async () => {
    const writer = client(server.url, docs.plan, { cookie: leader });
    await writer.synced();
    writer.doc.getText("goals").insert(0, "Egen leilighet innen sommeren");
    const expected = Y.encodeStateVector(writer.doc);
    await until(
      async () => ((await server.realtime.log.count(docs.plan)) > 0 ? true : undefined),
      "the update stored",
    );
    writer.destroy();
    await until(() => (server.realtime.documents.get(docs.plan) ? undefined : true), "unload");
    // Unloading compacted the log to one row.
    expect(await server.realtime.log.count(docs.plan)).toBe(1);

    const reader = client(server.url, docs.plan, { cookie: leader });
    await reader.synced();
    expect(reader.doc.getText("goals").toString()).toBe("Egen leilighet innen sommeren");
    expect(Y.encodeStateVector(reader.doc)).toEqual(expected);
  });

  it("removes a disconnected client's awareness for the others", async () => {
    const a = client(server.url, docs.agenda, { cookie: leader });
    const b = client(server.url, docs.agenda, { cookie: leader2 });
    await Promise.all([a.synced(), b.synced()]);
    a.provider.awareness.setLocalStateField("user", { name: "Lena Leder" });
    await until(
      () => (b.provider.awareness.getStates().has(a.doc.clientID) ? true : undefined),
      "a's awareness at b",
    );
    a.provider.disconnect();
    await until(
      () => (b.provider.awareness.getStates().has(a.doc.clientID) ? undefined : true),
      "a's awareness gone at b",
    );
  });
});
