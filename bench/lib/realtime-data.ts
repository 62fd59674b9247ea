/*
 * Data for the realtime benchmark: meetings of the demo network (each one is a document
 * `agenda:<meetingId>` the demo leader may edit) and a stored update log of real small Yjs
 * updates, inserted with SQL that matches db/schema.ts (document_updates: document_name, update).
 */
import * as Y from "yjs";
import type { BenchDatabase } from "./bench-database";
import { insertMeetings, planMeetings } from "./calendar-data";
import { BenchError } from "./processes";

/** The demo meeting's network (the demo leader manages it) and the leader's user id. */
export async function demoNetwork(db: BenchDatabase, leaderEmail: string) {
  const [leader] = await db.query<{ id: string }>("select id from users where email = $1", [
    leaderEmail,
  ]);
  const [network] = await db.query<{ id: string }>(
    "select n.id from networks n join persons p on p.id = n.person_id " +
      "where p.name = 'Siri Havdal' order by n.id limit 1",
  );
  if (!leader || !network) throw new BenchError("the demo seed has no leader or demo network");
  return { leaderId: leader.id, networkId: network.id };
}

/** Inserts `count` meetings in the network; returns their document names (agenda:<id>). */
export async function createAgendaDocuments(
  db: BenchDatabase,
  count: number,
  networkId: string,
  leaderId: string,
): Promise<string[]> {
  const planned = planMeetings(count, 0);
  await insertMeetings(db, planned, networkId, leaderId);
  return planned.map((m) => `agenda:${m.id}`);
}

/** Deterministic pseudo-random numbers (mulberry32): the same log on every run. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyzæøå      ,.";

/**
 * `count` small updates as four editors typing into one agenda produce them: each types at its
 * own cursor, one character per update (a keystroke), now and then a backspace, a jump of the
 * cursor to another place, or a map entry (a checkbox). Each update is one transaction, i.e. one
 * stored row; the editors stay in sync with each other, as live clients do.
 */
export function typedUpdates(count: number): { updates: Uint8Array[]; text: string } {
  const rand = random(2026);
  const editors = Array.from({ length: 4 }, () => ({
    doc: new Y.Doc(),
    cursor: 0,
    // Where the cursor is, relative to the text around it (others' edits move it, as in an editor).
    anchor: null as Y.RelativePosition | null,
  }));
  const updates: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const editor = editors[i % editors.length]!;
    const text = editor.doc.getText("notes");
    const produced: Uint8Array[] = [];
    editor.doc.once("update", (u: Uint8Array) => produced.push(u));
    const anchored = editor.anchor
      ? Y.createAbsolutePositionFromRelativePosition(editor.anchor, editor.doc)
      : null;
    editor.cursor = Math.min(anchored?.index ?? editor.cursor, text.length);
    const roll = rand();
    if (roll < 0.03 || (roll < 0.1 && text.length > 0 && editor.cursor === 0)) {
      editor.cursor = Math.floor(rand() * (text.length + 1)); // a click elsewhere
    }
    if (roll < 0.08 && editor.cursor > 0) {
      text.delete(--editor.cursor, 1);
    } else if (roll > 0.99) {
      editor.doc.getMap("meta").set(`item${Math.floor(rand() * 20)}`, i % 2 === 0);
    } else {
      text.insert(editor.cursor++, LETTERS[Math.floor(rand() * LETTERS.length)]!);
    }
    editor.anchor = Y.createRelativePositionFromTypeIndex(text, editor.cursor);
    const update = produced[0];
    if (!update) throw new Error("an edit produced no update");
    updates.push(update);
    for (const other of editors) if (other !== editor) Y.applyUpdate(other.doc, update);
  }
  const text = editors[0]!.doc.getText("notes").toString();
  for (const editor of editors) editor.doc.destroy();
  return { updates, text };
}

const INSERT_CHUNK = 1000;

/** Appends the updates as rows of the document's update log, oldest first. */
export async function insertUpdates(db: BenchDatabase, name: string, updates: Uint8Array[]) {
  for (let offset = 0; offset < updates.length; offset += INSERT_CHUNK) {
    const chunk = updates.slice(offset, offset + INSERT_CHUNK);
    await db.query(
      "insert into document_updates (document_name, update) values " +
        chunk.map((_, i) => `($1, $${i + 2}::bytea)`).join(", "),
      [name, ...chunk.map((u) => Buffer.from(u))],
    );
  }
}

export async function storedRows(db: BenchDatabase, name: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    "select count(*)::int as n from document_updates where document_name = $1",
    [name],
  );
  return Number(row?.n ?? 0);
}
