import { generateKeyBetween } from "fractional-indexing";
import * as Y from "yjs";
import {
  byOrder,
  DATE,
  entries,
  ID,
  isRef,
  newId,
  note,
  PERSON_REF,
  ref,
  text,
  time,
  isTime,
  type Problem,
  type Ref,
} from "../documents/shapes";

// The pieces every document reader shares, under the names the agenda's users import.
export { isRef, newId, PERSON_REF, type Problem, type Ref };

/*
 * The live agenda of one meeting, `agenda:<meetingId>`: its structure, the only functions that
 * change it, and the one reader that turns it into plain data. Browser and server share this
 * file, so a page, the run view, the minutes and the server's check read the document the same
 * way. docs/documents.md describes the structure; ADR 014 says why it is shaped like this.
 *
 * Items sit in a Y.Map keyed by id, ordered by a fractional key: a move is one write of the
 * key, so a move made at the same time on two screens can never duplicate an item (deleting and
 * inserting in a Y.Array does). Decisions, actions and voices are keyed the same way, so each
 * has a stable id that later projections (my tasks) can follow.
 */

/** Top-level parts of the document. */
export const PARTS = {
  /** Y.Map: `locked` (boolean), `currentItemId` (string), `runStartedAt`, `itemStartedAt` (ms). */
  meta: "meta",
  /** Y.Map<itemId, Y.Map>: the items. */
  items: "items",
  /** Y.XmlFragment: the meeting's general notes (TipTap's default field). */
  notes: "default",
} as const;

export const itemStatuses = ["planned", "current", "done", "carried"] as const;
export type ItemStatus = (typeof itemStatuses)[number];
/** An action's status; in progress and blocked are set between meetings (tasks/status.server). */
export const actionStatuses = ["open", "in_progress", "blocked", "done"] as const;
export type ActionStatus = (typeof actionStatuses)[number];

/** Limits for one field; longer values from a modified client are cut when read. */
export const LIMITS = {
  title: 200,
  line: 1000,
  voice: 5000,
  minutes: 600,
  items: 200,
  entries: 200,
} as const;

export interface Decision {
  id: string;
  text: string;
  by: Ref | null;
  /** When it was captured, ms since the epoch. */
  at: number;
}
export interface Action {
  id: string;
  what: string;
  responsible: Ref | null;
  /** Due date as an Oslo calendar date, YYYY-MM-DD, or null. */
  due: string | null;
  status: ActionStatus;
  by: Ref | null;
  at: number;
}
/** One participant's contribution, in their own words (network meetings). */
export interface Voice {
  id: string;
  who: Ref;
  text: string;
  at: number;
}
export interface AgendaItem {
  id: string;
  title: string;
  /** Who brings the item (a member or the person), or null when nobody was named. */
  broughtBy: Ref | null;
  /** Who wrote the item into the agenda. */
  createdBy: Ref | null;
  plannedMinutes: number | null;
  status: ItemStatus;
  decisions: Decision[];
  actions: Action[];
  voices: Voice[];
}
export interface AgendaMeta {
  locked: boolean;
  currentItemId: string | null;
  runStartedAt: number | null;
  itemStartedAt: number | null;
}
export interface Agenda {
  meta: AgendaMeta;
  items: AgendaItem[];
}

// ---- reading ---------------------------------------------------------------------------------

/**
 * `next` with every item that is the same as the item of that id in `previous` (equal as JSON)
 * replaced by the earlier object, so that a view drawn per item (memoised) is drawn again only
 * for the items that changed: a keystroke in one item's notes changes no item. Takes the
 * earlier reading (or null) and the new one; returns the new one. Never throws.
 */
export function keepUnchangedItems(previous: Agenda | null, next: Agenda): Agenda {
  if (!previous) return next;
  const before = new Map(previous.items.map((item) => [item.id, item]));
  const items = next.items.map((item) => {
    const earlier = before.get(item.id);
    return earlier && jsonOf(earlier) === jsonOf(item) ? earlier : item;
  });
  return { ...next, items };
}

/** An item's JSON, written once per item object (a kept item is compared again and again). */
const itemJson = new WeakMap<AgendaItem, string>();
function jsonOf(item: AgendaItem): string {
  let json = itemJson.get(item);
  if (json === undefined) itemJson.set(item, (json = JSON.stringify(item)));
  return json;
}

/**
 * The agenda as plain data, in order, with every part of a wrong type or shape left out and
 * named in `problems` (a modified client must never break the page or the minutes for anyone
 * else). Text fields are cut to LIMITS. Never throws.
 */
