import * as decoding from "lib0/decoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from "../../realtime/protocol";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * Updates that arrive in one event-loop turn go out merged, one frame per recipient
 * (realtime/turn.ts, LiveDocument.flushUpdates). Real server (in this process), real
 * y-websocket clients: a provider sends one frame per transaction, and edits made in one
 * synchronous run are written before the server's event loop reads any of them, so the server
 * handles them in one turn.
 */
let server: TestServer;
let docs: DemoDocuments;
const clients: Client[] = [];

const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer({ REALTIME_UNLOAD_GRACE_MS: "50" });
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

/** The frames a client receives from now on: kind, and for updates the client ids in them. */
function recordFrames(c: Client) {
  const frames: { kind: "update" | "awareness" | "other"; writers: number[] }[] = [];
  const socket = c.provider.ws!;
  socket.addEventListener("message", (event: MessageEvent) => {
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) return frames.push({ kind: "awareness", writers: [] });
    if (type !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== 2) {
      return frames.push({ kind: "other", writers: [] });
    }
    const update = Y.decodeUpdate(decoding.readVarUint8Array(decoder));
    frames.push({ kind: "update", writers: [...new Set(update.structs.map((s) => s.id.client))] });
  });
  return frames;
}

describe("coalescing the updates of one turn", () => {
  it("sends a client the updates of one turn as few frames, in order, and no writer its own", async () => {
    const a = client(server.url, docs.agenda, { cookie: await server.cookieFor(DEMO.leader) });
    const b = client(server.url, docs.agenda, {
      cookie: await server.cookieFor(DEMO.coordinator),
    });
    const c = client(server.url, docs.agenda, { cookie: await server.cookieFor(DEMO.leader) });
    await Promise.all([a.synced(), b.synced(), c.synced()]);
    const atA = recordFrames(a);
    const atB = recordFrames(b);
    const atC = recordFrames(c);
    // When b learns of a's presence, a's edits made before it must already be there.
    let itemsWhenPresenceArrived = -1;
    b.provider.awareness.on("change", () => {
      const state = b.provider.awareness.getStates().get(a.doc.clientID);
      if (state?.done && itemsWhenPresenceArrived < 0) {
        itemsWhenPresenceArrived = b.doc.getArray("coalesced").length;
      }
    });

    const EDITS = 100;
    // One frame per transaction from each provider, all written in this synchronous run.
    for (let i = 0; i < EDITS; i++) {
      a.doc.getArray<string>("coalesced").push([`a${i}`]);
      b.doc.getArray<string>("coalesced-b").push([`b${i}`]);
    }
    a.provider.awareness.setLocalStateField("done", true);

    const view = (x: Client) =>
      JSON.stringify([
        x.doc.getArray("coalesced").toJSON(),
        x.doc.getArray("coalesced-b").toJSON(),
      ]);
    await until(
      () =>
        [a, b, c].every((x) => view(x) === view(a)) &&
        c.doc.getArray("coalesced").length === EDITS &&
        c.doc.getArray("coalesced-b").length === EDITS &&
        itemsWhenPresenceArrived >= 0
          ? true
          : undefined,
      "three clients converging",
    );

    // In order: a's items arrive as a pushed them, and presence never overtook them.
    expect(c.doc.getArray("coalesced").toJSON()).toEqual(
      Array.from({ length: EDITS }, (_, i) => `a${i}`),
    );
    expect(itemsWhenPresenceArrived).toBe(EDITS);
    // Few frames: 200 updates reached c, who wrote none, in a handful of frames (one per
    // turn), not 200. (a and b get the other's updates one by one, in one write.)
    const updateFrames = (frames: typeof atC) => frames.filter((f) => f.kind === "update");
    expect(updateFrames(atC).length).toBeGreaterThan(0);
    expect(updateFrames(atC).length).toBeLessThan(10);
    // Never one's own update back: a gets only b's, b only a's.
    expect(updateFrames(atA).flatMap((f) => f.writers)).not.toContain(a.doc.clientID);
    expect(updateFrames(atA).flatMap((f) => f.writers)).toContain(b.doc.clientID);
    expect(updateFrames(atB).flatMap((f) => f.writers)).not.toContain(b.doc.clientID);
  });
});
