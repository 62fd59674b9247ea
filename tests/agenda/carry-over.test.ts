import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  auditLog,
  documentUpdates,
  meetingLeaders,
  meetings,
  meetingSeries,
  minutesVersions,
  networks,
} from "../../db/schema";
import {
  addAction,
  addItem,
  itemMap,
  itemNotes,
  readAgenda,
  setItemFields,
} from "../../app/features/agenda/document";
import { carriedItemId } from "../../app/features/agenda/carry-over.server";
import { changeDocumentNow } from "../../app/features/documents/change.server";
import { installRealtime, runningRealtime } from "../../realtime/running";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, demoDocuments, until, type DemoDocuments } from "../support/realtime";

/*
 * Carrying unfinished agenda items over (issue 11), on the real server and both databases: to
 * the next meeting in the series that is not cancelled and to a new meeting, pressing twice or
 * two leaders at once never duplicates an item, refused for partners, another network, a
 * locked target and a cancelled source, audited on both meetings, and an editor that has the
 * target agenda open receives the items through its y-websocket connection.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let leaderId: string;
let seriesId: string;
let cancelledNextId: string;
let nextId: string;
let laterId: string;
const items: Record<string, string> = {};

const DAY = 86_400_000;

async function insertMeeting(fields: {
  networkId: string;
  startsAt: Date;
  seriesId?: string | null;
  status?: "scheduled" | "cancelled";
}): Promise<string> {
  const id = crypto.randomUUID();
  await server.database.db.insert(meetings).values({
    id,
    networkId: fields.networkId,
    seriesId: fields.seriesId ?? null,
    kind: "follow_up_meeting",
    startsAt: fields.startsAt,
    durationMinutes: 60,
    place: "Fjordvik helsehus",
    internalTitle: "Oppfølging",
    status: fields.status ?? "scheduled",
    icalUid: `${id}@broen`,
  });
  await server.database.db.insert(meetingLeaders).values({ meetingId: id, userId: leaderId });
  return id;
}

/** The agenda of a meeting as the server has it now. */
async function agendaOf(meetingId: string) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await server.realtime.readState(`agenda:${meetingId}`));
  return { doc, agenda: readAgenda(doc).agenda };
}

const carryPath = () => `/meetings/${docs.meetingId}/carry`;
/** The meeting a successful carry-over's page links to, and how many items it says. */
const carried = async (response: Response) => {
  const html = await response.text();
  return {
    targetId: /Gå til møtet sakene ble flyttet til/.test(html)
      ? /href="\/meetings\/([0-9a-f-]{36})">Gå til møtet/.exec(html)?.[1]
      : undefined,
    count: /Flyttede saker: (\d+)/.exec(html)?.[1],
  };
};
const carry = (target: string, itemIds: string[], who = "leader", extra: [string, string][] = []) =>
  server.post(
    carryPath(),
    [["target", target], ...itemIds.map((id): [string, string] => ["itemId", id]), ...extra],
    cookie[who],
  );
const auditRows = (meetingId: string) =>
  server.database.db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, "agenda.carry"), eq(auditLog.subjectId, meetingId)));

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leaderId = await server.userId(DEMO.leader);
  const { db } = server.database;
  const [source] = await db.select().from(meetings).where(eq(meetings.id, docs.meetingId));
  const [series] = await db
    .insert(meetingSeries)
    .values({ networkId: docs.networkId, everyWeeks: 1, count: 4 })
    .returning({ id: meetingSeries.id });
  seriesId = series!.id;
  await db.update(meetings).set({ seriesId }).where(eq(meetings.id, docs.meetingId));
  const start = source!.startsAt.getTime();
  cancelledNextId = await insertMeeting({
    networkId: docs.networkId,
    startsAt: new Date(start + 7 * DAY),
    seriesId,
    status: "cancelled",
  });
  nextId = await insertMeeting({
    networkId: docs.networkId,
    startsAt: new Date(start + 14 * DAY),
    seriesId,
  });
  laterId = await insertMeeting({
    networkId: docs.networkId,
    startsAt: new Date(start + 21 * DAY),
    seriesId,
  });
  // The source agenda: two unfinished items with notes and actions, one done.
  const doc = new Y.Doc();
  items.housing = addItem(doc, {
    title: "Bolig på Ærøy",
    broughtBy: "person",
    createdBy: `user:${leaderId}`,
    plannedMinutes: 15,
  });
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Søknad om bostøtte er sendt")]);
  itemNotes(doc, items.housing)!.insert(0, [paragraph]);
  addAction(doc, items.housing, { what: "Ringe NAV", responsible: "person", due: null }, null);
  const doneAction = addAction(
    doc,
    items.housing,
    { what: "Allerede gjort", responsible: null, due: null },
    null,
  )!;
  (itemMap(doc, items.housing)!.get("actions") as Y.Map<Y.Map<unknown>>)
    .get(doneAction)!
    .set("status", "done");
  items.work = addItem(doc, { title: "Arbeid og dagsrytme", createdBy: `user:${leaderId}` });
  setItemFields(doc, items.work, { status: "current" });
  items.finished = addItem(doc, { title: "Ferdig sak", createdBy: `user:${leaderId}` });
  setItemFields(doc, items.finished, { status: "done" });
  items.other = addItem(doc, { title: "Fritid", createdBy: `user:${leaderId}` });
  await db
    .insert(documentUpdates)
    .values({ documentName: docs.agenda, update: Y.encodeStateAsUpdate(doc) });
});