export function readAgenda(doc: Y.Doc): { agenda: Agenda; problems: Problem[] } {
  const problems: Problem[] = [];
  const meta = readMeta(doc.getMap(PARTS.meta), problems);
  const ordered: { order: string; item: AgendaItem }[] = [];
  for (const [id, value] of doc.getMap(PARTS.items).entries()) {
    const path = `items.${id}`;
    if (!ID.test(id) || !(value instanceof Y.Map)) {
      problems.push({ path, reason: "not an item" });
      continue;
    }
    const order = value.get("order");
    if (typeof order !== "string" || order === "") {
      problems.push({ path, reason: "no order key" });
      continue;
    }
    ordered.push({ order, item: readItem(id, value, path, problems) });
  }
  ordered.sort(byOrder);
  const items = ordered.slice(0, LIMITS.items).map((entry) => entry.item);
  if (ordered.length > LIMITS.items) problems.push({ path: "items", reason: "too many items" });
  if (meta.currentItemId && !items.some((item) => item.id === meta.currentItemId)) {
    meta.currentItemId = null;
  }
  return { agenda: { meta, items }, problems };
}

function readMeta(map: Y.Map<unknown>, problems: Problem[]): AgendaMeta {
  const meta: AgendaMeta = {
    locked: false,
    currentItemId: null,
    runStartedAt: null,
    itemStartedAt: null,
  };
  for (const [key, value] of map.entries()) {
    const path = `meta.${key}`;
    if (key === "locked" && typeof value === "boolean") meta.locked = value;
    else if (
      key === "currentItemId" &&
      (value === null || (typeof value === "string" && ID.test(value)))
    )
      meta.currentItemId = value;
    else if (
      (key === "runStartedAt" || key === "itemStartedAt") &&
      (value === null || isTime(value))
    )
      meta[key] = value;
    else problems.push({ path, reason: "unknown key or wrong type" });
  }
  return meta;
}

function readItem(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]): AgendaItem {
  const title = text(map.get("title"), LIMITS.title);
  if (title === null) problems.push({ path: `${path}.title`, reason: "not text" });
  const status = map.get("status");
  const minutes = map.get("plannedMinutes");
  return {
    id,
    title: title ?? "",
    broughtBy: ref(map.get("broughtBy"), `${path}.broughtBy`, problems),
    createdBy: ref(map.get("createdBy"), `${path}.createdBy`, problems),
    plannedMinutes:
      typeof minutes === "number" &&
      Number.isInteger(minutes) &&
      minutes > 0 &&
      minutes <= LIMITS.minutes
        ? minutes
        : note(minutes === undefined || minutes === null, `${path}.plannedMinutes`, problems),
    status: itemStatuses.includes(status as ItemStatus)
      ? (status as ItemStatus)
      : (note(status === undefined, `${path}.status`, problems) ?? "planned"),
    decisions: entries(
      map.get("decisions"),
      `${path}.decisions`,
      problems,
      readDecision,
      LIMITS.entries,
    ),
    actions: entries(map.get("actions"), `${path}.actions`, problems, readAction, LIMITS.entries),
    voices: entries(map.get("voices"), `${path}.voices`, problems, readVoice, LIMITS.entries),
  };
}

function readDecision(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) {
  const value = text(map.get("text"), LIMITS.line);
  if (value === null) return void problems.push({ path: `${path}.text`, reason: "not text" });
  return { id, text: value, by: ref(map.get("by"), `${path}.by`, problems), at: time(map) };
}

function readAction(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) {
  const what = text(map.get("what"), LIMITS.line);
  if (what === null) return void problems.push({ path: `${path}.what`, reason: "not text" });
  const due = map.get("due");
  const status = map.get("status");
  return {
    id,
    what,
    responsible: ref(map.get("responsible"), `${path}.responsible`, problems),
    due:
      typeof due === "string" && DATE.test(due)
        ? due
        : note(due === undefined || due === null, `${path}.due`, problems),
    status: actionStatuses.includes(status as ActionStatus)
      ? (status as ActionStatus)
      : (note(status === undefined, `${path}.status`, problems) ?? "open"),
    by: ref(map.get("by"), `${path}.by`, problems),
    at: time(map),
  };
}

function readVoice(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) {
  const who = map.get("who");
  const value = text(map.get("text"), LIMITS.voice);
  if (!isRef(who) || value === null) {
    return void problems.push({ path, reason: "a voice needs who (a ref) and text" });
  }
  return { id, who, text: value, at: time(map) };
}

// ---- changing --------------------------------------------------------------------------------

