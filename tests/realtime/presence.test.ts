import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { issueTicket } from "../../app/features/documents/tickets.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type Credentials,
  type DemoDocuments,
} from "../support/realtime";

/*
 * Presence (awareness) across a reconnect, issue 10 item 9: y-websocket keeps its client id on
 * the new socket while the old one may still be open at the server. Real server, real clients.
 */
let server: TestServer;
let docs: DemoDocuments;
let leader: string;
let coordinator: string;
const clients: Client[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  leader = await server.cookieFor(DEMO.leader);
  coordinator = await server.cookieFor(DEMO.coordinator);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

/** What a client saw of one client id's presence: each cursor, and whether it was removed. */
function watch(watcher: Client, clientId: number) {
  const cursors: unknown[] = [];
  let removals = 0;
  watcher.provider.awareness.on(
    "change",
    ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      if (removed.includes(clientId)) removals++;
      if (added.includes(clientId) || updated.includes(clientId)) {
        cursors.push(watcher.provider.awareness.getStates().get(clientId)?.cursor);
      }
    },
  );
  const cursor = () => watcher.provider.awareness.getStates().get(clientId)?.cursor as unknown;
  return {
    cursors,
    removals: () => removals,
    /** Waits until the watcher shows `value` as the cursor. */
    sees: (value: unknown, what: string) =>
      until(() => (cursor() === value ? true : undefined), what),
    gone: () =>
      until(
        () => (watcher.provider.awareness.getStates().has(clientId) ? undefined : true),
        "presence removed",
      ),
  };
}

/**
 * A network change: the browser gives up its socket and y-websocket opens a new one with the
 * same client id, but the old socket's close never reaches the server, which keeps it open.
 * Returns that old socket (terminate it to let the server see it close).
 */
function changeNetwork(tab: Client): WebSocket {
  const old = tab.provider.ws as unknown as WebSocket;
  old.close = () => {}; // the closing handshake is lost on the old network
  (old as unknown as { onclose: (event: null) => void }).onclose(null); // y-websocket's watchdog
  return old;
}

const connectionsOpen = () => server.realtime.documents.get(docs.agenda)?.connections.size ?? 0;

describe("presence across a reconnect", () => {
  it.each<[string, () => Credentials]>([
    ["a logged-in session", () => ({ cookie: leader })],
    [
      "an invitation link holder",
      () => ({
        ticket: issueTicket(
          { invitationId: docs.relativeInvitationId, linkVersion: 1 },
          docs.agenda,
        ),
      }),
    ],
  ])(
    "follows the newest socket of %s; the old socket closing leaves it in place",
    async (_who, credentials) => {
      const watcher = client(server.url, docs.agenda, { cookie: coordinator });
      const tab = client(server.url, docs.agenda, credentials());
      await Promise.all([watcher.synced(), tab.synced()]);
      const seen = watch(watcher, tab.doc.clientID);
      tab.provider.awareness.setLocalStateField("cursor", 1);
      await seen.sees(1, "the first cursor");
      const before = connectionsOpen();

      const old = changeNetwork(tab);
      await until(
        () => (tab.provider.wsconnected && connectionsOpen() === before + 1 ? true : undefined),
        "the new socket open beside the old one",
      );
      tab.provider.awareness.setLocalStateField("cursor", 2);
      await seen.sees(2, "the new socket's cursor"); // it froze at 1 before the fix

      old.terminate(); // the old socket finally closes
      await until(() => (connectionsOpen() === before ? true : undefined), "the old one closed");
      tab.provider.awareness.setLocalStateField("cursor", 3);
      await seen.sees(3, "a cursor after the old socket closed");
      expect(seen.removals()).toBe(0); // the presence was never removed meanwhile
      expect(seen.cursors).toEqual([1, 2, 3]);

      tab.provider.disconnect(); // the newest socket closing does remove it
      await seen.gone();
      watcher.destroy();
      tab.destroy();
    },
  );

  it.each<[string, () => Promise<Credentials>]>([
    ["another user", async () => ({ cookie: coordinator })],
    // Decided: a presence belongs to one login session (docs/realtime.md), like a tab.
    [
      "another session of the same user",
      async () => ({ cookie: await server.cookieFor(DEMO.leader) }),
    ],
  ])("refuses %s announcing the same client id", async (_who, credentials) => {
    const watcher = client(server.url, docs.agenda, { cookie: coordinator });
    const tab = client(server.url, docs.agenda, { cookie: leader });
    await Promise.all([watcher.synced(), tab.synced()]);
    const seen = watch(watcher, tab.doc.clientID);
    tab.provider.awareness.setLocalStateField("cursor", "eier");
    await seen.sees("eier", "the owner's cursor");

    // A newer socket with the same client id and a later clock, but someone else's.
    const doc = new Y.Doc();
    doc.clientID = tab.doc.clientID;
    const other = client(server.url, docs.agenda, await credentials(), { doc, connect: false });
    for (let i = 0; i < 20; i++)
      other.provider.awareness.setLocalStateField("cursor", `fremmed ${i}`);
    const refused = server.realtime.metrics.droppedFrames.presenceNotOwned;
    other.provider.connect();
    await other.synced();
    other.provider.awareness.setLocalStateField("cursor", "fremmed");
    await until(
      () =>
        server.realtime.metrics.droppedFrames.presenceNotOwned >= refused + 2 ? true : undefined,
      "the other socket's presence refused",
    );
    other.destroy(); // and its socket closing does not remove the owner's presence
    await until(() => (connectionsOpen() === 2 ? true : undefined), "the other socket closed");

    tab.provider.awareness.setLocalStateField("cursor", "eier igjen");
    await seen.sees("eier igjen", "the owner's next cursor");
    expect(seen.cursors).toEqual(["eier", "eier igjen"]);
    expect(seen.removals()).toBe(0);
    watcher.destroy();
    tab.destroy();
  });
});
