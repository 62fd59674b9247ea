import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import {
  addAction,
  addDecision,
  addItem,
  addVoice,
  itemMap,
  itemNotes,
  itemParts,
  keepUnchangedItems,
  moveItem,
  PARTS,
  readAgenda,
  replaceText,
  setItemFields,
  sharedText,
  shiftItem,
  type Ref,
} from "../../app/features/agenda/document";
import { refusedChange } from "../../app/features/agenda/policy";

const MEMBER: Ref = "member:11111111-1111-4111-8111-111111111111";
const OTHER: Ref = "member:22222222-2222-4222-8222-222222222222";
const LEADER: Ref = "user:33333333-3333-4333-8333-333333333333";

/** Two replicas that exchange every update, as two screens through the server. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  };
  return { a, b, sync };
}

const titles = (doc: Y.Doc) => readAgenda(doc).agenda.items.map((item) => item.title);

describe("the agenda document", () => {
  it("keeps items in the order they were added and moved", () => {
    const doc = new Y.Doc();
    const one = addItem(doc, { title: "Én", createdBy: LEADER });
    const two = addItem(doc, { title: "To", createdBy: LEADER });
    addItem(doc, { title: "Null", createdBy: LEADER, after: null });
    addItem(doc, { title: "Halv", createdBy: LEADER, after: one });
    expect(titles(doc)).toEqual(["Null", "Én", "Halv", "To"]);
    expect(moveItem(doc, two, one)).toBe(true);
    expect(titles(doc)).toEqual(["Null", "To", "Én", "Halv"]);
    expect(shiftItem(doc, two, 1)).toBe(true);
    expect(titles(doc)).toEqual(["Null", "Én", "To", "Halv"]);
    expect(shiftItem(doc, two, -1)).toBe(true);
    expect(shiftItem(doc, two, -1)).toBe(true);
    expect(shiftItem(doc, two, -1)).toBe(false);
    expect(titles(doc)).toEqual(["To", "Null", "Én", "Halv"]);
    expect(moveItem(doc, one, null)).toBe(true);
    expect(titles(doc).at(-1)).toBe("Én");
  });

  it("never duplicates an item that two screens move at the same time", () => {
    const { a, b, sync } = pair();
    const ids = ["A", "B", "C", "D"].map((title) => addItem(a, { title, createdBy: LEADER }));
    sync();
    // A to the end on one screen, A between C and D on the other, at the same time.
    moveItem(a, ids[0]!, null);
    moveItem(b, ids[0]!, ids[3]!);
    sync();
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a).filter((title) => title === "A")).toHaveLength(1);
    expect(titles(a)).toHaveLength(4);
  });

  it("keeps both items that two screens add at the same place, in the same order on both", () => {
    const { a, b, sync } = pair();
    const first = addItem(a, { title: "Første", createdBy: LEADER });
    sync();
    addItem(a, { title: "Fra A", createdBy: LEADER, after: first });
    addItem(b, { title: "Fra B", createdBy: OTHER, after: first });
    sync();
    expect(titles(a)).toEqual(titles(b));
    expect(new Set(titles(a))).toEqual(new Set(["Første", "Fra A", "Fra B"]));
  });

  it("keeps concurrent typing in one title", () => {
    const { a, b, sync } = pair();
    const id = addItem(a, { title: "Bolig", createdBy: LEADER });
    sync();
    replaceText(sharedText(itemMap(a, id), "title")!, "Bolig og arbeid");
    replaceText(sharedText(itemMap(b, id), "title")!, "Ny bolig");
    sync();
    expect(titles(a)).toEqual(titles(b));
    expect(titles(a)[0]).toBe("Ny bolig og arbeid");
  });

  it("reads decisions, actions and voices in the order they were captured", () => {
    const doc = new Y.Doc();
    const id = addItem(doc, { title: "Arbeid", createdBy: LEADER, broughtBy: "person" });
    addDecision(doc, id, "Søke arbeidstrening", LEADER, 1000);
    addDecision(doc, id, "Møtes igjen i mars", LEADER, 2000);
    addAction(doc, id, { what: "Ringe NAV", responsible: MEMBER, due: "2026-12-14" }, LEADER, 3000);
    addVoice(doc, id, "person", "Jeg vil prøve noe nytt", 4000);
    setItemFields(doc, id, { plannedMinutes: 15, status: "current" });
    const [item] = readAgenda(doc).agenda.items;
    expect(item).toMatchObject({
      title: "Arbeid",
      broughtBy: "person",
      plannedMinutes: 15,
      status: "current",
      decisions: [{ text: "Søke arbeidstrening" }, { text: "Møtes igjen i mars" }],
      actions: [{ what: "Ringe NAV", responsible: MEMBER, due: "2026-12-14", status: "open" }],
      voices: [{ who: "person", text: "Jeg vil prøve noe nytt" }],
    });
    expect(readAgenda(doc).problems).toEqual([]);
  });

  it("leaves out parts of a wrong type or shape, names them, and reads the rest", () => {
    const doc = new Y.Doc();
    const good = addItem(doc, { title: "Godt punkt", createdBy: LEADER });
    const items = doc.getMap(PARTS.items);
    items.set("not-a-map-item", "tekst");
    items.set("x", new Y.Map()); // id too short
    const noOrder = new Y.Map();
    items.set("noorder-item-1", noOrder);
    const map = itemMap(doc, good)!;
    map.set("status", "eksplodert");
    map.set("plannedMinutes", -4);
    map.set("broughtBy", "<script>");
    const voices = map.get("voices") as Y.Map<unknown>;
    const voice = new Y.Map();
    voices.set("voice-without-who", voice);
    voice.set("text", "hvem?");
    const actions = map.get("actions") as Y.Map<unknown>;
    const action = new Y.Map();
    actions.set("action-bad-due", action);
    action.set("what", "Noe");
    action.set("due", "i morgen");
    doc.getMap(PARTS.meta).set("locked", "ja");
    doc.getMap(PARTS.meta).set("currentItemId", "finnes-ikke-123");

    const { agenda, problems } = readAgenda(doc);
    expect(agenda.items).toHaveLength(1);
    expect(agenda.items[0]).toMatchObject({
      title: "Godt punkt",
      status: "planned",
      plannedMinutes: null,
      broughtBy: null,
      voices: [],
      actions: [{ what: "Noe", due: null }],
    });
    expect(agenda.meta).toEqual({
      locked: false,
      currentItemId: null,
      runStartedAt: null,
      itemStartedAt: null,
    });
    const paths = problems.map((problem) => problem.path);
    for (const path of [
      "items.not-a-map-item",
      "items.x",
      "items.noorder-item-1",
      `items.${good}.status`,
      `items.${good}.plannedMinutes`,
      `items.${good}.broughtBy`,
      `items.${good}.voices.voice-without-who`,
      `items.${good}.actions.action-bad-due.due`,
      "meta.locked",
    ]) {
      expect(paths).toContain(path);
    }
  });

  it("cuts text that is longer than its limit", () => {
    const doc = new Y.Doc();
    addItem(doc, { title: "x".repeat(5000), createdBy: LEADER });
    expect(titles(doc)[0]).toHaveLength(200);
  });
});

describe("reading again after a change (keepUnchangedItems)", () => {
  it("keeps the objects of the items that did not change, and only those", () => {
    const doc = new Y.Doc();
    const one = addItem(doc, { title: "Én", createdBy: LEADER });
    const two = addItem(doc, { title: "To", createdBy: LEADER });
    const first = keepUnchangedItems(null, readAgenda(doc).agenda);

    // Notes are not part of an item's reading: typing in them changes no item.
    itemNotes(doc, one)!.insert(0, [new Y.XmlText("skriver")]);
    const afterNotes = keepUnchangedItems(first, readAgenda(doc).agenda);
    expect(afterNotes.items[0]).toBe(first.items[0]);
    expect(afterNotes.items[1]).toBe(first.items[1]);

    setItemFields(doc, two, { plannedMinutes: 15 });
    const afterMinutes = keepUnchangedItems(afterNotes, readAgenda(doc).agenda);
    expect(afterMinutes.items[0]).toBe(first.items[0]);
    expect(afterMinutes.items[1]).not.toBe(first.items[1]);
    expect(afterMinutes.items[1]!.plannedMinutes).toBe(15);

    // A move keeps both objects, in the new order.
    shiftItem(doc, two, -1);
    const afterMove = keepUnchangedItems(afterMinutes, readAgenda(doc).agenda);
    expect(afterMove.items).toEqual([afterMinutes.items[1], afterMinutes.items[0]]);
    expect(afterMove.items[0]).toBe(afterMinutes.items[1]);
  });
});

describe("what an item's view reads from the document (itemParts)", () => {
  const same = (a: unknown[], b: unknown[]) =>
    a.length === b.length && a.every((part, i) => Object.is(part, b[i]));

  it("stays the same while only the notes are typed in, and changes with what the view reads", () => {
    const doc = new Y.Doc();
    const id = addItem(doc, { title: "Bolig", createdBy: LEADER });
    const actionId = addAction(
      doc,
      id,
      { what: "Ringe utleier", responsible: MEMBER, due: null },
      LEADER,
    )!;
    const first = itemParts(doc, id);
    itemNotes(doc, id)!.insert(0, [new Y.XmlText("notat")]);
    expect(same(first, itemParts(doc, id))).toBe(true);

    // A status note (tasks/status-note.tsx) is not part of the action's reading, but is shown.
    const actions = itemMap(doc, id)!.get("actions") as Y.Map<Y.Map<unknown>>;
    actions.get(actionId)!.set("statusNote", { status: "blocked", comment: "Venter" });
    const afterNote = itemParts(doc, id);
    expect(same(first, afterNote)).toBe(false);

    // A title text replaced by another with the same words (a modified client).
    const title = new Y.Text();
    title.insert(0, "Bolig");
    itemMap(doc, id)!.set("title", title);
    expect(readAgenda(doc).agenda.items[0]!.title).toBe("Bolig");
    expect(same(afterNote, itemParts(doc, id))).toBe(false);
    expect(itemParts(doc, "no-such-item")).toEqual([]);
  });
});

describe("who may change what (refusedChange)", () => {
  /** The server's copy with one leader item, and a client replica in sync with it. */
  function setup() {
    const server = new Y.Doc();
    const leaderItem = addItem(server, { title: "Lederens punkt", createdBy: LEADER });
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    /** What the client changes, as one update relative to the server's copy. */
    const change = (edit: (doc: Y.Doc) => void) => {
      const vector = Y.encodeStateVector(client);
      edit(client);
      return Y.encodeStateAsUpdate(client, vector);
    };
    return { server, client, leaderItem, change };
  }

  it("lets a contributor add an item of their own, write notes anywhere and add their voice", () => {
    const { server, leaderItem, change } = setup();
    const own = change((doc) =>
      addItem(doc, { title: "Mitt", createdBy: MEMBER, broughtBy: MEMBER }),
    );
    expect(refusedChange(server, own, "contribute", MEMBER)).toBeNull();
    Y.applyUpdate(server, own);
    const notes = change((doc) => {
      const fragment = itemMap(doc, leaderItem)!.get("notes") as Y.XmlFragment;
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Et notat")]);
      fragment.insert(0, [paragraph]);
    });
    expect(refusedChange(server, notes, "contribute", MEMBER)).toBeNull();
    const voice = change((doc) => addVoice(doc, leaderItem, MEMBER, "Min stemme"));
    expect(refusedChange(server, voice, "contribute", MEMBER)).toBeNull();
  });

  it("refuses what only leaders and the person may do", () => {
    const cases: Record<string, (doc: Y.Doc, leaderItem: string) => unknown> = {
      "item in another's name": (doc) => addItem(doc, { title: "X", createdBy: OTHER }),
      decision: (doc, item) => addDecision(doc, item, "Vedtak", MEMBER),
      action: (doc, item) =>
        addAction(doc, item, { what: "Y", responsible: null, due: null }, MEMBER),
      title: (doc, item) => replaceText(sharedText(itemMap(doc, item), "title")!, "Nytt"),
      status: (doc, item) => setItemFields(doc, item, { status: "done" }),
      move: (doc, item) =>
        addItem(doc, { title: "Mitt", createdBy: MEMBER }) && moveItem(doc, item, null),
      meta: (doc) => doc.getMap(PARTS.meta).set("locked", true),
      remove: (doc, item) => doc.getMap(PARTS.items).delete(item),
      "voice of another": (doc, item) => addVoice(doc, item, "person", "Ikke min"),
      "new root": (doc) => doc.getMap("hemmelig").set("a", 1),
    };
    for (const [name, edit] of Object.entries(cases)) {
      const { server, leaderItem, change } = setup();
      const update = change((doc) => edit(doc, leaderItem));
      expect({ name, refused: refusedChange(server, update, "contribute", MEMBER) }).toEqual({
        name,
        refused: expect.any(String),
      });
      expect(refusedChange(server, update, "lead", LEADER)).toBeNull();
    }
  });

  it("makes everyone but leaders a reader once the agenda is locked", () => {
    const { server, change } = setup();
    server.getMap(PARTS.meta).set("locked", true);
    const own = change((doc) => addItem(doc, { title: "Sent", createdBy: MEMBER }));
    expect(refusedChange(server, own, "contribute", MEMBER)).toBe("read only");
    expect(refusedChange(server, own, "read", MEMBER)).toBe("read only");
    expect(refusedChange(server, own, "lead", LEADER)).toBeNull();
  });

  it("refuses an update Yjs cannot read without throwing", () => {
    const { server } = setup();
    expect(
      refusedChange(server, new Uint8Array([1, 2, 3, 250]), "contribute", MEMBER),
    ).not.toBeNull();
  });
});