/** The Y.Map of one item, or null when there is none with this id. */
export function itemMap(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const value = doc.getMap(PARTS.items).get(id);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

/**
 * Every shared object and value that an item's view reads straight from the document: the
 * item's map and its values (title text, notes fragment, the maps of its voices, actions and
 * decisions), and each of those entries' maps and values (a voice's text, an action's status
 * note). Not the notes' content. If any of them is another object than at the last drawing,
 * the view must draw again even when the item reads the same (keepUnchangedItems): e.g. a
 * replaced title text would otherwise keep receiving the typing. Returns [] for no item.
 */
export function itemParts(doc: Y.Doc, id: string): unknown[] {
  const map = itemMap(doc, id);
  if (!map) return [];
  const parts: unknown[] = [map];
  for (const value of map.values()) {
    parts.push(value);
    if (value instanceof Y.Map) {
      for (const entry of (value as Y.Map<unknown>).values()) {
        parts.push(entry);
        if (entry instanceof Y.Map) parts.push(...(entry as Y.Map<unknown>).values());
      }
    }
  }
  return parts;
}

/** The rich-text notes of one item (created with the item). */
export function itemNotes(doc: Y.Doc, id: string): Y.XmlFragment | null {
  const value = itemMap(doc, id)?.get("notes");
  return value instanceof Y.XmlFragment ? value : null;
}

/** The shared text of an item's title, or of a voice (for collaborative editing). */
export function sharedText(map: Y.Map<unknown> | null, key: "title" | "text"): Y.Text | null {
  const value = map?.get(key);
  return value instanceof Y.Text ? value : null;
}

/** Order keys of the items as they are now, in order. */
function orderedKeys(doc: Y.Doc): { id: string; order: string }[] {
  const list: { id: string; order: string }[] = [];
  for (const [id, value] of doc.getMap(PARTS.items).entries()) {
    const order = value instanceof Y.Map ? value.get("order") : undefined;
    if (typeof order === "string" && order !== "") list.push({ id, order });
  }
  return list.sort((a, b) => byOrder({ order: a.order, item: a }, { order: b.order, item: b }));
}

/** An order key between two neighbours; tolerates keys written by other versions. */
function keyBetween(before: string | null, after: string | null): string {
  try {
    return generateKeyBetween(before, after);
  } catch {
    // Keys that this library did not write (or equal neighbours): place after `before`.
    return `${before ?? ""}V${newId().slice(0, 4)}`;
  }
}

export interface NewItem {
  title: string;
  broughtBy?: Ref | null;
  createdBy: Ref | null;
  plannedMinutes?: number | null;
  /** Put the item after this one (null: first); undefined: last. */
  after?: string | null;
}

/**
 * Adds an item in one transaction and returns its id. `title` is cut to LIMITS.title.
 * Throws RangeError when the agenda already holds LIMITS.items items.
 */
export function addItem(doc: Y.Doc, input: NewItem): string {
  const keys = orderedKeys(doc);
  if (keys.length >= LIMITS.items) throw new RangeError("the agenda is full");
  const id = newId();
  let before: string | null;
  let afterKey: string | null;
  if (input.after === undefined) {
    before = keys.at(-1)?.order ?? null;
    afterKey = null;
  } else if (input.after === null) {
    before = null;
    afterKey = keys[0]?.order ?? null;
  } else {
    const index = keys.findIndex((key) => key.id === input.after);
    before = keys[index]?.order ?? keys.at(-1)?.order ?? null;
    afterKey = index >= 0 ? (keys[index + 1]?.order ?? null) : null;
  }
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    const title = new Y.Text();
    title.insert(0, input.title.slice(0, LIMITS.title));
    map.set("order", keyBetween(before, afterKey));
    map.set("title", title);
    map.set("broughtBy", input.broughtBy ?? null);
    map.set("createdBy", input.createdBy);
    map.set("plannedMinutes", input.plannedMinutes ?? null);
    map.set("status", "planned");
    map.set("notes", new Y.XmlFragment());
    map.set("decisions", new Y.Map());
    map.set("actions", new Y.Map());
    map.set("voices", new Y.Map());
    doc.getMap(PARTS.items).set(id, map);
  });
  return id;
}

/**
 * Moves an item to just before the item `beforeId` (null: to the end) by writing its order key
 * only. Returns false when either item does not exist.
 */
export function moveItem(doc: Y.Doc, id: string, beforeId: string | null): boolean {
  const map = itemMap(doc, id);
  if (!map || id === beforeId) return false;
  const keys = orderedKeys(doc).filter((key) => key.id !== id);
  const index = beforeId === null ? keys.length : keys.findIndex((key) => key.id === beforeId);
  if (index < 0) return false;
  map.set("order", keyBetween(keys[index - 1]?.order ?? null, keys[index]?.order ?? null));
  return true;
}

