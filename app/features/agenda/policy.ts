import * as Y from "yjs";
import { PARTS, type Ref } from "./document";

/*
 * Who may change what in an agenda (docs/documents.md, "Who writes"). The server applies a
 * contributor's update to a copy of the document and compares the two with `refusedChange`;
 * a change outside what the role allows is refused as a whole (the socket is told and the
 * client starts again from the server's copy). Leaders and the person edit everything; a
 * contributor (a partner or link holder with consent for "agenda") adds items of their own,
 * writes notes, and adds their own voice; everyone reads only once the agenda is locked.
 */

/** What an asker may do with an agenda: lead (edit all), contribute, or read. */
export type AgendaRole = "lead" | "contribute" | "read";

interface ItemShape {
  order: unknown;
  title: string;
  broughtBy: unknown;
  createdBy: unknown;
  plannedMinutes: unknown;
  status: unknown;
  notes: string;
  decisions: string;
  actions: string;
  voices: Map<string, { who: unknown; text: string }>;
  keys: string;
}

interface Shape {
  roots: string;
  meta: string;
  notes: string;
  items: Map<string, ItemShape>;
}

/** A comparable picture of every part of the document a policy looks at. */
function shape(doc: Y.Doc): Shape {
  const items = new Map<string, ItemShape>();
  for (const [id, value] of doc.getMap(PARTS.items).entries()) {
    if (!(value instanceof Y.Map)) {
      items.set(id, { keys: `not a map: ${String(value)}` } as ItemShape);
      continue;
    }
    const map = value as Y.Map<unknown>;
    const voices = new Map<string, { who: unknown; text: string }>();
    const rawVoices = map.get("voices");
    if (rawVoices instanceof Y.Map) {
      for (const [voiceId, voice] of (rawVoices as Y.Map<unknown>).entries()) {
        voices.set(
          voiceId,
          voice instanceof Y.Map
            ? { who: voice.get("who"), text: JSON.stringify(voice.toJSON()) }
            : { who: null, text: String(voice) },
        );
      }
    }
    items.set(id, {
      order: map.get("order"),
      title: String(map.get("title") ?? ""),
      broughtBy: map.get("broughtBy"),
      createdBy: map.get("createdBy"),
      plannedMinutes: map.get("plannedMinutes"),
      status: map.get("status"),
      notes: map.get("notes") instanceof Y.XmlFragment ? "fragment" : String(map.get("notes")),
      decisions: JSON.stringify(jsonOf(map.get("decisions"))),
      actions: JSON.stringify(jsonOf(map.get("actions"))),
      voices,
      keys: [...map.keys()].sort().join(","),
    });
  }
  return {
    roots: [...doc.share.keys()]
      .filter((key) => key !== PARTS.meta)
      .sort()
      .join(","),
    meta: JSON.stringify(doc.getMap(PARTS.meta).toJSON()),
    notes: "fragment",
    items,
  };
}

const jsonOf = (value: unknown) =>
  value instanceof Y.AbstractType ? value.toJSON() : value === undefined ? null : value;

/**
 * Why `update` may not be applied to `doc` by someone with `role` who is `self`, or null when
 * it may. Leaves `doc` unchanged (works on a copy). A locked agenda makes a contributor a
 * reader. Throws nothing: an update Yjs cannot read is refused.
 */
export function refusedChange(
  doc: Y.Doc,
  update: Uint8Array,
  role: AgendaRole,
  self: Ref | null,
): string | null {
  if (role === "lead") return null;
  if (role === "read" || doc.getMap(PARTS.meta).get("locked") === true) return "read only";
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const before = shape(copy);
    Y.applyUpdate(copy, update);
    // Parts a pending update waits for are not applied yet; judge them when they are.
    return compare(before, shape(copy), self);
  } catch {
    return "unreadable update";
  } finally {
    copy.destroy();
  }
}

function compare(before: Shape, after: Shape, self: Ref | null): string | null {
  const roots = (value: string) =>
    value
      .split(",")
      .filter((key) => key !== "" && key !== PARTS.items && key !== PARTS.notes)
      .join(",");
  if (roots(before.roots) !== roots(after.roots)) return "a part the agenda does not have";
  if (before.meta !== after.meta) return "the meeting's running state";
  const own = (item: ItemShape | undefined) => self !== null && item?.createdBy === self;
  for (const [id, item] of after.items) {
    const old = before.items.get(id);
    if (!old) {
      if (!own(item)) return "an item in someone else's name";
      if (item.status !== "planned" || item.decisions !== "{}" || item.actions !== "{}") {
        return "a new item with a status, decisions or actions";
      }
      if (item.broughtBy !== null && item.broughtBy !== self) return "an item for someone else";
      const voice = voiceChange(new Map(), item.voices, self);
      if (voice) return voice;
      continue;
    }
    if (old.keys !== item.keys || old.notes !== item.notes) return "the shape of an item";
    if (old.createdBy !== item.createdBy) return "who wrote an item";
    if (old.order !== item.order || old.status !== item.status) return "the order or status";
    if (old.decisions !== item.decisions || old.actions !== item.actions) {
      return "decisions or actions";
    }
    const ownItem = own(old);
    if (!ownItem) {
      if (old.title !== item.title) return "the title of someone else's item";
      if (old.broughtBy !== item.broughtBy || old.plannedMinutes !== item.plannedMinutes) {
        return "someone else's item";
      }
    } else if (item.broughtBy !== null && item.broughtBy !== self) {
      return "an item for someone else";
    }
    const voice = voiceChange(old.voices, item.voices, self);
    if (voice) return voice;
  }
  for (const [id, old] of before.items) {
    if (!after.items.has(id) && !own(old)) return "removing someone else's item";
  }
  return null;
}

/** Voices may be added, changed or removed only by the one whose voice it is. */
function voiceChange(
  before: ItemShape["voices"],
  after: ItemShape["voices"],
  self: Ref | null,
): string | null {
  for (const [id, voice] of after) {
    const old = before.get(id);
    if (old && old.text === voice.text && old.who === voice.who) continue;
    if (voice.who !== self || (old && old.who !== self)) return "someone else's voice";
  }
  for (const [id, old] of before) {
    if (!after.has(id) && old.who !== self) return "someone else's voice";
  }
  return null;
}