afterAll(async () => {
  await server?.close();
});

describe("carrying items over", () => {
  it("offers the unfinished items and the next meeting in the series that is not cancelled", async () => {
    const page = await server.fetch(carryPath(), { cookie: cookie.leader });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Bolig på Ærøy");
    expect(html).toContain("Arbeid og dagsrytme");
    expect(html).not.toContain("Ferdig sak");
    expect(html).toContain(`value="${nextId}"`);
    expect(html).not.toContain(`value="${cancelledNextId}"`);
    expect(html).not.toContain(`value="${laterId}"`);
  });

  it("copies them into the open target agenda once, and marks them carried", async () => {
    const editor = connectClient(server.url, `agenda:${nextId}`, { cookie: cookie.leader });
    try {
      await editor.synced();
      const token = await server.formToken(cookie.leader!);
      const posts = [items.housing!, items.work!];
      // The same form sent twice at once, and then again: one result.
      const [first, second] = await Promise.all([
        carry(nextId, posts, "leader", [["formToken", token]]),
        carry(nextId, posts, "leader", [["formToken", token]]),
      ]);
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      const answer = await carried(first);
      expect(answer).toEqual({ targetId: nextId, count: "2" });
      expect(await carried(second)).toEqual(answer);
      const again = await carry(nextId, posts, "leader", [["formToken", token]]);
      expect(again.status).toBe(200);
      // The form sent again later gets the first post's answer (the stored result).
      expect(await carried(again)).toEqual(answer);

      const copyId = carriedItemId(docs.meetingId, items.housing!);
      // The open editor receives the copies through its socket.
      const received = await until(() => {
        const agenda = readAgenda(editor.doc).agenda;
        return agenda.items.length === 2 ? agenda : undefined;
      }, "the carried items in the open editor");
      expect(received.items.map((i) => i.title)).toEqual(["Bolig på Ærøy", "Arbeid og dagsrytme"]);
      const housing = received.items.find((i) => i.id === copyId)!;
      expect(housing).toMatchObject({
        broughtBy: "person",
        plannedMinutes: 15,
        status: "planned",
        createdBy: `user:${leaderId}`,
      });
      expect(housing.actions.map((a) => [a.what, a.status])).toEqual([["Ringe NAV", "open"]]);
      const notes = itemNotes(editor.doc, copyId)!.toString();
      expect(notes).toContain("Flyttet fra møtet");
      expect(notes).toContain("Søknad om bostøtte er sendt");
      expect(itemMap(editor.doc, copyId)!.get("carriedFrom")).toMatchObject({
        meetingId: docs.meetingId,
      });

      const source = await agendaOf(docs.meetingId);
      const status = Object.fromEntries(source.agenda.items.map((i) => [i.title, i.status]));
      expect(status).toEqual({
        "Bolig på Ærøy": "carried",
        "Arbeid og dagsrytme": "carried",
        "Ferdig sak": "done",
        Fritid: "planned",
      });
      expect(itemMap(source.doc, items.housing!)!.get("carriedTo")).toBe(nextId);
      // Stored: the target agenda from the database alone holds the copies once.
      await server.realtime.flush();
      expect((await agendaOf(nextId)).agenda.items).toHaveLength(2);
      expect(await auditRows(docs.meetingId)).toHaveLength(1);
      expect(await auditRows(nextId)).toHaveLength(1);
    } finally {
      editor.destroy();
    }
  });

  it("never duplicates when two leaders press at once with their own forms", async () => {
    const [a, b] = await Promise.all([
      carry(nextId, [items.other!]),
      server.post(
        carryPath(),
        [
          ["target", nextId],
          ["itemId", items.other!],
        ],
        await server.cookieFor(DEMO.leader),
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 200].sort());
    const target = await agendaOf(nextId);
    expect(target.agenda.items.filter((i) => i.title === "Fritid")).toHaveLength(1);
    expect(target.agenda.items).toHaveLength(3);
    // A later press for the same target answers as the first (its copy is there once more) …
    const late = await carry(nextId, [items.other!]);
    expect(late.status).toBe(200);
    expect((await agendaOf(nextId)).agenda.items).toHaveLength(3);
    // … and one for another meeting is refused: the item was carried already.
    const elsewhere = await carry(laterId, [items.other!]);
    expect(elsewhere.status).toBe(409);
    expect(await elsewhere.text()).toContain("allerede ferdige eller flyttet");
    expect((await agendaOf(laterId)).agenda.items).toHaveLength(0);
  });

  it("carries to a new meeting made by the meeting form's rules, once per form", async () => {
    const doc = new Y.Doc();
    const itemId = addItem(doc, { title: "Ny sak til nytt møte", createdBy: "person" });
    await changeDocumentNow(docs.agenda, (live) => {
      Y.applyUpdate(live, Y.encodeStateAsUpdate(doc));
    });
    const token = await server.formToken(cookie.leader!);
    const fields: [string, string][] = [
      ["date", "2027-03-10"],
      ["time", "10:00"],
      ["formToken", token],
    ];
    const [first, second] = await Promise.all([
      carry("new", [itemId], "leader", fields),
      carry("new", [itemId], "leader", fields),
    ]);
    expect(first.status).toBe(200);
    const answer = await carried(first);
    expect(await carried(second)).toEqual(answer);
    expect(answer.count).toBe("1");
    const result = { targetId: answer.targetId! };
    const [created] = await server.database.db
      .select()
      .from(meetings)
      .where(eq(meetings.id, result.targetId));
    expect(created).toMatchObject({ networkId: docs.networkId, internalTitle: expect.any(String) });
    const mine = await server.database.db
      .select()
      .from(meetings)
      .where(eq(meetings.createdByUserId, leaderId));
    expect(mine.filter((m) => m.startsAt.getTime() === created!.startsAt.getTime())).toHaveLength(
      1,
    );
    const target = await agendaOf(result.targetId);
    expect(target.agenda.items.map((i) => i.title)).toEqual(["Ny sak til nytt møte"]);
    // Items that cannot be carried any more make no new meeting.
    const before = (await server.database.db.select({ id: meetings.id }).from(meetings)).length;
    const nothing = await carry("new", [itemId], "leader", [
      ["date", "2027-03-17"],
      ["time", "10:00"],
    ]);
    expect(nothing.status).toBe(409);
    expect(await nothing.text()).toContain("allerede ferdige eller flyttet");
    expect((await server.database.db.select({ id: meetings.id }).from(meetings)).length).toBe(
      before,
    );
  });

  it("refuses partners, another network, a locked or cancelled target, a bad form", async () => {
    const { db } = server.database;
    const doc = new Y.Doc();
    const itemId = addItem(doc, { title: "Sak som blir igjen", createdBy: "person" });
    await changeDocumentNow(docs.agenda, (live) => {
      Y.applyUpdate(live, Y.encodeStateAsUpdate(doc));
    });
    const partner = await carry(nextId, [itemId], "nav");
    expect([403, 404]).toContain(partner.status);
    expect((await server.fetch(carryPath(), { cookie: cookie.nav })).status).toBeGreaterThan(399);

    const [otherNetwork] = await db
      .insert(networks)
      .values({ personId: docs.personId, kind: "responsibility_group", createdByUserId: leaderId })
      .returning({ id: networks.id });
    const elsewhere = await insertMeeting({
      networkId: otherNetwork!.id,
      startsAt: new Date(Date.now() + 30 * DAY),
    });
    const other = await carry(elsewhere, [itemId]);
    expect(other.status).toBe(409);
    expect(await other.text()).toContain("i det samme nettverket");

    await db.insert(minutesVersions).values({
      meetingId: laterId,
      version: 1,
      state: new Uint8Array([0, 0]),
      rendered: {},
      closedByUserId: leaderId,
      lockedAt: new Date(),
      lockedByUserId: leaderId,
    });
    const locked = await carry(laterId, [itemId]);
    expect(locked.status).toBe(409);
    expect(await locked.text()).toContain("Referatet fra det møtet er låst");

    const cancelled = await carry(cancelledNextId, [itemId]);
    expect(cancelled.status).toBe(409);
    expect(await cancelled.text()).toContain("skulle til, er avlyst");

    expect((await carry(nextId, [])).status).toBe(400);
    expect((await carry("not-a-meeting", [itemId])).status).toBe(400);
    expect((await carry(nextId, ["<script>"])).status).toBe(400);
    // Nothing was marked carried by any refusal.
    const source = await agendaOf(docs.meetingId);
    expect(source.agenda.items.find((i) => i.id === itemId)?.status).toBe("planned");
  });

  it("refuses carrying from a cancelled meeting", async () => {
    const { db } = server.database;
    const cancelledSource = await insertMeeting({
      networkId: docs.networkId,
      startsAt: new Date(Date.now() + 40 * DAY),
      status: "cancelled",
    });
    const response = await server.post(
      `/meetings/${cancelledSource}/carry`,
      [
        ["target", nextId],
        ["itemId", "abcdefgh12345678"],
      ],
      cookie.leader,
    );
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("Møtet er avlyst, så sakene");
    await db.delete(meetings).where(eq(meetings.id, cancelledSource));
  });

  it("changes the stored document when no realtime server is running", async () => {
    const handle = runningRealtime();
    const name = `agenda:${laterId}`;
    installRealtime(undefined);
    try {
      await changeDocumentNow(name, (doc) => {
        addItem(doc, { title: "Lagret uten sanntidstjener", createdBy: "person" });
      });
    } finally {
      installRealtime(handle);
    }
    const agenda = await agendaOf(laterId);
    expect(agenda.agenda.items.map((i) => i.title)).toEqual(["Lagret uten sanntidstjener"]);
  });
});