/** Moves an item one place up (-1) or down (+1); false at either end. For keyboard moves. */
export function shiftItem(doc: Y.Doc, id: string, step: -1 | 1): boolean {
  const keys = orderedKeys(doc);
  const index = keys.findIndex((key) => key.id === id);
  if (index < 0) return false;
  const target = index + step;
  if (target < 0 || target >= keys.length) return false;
  // Moving down by one is "before the item two places down".
  const before = step === -1 ? keys[target]!.id : (keys[target + 1]?.id ?? null);
  return moveItem(doc, id, before);
}

/** Removes an item with its notes, decisions and actions. */
export function removeItem(doc: Y.Doc, id: string): void {
  doc.transact(() => {
    doc.getMap(PARTS.items).delete(id);
    const meta = doc.getMap(PARTS.meta);
    if (meta.get("currentItemId") === id) meta.set("currentItemId", null);
  });
}

type ItemFields = Partial<Pick<AgendaItem, "broughtBy" | "plannedMinutes" | "status">>;

/** Sets plain fields of an item (each field merges on its own: last writer wins per field). */
export function setItemFields(doc: Y.Doc, id: string, fields: ItemFields): void {
  const map = itemMap(doc, id);
  if (!map) return;
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) map.set(key, value ?? null);
  });
}

/**
 * Replaces the text of a Y.Text with `next` by the smallest edit (common start and end kept),
 * so that concurrent typing elsewhere in the same text survives.
 */
export function replaceText(target: Y.Text, next: string): void {
  const current = target.toString();
  if (current === next) return;
  let start = 0;
  while (start < current.length && start < next.length && current[start] === next[start]) start++;
  let end = 0;
  while (
    end < current.length - start &&
    end < next.length - start &&
    current[current.length - 1 - end] === next[next.length - 1 - end]
  ) {
    end++;
  }
  const edit = () => {
    target.delete(start, current.length - start - end);
    target.insert(start, next.slice(start, next.length - end));
  };
  if (target.doc) target.doc.transact(edit);
  else edit();
}

type EntryKind = "decisions" | "actions" | "voices";

function addEntry(doc: Y.Doc, itemId: string, kind: EntryKind, fields: Record<string, unknown>) {
  const list = itemMap(doc, itemId)?.get(kind);
  if (!(list instanceof Y.Map)) return null;
  if (list.size >= LIMITS.entries) throw new RangeError(`too many ${kind}`);
  const id = newId();
  let last: string | null = null;
  for (const entry of list.values()) {
    const order = entry instanceof Y.Map ? entry.get("order") : undefined;
    if (typeof order === "string" && (last === null || order > last)) last = order;
  }
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    map.set("order", keyBetween(last, null));
    for (const [key, value] of Object.entries(fields)) map.set(key, value);
    list.set(id, map);
  });
  return id;
}

/** Captures a decision on an item; returns its id, or null when there is no such item. */
export function addDecision(
  doc: Y.Doc,
  itemId: string,
  text: string,
  by: Ref | null,
  at = Date.now(),
) {
  return addEntry(doc, itemId, "decisions", { text: text.slice(0, LIMITS.line), by, at });
}

/** Captures an action (what, who, by when) on an item; returns its id or null. */
export function addAction(
  doc: Y.Doc,
  itemId: string,
  action: { what: string; responsible: Ref | null; due: string | null },
  by: Ref | null,
  at = Date.now(),
) {
  return addEntry(doc, itemId, "actions", {
    what: action.what.slice(0, LIMITS.line),
    responsible: action.responsible,
    due: action.due,
    status: "open",
    by,
    at,
  });
}

/** Adds one participant's contribution in their own words; returns its id or null. */
export function addVoice(doc: Y.Doc, itemId: string, who: Ref, text: string, at = Date.now()) {
  const shared = new Y.Text();
  shared.insert(0, text.slice(0, LIMITS.voice));
  return addEntry(doc, itemId, "voices", { who, text: shared, at });
}

/** Sets one field of a decision, action or voice. */
export function setEntryField(
  doc: Y.Doc,
  itemId: string,
  kind: EntryKind,
  entryId: string,
  key: string,
  value: unknown,
): void {
  const list = itemMap(doc, itemId)?.get(kind);
  const entry = list instanceof Y.Map ? list.get(entryId) : undefined;
  if (entry instanceof Y.Map) entry.set(key, value);
}

/** Removes a decision, action or voice. */
export function removeEntry(doc: Y.Doc, itemId: string, kind: EntryKind, entryId: string): void {
  const list = itemMap(doc, itemId)?.get(kind);
  if (list instanceof Y.Map) list.delete(entryId);
}

/** Sets the meeting's running state (which item is current, when the run and item started). */
export function setMeta(doc: Y.Doc, fields: Partial<AgendaMeta>): void {
  const meta = doc.getMap(PARTS.meta);
  doc.transact(() => {
    for (const [key, value] of Object.entries(fields)) meta.set(key, value);
  });
}
