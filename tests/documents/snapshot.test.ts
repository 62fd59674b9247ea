import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { auditLog, documentSnapshots } from "../../db/schema";
import { parseDocumentName } from "../../app/features/documents/registry.server";
import {
  exportDocument,
  renderDocument,
  saveSnapshot,
} from "../../app/features/documents/snapshot.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, demoDocuments, until, type DemoDocuments } from "../support/realtime";

/* Snapshots for minutes and plan history, and the operators' metrics. */
let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

describe("snapshots", () => {
  it("exports the live state with a JSON rendering of every shared type, and stores it", async () => {
    const leader = await server.cookieFor(DEMO.leader);
    const editor = connectClient(server.url, docs.agenda, { cookie: leader });
    await editor.synced();
    editor.doc.getText("notes").insert(0, "Bolig først");
    editor.doc.getMap("meta").set("chair", "Lena");
    editor.doc.getArray("items").push([{ title: "Arbeid", minutes: 15 }]);
    const fragment = editor.doc.getXmlFragment("body");
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("Mål for våren")]);
    fragment.insert(0, [paragraph]);
    await until(
      () =>
        server.realtime.documents.get(docs.agenda)?.doc.getXmlFragment("body").length === 1
          ? true
          : undefined,
      "the server to have the edits",
    );

    const exported = await exportDocument(docs.agenda);
    expect(exported.content).toEqual({
      body: "<paragraph>Mål for våren</paragraph>",
      items: [{ title: "Arbeid", minutes: 15 }],
      meta: { chair: "Lena" },
      notes: "Bolig først",
    });
    // The state loads again into the same content.
    expect(renderDocument(exported.state)).toEqual(exported.content);

    const leaderId = await server.userId(DEMO.leader);
    const id = await saveSnapshot(
      parseDocumentName(docs.agenda)!,
      "minutes",
      { userId: leaderId, municipalityId: null, ip: "127.0.0.1" },
      docs.personId,
    );
    const [stored] = await server.database.db
      .select()
      .from(documentSnapshots)
      .where(eq(documentSnapshots.id, id));
    expect(stored!.content).toEqual(exported.content);
    expect(renderDocument(stored!.state)).toEqual(exported.content);
    const logged = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "document.snapshot"), eq(auditLog.subjectId, docs.meetingId)));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.personId).toBe(docs.personId);
    editor.destroy();
  });
});

describe("metrics", () => {
  it("admins read counts and rates, never content; others are refused", async () => {
    const leader = await server.cookieFor(DEMO.leader);
    const editor = connectClient(server.url, docs.plan, { cookie: leader });
    await editor.synced();
    editor.doc.getText("goals").insert(0, "Hemmelig mål");
    await until(
      () => (server.realtime.metrics.updatesPersisted > 0 ? true : undefined),
      "an update stored",
    );
    const admin = await server.cookieFor(DEMO.admin);
    const response = await server.fetch("/admin/realtime.json", { cookie: admin });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text);
    expect(body).toMatchObject({ running: true, connections: 1 });
    expect(body.documentsLoaded).toBeGreaterThanOrEqual(1);
    expect(body.updatesPersisted).toBeGreaterThan(0);
    expect(body.persistenceLagMs.p99).toBeGreaterThanOrEqual(0);
    expect(body.eventLoopDelayMs.max).toBeGreaterThanOrEqual(0);
    expect(text).not.toContain("Hemmelig");
    expect(text).not.toContain(docs.networkId);
    expect((await server.fetch("/admin/realtime.json", { cookie: leader })).status).toBe(403);
    editor.destroy();
  });
});
