import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DEMO_PASSWORD } from "../../db/seed";
import { openTestDatabase } from "../support/database";
import { freePort, healthy, launch, logIn, type Launched } from "../support/processes";
import { connectClient, until, type Client } from "../support/realtime";
import { DEMO } from "../support/server";

/*
 * The realtime server as it runs in production: `tsx server.ts` processes, stopped with
 * SIGTERM or killed with SIGKILL, on the embedded database or (with TEST_DATABASE_URL) on the
 * PostgreSQL server, where two processes serve the same document.
 */
const onPostgres = !!process.env.TEST_DATABASE_URL;
const SECRET = "realtime-process-test-secret-0123456789";
let database: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
const dataDirs: string[] = [];
const running: Launched[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  if (onPostgres) database = await openTestDatabase();
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  for (const server of running) server.child.kill("SIGKILL");
  await Promise.all(running.map((server) => server.exited));
  await database?.drop();
  dataDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

interface Site {
  /** Where the processes keep their data: one embedded data folder, or the test database. */
  storage: Record<string, string>;
  publicUrl: string;
}

async function newSite(port: number): Promise<Site> {
  const publicUrl = `http://127.0.0.1:${port}`;
  if (database) {
    return {
      publicUrl,
      storage: { DATABASE_URL: database.url!, SESSION_SECRET: SECRET, PUBLIC_URL: publicUrl },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-realtime-"));
  dataDirs.push(dataDir);
  return { publicUrl, storage: { BROEN_DATA_DIR: dataDir } };
}

async function start(site: Site, port: number): Promise<{ base: string; process: Launched }> {
  const process = launch({
    ...site.storage,
    PORT: String(port),
    RATE_LIMIT_AUTH_PER_MINUTE: "10000",
    REALTIME_UNLOAD_GRACE_MS: "100",
    // Compaction every few rows, so that it runs many times while clients edit.
    REALTIME_COMPACT_AFTER: "10",
  });
  running.push(process);
  const base = `http://127.0.0.1:${port}`;
  await Promise.race([
    healthy(base),
    process.exited.then((code) => {
      throw new Error(`server exited with ${code}: ${process.stderr()}`);
    }),
  ]);
  return { base, process };
}

async function stop(server: { process: Launched }, signal: "SIGTERM" | "SIGKILL") {
  server.process.child.kill(signal);
  const code = await server.process.exited;
  if (signal === "SIGTERM" && code !== 0) {
    throw new Error(
      `exit ${code} (${server.process.child.signalCode}): ${server.process.stderr()}`,
    );
  }
  return code;
}

async function demoAgenda(base: string, cookie: string): Promise<string> {
  const page = await (await fetch(`${base}/meetings`, { headers: { Cookie: cookie } })).text();
  const id = /\/meetings\/([0-9a-f-]{36})/.exec(page)?.[1];
  if (!id) throw new Error("no demo meeting in the list");
  return `agenda:${id}`;
}

async function metrics(base: string, adminCookie: string) {
  const response = await fetch(`${base}/admin/realtime.json`, { headers: { Cookie: adminCookie } });
  return (await response.json()) as {
    compactions: number;
    pendingWrites: number;
    running: boolean;
  };
}

function client(base: string, name: string, cookie: string, origin: string, doc?: Y.Doc) {
  const c = connectClient(base, name, { cookie, origin }, { doc });
  clients.push(c);
  return c;
}

describe("persistence across processes", () => {
  it("keeps every edit across a graceful restart, and after compaction", async () => {
    const port = await freePort();
    const site = await newSite(port);
    const first = await start(site, port);
    const leader = await logIn(first.base, DEMO.leader, DEMO_PASSWORD);
    const name = await demoAgenda(first.base, leader);

    const writer = client(first.base, name, leader, site.publicUrl);
    await writer.synced();
    writer.doc.getText("notes").insert(0, "1. Runde rundt bordet\n2. Bolig\n3. Jobb");
    writer.doc.getMap("meta").set("chair", "Lena Leder");
    writer.doc.getArray<string>("attending").push(["Omar", "Per"]);
    const watcher = client(first.base, name, leader, site.publicUrl);
    await until(
      () => (watcher.doc.getArray("attending").length === 2 ? true : undefined),
      "the server to have the edits",
    );
    const expected = Y.encodeStateAsUpdate(writer.doc);
    writer.destroy();
    // Shutdown closes open sockets with "going away" (1001) after storing what is pending.
    expect(await stop(first, "SIGTERM")).toBe(0);
    expect(watcher.closeCodes[0]).toBe(1001);
    watcher.destroy();

    const second = await start(site, port);
    const reader = client(second.base, name, leader, site.publicUrl);
    await reader.synced();
    expect(Y.encodeStateAsUpdate(reader.doc)).toEqual(expected);
    reader.destroy();

    // Once nobody has it open, the document is compacted to one row; the state is unchanged.
    const admin = await logIn(second.base, DEMO.admin, DEMO_PASSWORD);
    await until(
      async () => ((await metrics(second.base, admin)).compactions > 0 ? true : undefined),
      "compaction on unload",
    );
    const again = client(second.base, name, leader, site.publicUrl);
    await again.synced();
    expect(Y.encodeStateAsUpdate(again.doc)).toEqual(expected);
    again.destroy();
    expect(await stop(second, "SIGTERM")).toBe(0);
  }, 180_000);

  it("loses no edit when the server is killed while ten clients edit", async () => {
    const port = await freePort();
    const site = await newSite(port);
    const first = await start(site, port);
    const leader = await logIn(first.base, DEMO.leader, DEMO_PASSWORD);
    const name = await demoAgenda(first.base, leader);

    const editors = Array.from({ length: 10 }, () =>
      client(first.base, name, leader, site.publicUrl),
    );
    await Promise.all(editors.map((e) => e.synced()));
    const perClient = 30;
    const pace = () => new Promise((resolve) => setTimeout(resolve, 5)); // typing speed, not a wait
    const typing = editors.map(async (editor, index) => {
      for (let n = 0; n < perClient; n++) {
        editor.doc.getArray<string>("log").push([`${index}-${n}`]);
        await pace();
      }
    });
    // Kill the server in the middle of it; the clients keep typing while it is down.
    await until(
      () => (editors[0]!.doc.getArray("log").length >= 60 ? true : undefined),
      "editing under way",
    );
    expect(await stop(first, "SIGKILL")).toBe(null);
    await Promise.all(typing);

    const second = await start(site, port);
    const total = editors.length * perClient;
    await until(
      () =>
        editors.every((e) => e.provider.wsconnected && e.doc.getArray("log").length === total)
          ? true
          : undefined,
      "every client reconnected with every edit",
      60_000,
    );
    const fresh = client(second.base, name, leader, site.publicUrl);
    await fresh.synced();
    const items = new Set(fresh.doc.getArray<string>("log").toArray());
    expect(items.size).toBe(total);
    for (let index = 0; index < editors.length; index++) {
      for (let n = 0; n < perClient; n++) expect(items.has(`${index}-${n}`)).toBe(true);
    }
    editors.forEach((e) => e.destroy());
    fresh.destroy();
    expect(await stop(second, "SIGTERM")).toBe(0);
  }, 180_000);
});

describe.runIf(onPostgres)("two server processes on one PostgreSQL", () => {
  it("clients on different processes converge, and see each other's presence", async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const site = await newSite(portA);
    const a = await start(site, portA);
    const b = await start(site, portB);
    const leader = await logIn(a.base, DEMO.leader, DEMO_PASSWORD);
    const name = await demoAgenda(a.base, leader);

    const onA = client(a.base, name, leader, site.publicUrl);
    const onB = client(b.base, name, leader, site.publicUrl);
    await Promise.all([onA.synced(), onB.synced()]);
    onA.doc.getText("notes").insert(0, "fra A ");
    onB.doc.getText("notes").insert(0, "fra B ");
    onB.doc.getMap("meta").set("big", "x".repeat(20_000)); // too big to travel inline
    const text = (c: Client) => c.doc.getText("notes").toString();
    await until(
      () =>
        text(onA) === text(onB) &&
        text(onA).includes("fra A") &&
        text(onA).includes("fra B") &&
        onA.doc.getMap("meta").get("big") === "x".repeat(20_000)
          ? true
          : undefined,
      "convergence across processes",
    );
    onA.provider.awareness.setLocalStateField("user", { name: "Lena Leder" });
    await until(
      () => (onB.provider.awareness.getStates().has(onA.doc.clientID) ? true : undefined),
      "presence across processes",
    );
    // A late joiner on the other process gets everything.
    const late = client(b.base, name, leader, site.publicUrl);
    await late.synced();
    expect(text(late)).toBe(text(onA));

    // Both processes compact (each its own rows) while both sides keep editing.
    for (let n = 0; n < 40; n++) {
      onA.doc.getArray<string>("both").push([`A${n}`]);
      onB.doc.getArray<string>("both").push([`B${n}`]);
      if (n % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20)); // typing pace
    }
    await until(
      () => (late.doc.getArray("both").length === 80 ? true : undefined),
      "every edit everywhere",
    );
    [onA, onB, late].forEach((c) => c.destroy());
    expect(await stop(a, "SIGTERM")).toBe(0);
    expect(await stop(b, "SIGTERM")).toBe(0);
    // What is stored holds every edit from both processes.
    const c = await start(site, portA);
    const fresh = client(c.base, name, leader, site.publicUrl);
    await fresh.synced();
    expect(text(fresh)).toBe(text(onA));
    expect(new Set(fresh.doc.getArray<string>("both").toArray()).size).toBe(80);
    fresh.destroy();
    expect(await stop(c, "SIGTERM")).toBe(0);
  }, 180_000);
});

describe.runIf(onPostgres)("WEB_CONCURRENCY: several processes behind one port", () => {
  it("serves pages and live documents from two cluster workers, and stops them all on SIGTERM", async () => {
    const port = await freePort();
    const site = await newSite(port);
    const process = launch({
      ...site.storage,
      PORT: String(port),
      WEB_CONCURRENCY: "2",
      RATE_LIMIT_AUTH_PER_MINUTE: "10000",
    });
    running.push(process);
    const base = `http://127.0.0.1:${port}`;
    await until(
      () => (process.stdout().includes("2 processes") ? true : undefined),
      "two workers",
      150_000,
    );
    await healthy(base);
    const leader = await logIn(base, DEMO.leader, DEMO_PASSWORD);
    const name = await demoAgenda(base, leader);
    // Connections are handed to the workers in turn: four clients land on both.
    const editors = Array.from({ length: 4 }, () => client(base, name, leader, site.publicUrl));
    await Promise.all(editors.map((e) => e.synced()));
    // (The earlier tests in this file used the same document: a fresh key.)
    editors.forEach((e, i) => e.doc.getArray<string>("workers").push([`fra ${i}`]));
    await until(
      () => (editors.every((e) => e.doc.getArray("workers").length === 4) ? true : undefined),
      "convergence across workers",
    );
    process.child.kill("SIGTERM");
    expect(await process.exited).toBe(0);
    editors.forEach((e) => e.destroy());
  }, 180_000);
});
