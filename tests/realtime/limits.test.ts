import * as encoding from "lib0/encoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import * as Y from "yjs";
import { decodeClientFrame, MalformedFrame, updateFrame } from "../../realtime/protocol";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/* Hostile and broken clients: each is closed on its own; the server and everyone else go on. */
let server: TestServer;
let docs: DemoDocuments;
let leader: string;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  leader = await server.cookieFor(DEMO.leader);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random bytes, truncated real frames, real frames with flipped bytes, and odd headers. */
function hostileFrames(count: number, seed: number): Uint8Array[] {
  const next = random(seed);
  const source = new Y.Doc();
  source.getText("t").insert(0, "Møtet starter kl. 10");
  source.getMap("m").set("k", [1, 2, 3]);
  const real = updateFrame(Y.encodeStateAsUpdate(source));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) {
      frames.push(
        Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
      );
    } else if (kind === 1) {
      frames.push(real.slice(0, Math.floor(next() * (real.length - 1))));
    } else if (kind === 2) {
      const copy = real.slice();
      for (let flips = 0; flips < 3; flips++) {
        const at = Math.floor(next() * copy.length);
        copy[at] = copy[at]! ^ (1 + Math.floor(next() * 255));
      }
      frames.push(copy);
    } else {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, Math.floor(next() * 6));
      encoding.writeVarUint(e, Math.floor(next() * 4));
      encoding.writeVarUint(e, Math.floor(next() * 2 ** 31)); // a huge claimed length
      frames.push(encoding.toUint8Array(e));
    }
  }
  return frames;
}

function open(path: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.url.replace(/^http/, "ws") + path, {
      headers: { Cookie: leader, Origin: server.url },
    });
    socket.on("open", () => resolve(socket));
    socket.on("error", reject);
  });
}

const closeCode = (socket: WebSocket) =>
  new Promise<number>((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) resolve(-1);
    socket.on("close", (code) => resolve(code));
  });

describe("frame decoding", () => {
  it("10,000 random and truncated frames either decode or are refused as malformed, never anything else", () => {
    let malformed = 0;
    for (const frame of hostileFrames(10_000, 7)) {
      try {
        decodeClientFrame(frame);
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedFrame);
        malformed++;
      }
    }
    expect(malformed).toBeGreaterThan(9_000);
  });
});

describe("hostile clients over the socket", () => {
  it("closes an oversized frame with 4413 (not retried by y-websocket) and keeps serving", async () => {
    const socket = await open(`/realtime/${docs.agenda}`);
    const closed = closeCode(socket);
    socket.send(new Uint8Array(2 * 1024 * 1024 + 1));
    expect(await closed).toBe(4413);
    // Past four times the limit, ws itself stops reading it: 1009.
    const huge = await open(`/realtime/${docs.agenda}`);
    const hugeClosed = closeCode(huge);
    huge.send(new Uint8Array(8 * 1024 * 1024 + 1));
    expect(await hugeClosed).toBe(1009);
    expect((await server.fetch("/healthz")).status).toBe(200);
  });

  it("10,000 hostile frames: the senders are closed with 1007/1008, the server stays up, others keep syncing", async () => {
    const a = connectClient(server.url, docs.agenda, { cookie: leader });
    const b = connectClient(server.url, docs.agenda, { cookie: leader });
    clients.push(a, b);
    await Promise.all([a.synced(), b.synced()]);

    const frames = hostileFrames(10_000, 42);
    const codes: number[] = [];
    // 100 hostile connections, each sending a burst of 100 frames.
    for (let i = 0; i < frames.length; i += 100) {
      const socket = await open(`/realtime/${docs.agenda}`);
      const closed = closeCode(socket);
      for (const frame of frames.slice(i, i + 100)) socket.send(frame);
      codes.push(await closed);
      if (i === 5000) {
        a.doc.getText("notes").insert(0, "midt i angrepet ");
      }
    }
    expect(codes.every((code) => code === 1007 || code === 1008)).toBe(true);
    expect(codes.filter((code) => code === 1007).length).toBeGreaterThan(90);

    b.doc.getText("notes").insert(0, "etterpå ");
    await until(
      () =>
        a.doc.getText("notes").toString() === b.doc.getText("notes").toString() &&
        a.doc.getText("notes").toString().includes("etterpå") &&
        b.doc.getText("notes").toString().includes("midt i angrepet")
          ? true
          : undefined,
      "the honest clients converging",
    );
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
    expect(a.closeCodes).toEqual([]);
    expect(server.realtime.metrics.closed.malformed).toBeGreaterThan(90);
  });

  it("closes a client that floods with 1008 and one with a huge awareness state with 1009", async () => {
    const flooder = await open(`/realtime/${docs.agenda}`);
    const flooded = closeCode(flooder);
    const query = Uint8Array.of(3);
    for (let i = 0; i < 2000; i++) flooder.send(query);
    expect(await flooded).toBe(1008);

    const chatty = connectClient(server.url, docs.agenda, { cookie: leader });
    clients.push(chatty);
    await chatty.synced();
    chatty.provider.awareness.setLocalStateField("user", { name: "x".repeat(20_000) });
    await until(() => (chatty.closeCodes.includes(1009) ? true : undefined), "awareness refused");
  });
});
