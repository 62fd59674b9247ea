/*
 * Data for `npm run bench:collab`: an agenda as a meeting might have it before the meeting,
 * made with the agenda's own functions (app/features/agenda/document.ts) on a Y.Doc, and the
 * minutes step, ready for when minutes exist in this tree.
 */
import fs from "node:fs";
import path from "node:path";
import * as Y from "yjs";
import { addItem, itemNotes } from "../../app/features/agenda/document";
import type { BroenClient } from "./broen-client";
import { summary } from "./broen-client";

const WORDS = (
  "Siri ønsker egen leilighet og vil bo nær sentrum . NAV kan hjelpe med depositum og " +
  "husleie de første månedene . Fastlegen følger opp medisinene hver fjortende dag . " +
  "Familien vil være med på neste møte og ta med seg det de har snakket om hjemme . " +
  "Arbeid og aktivitet : praksisplass i kantina fra mars , to dager i uka ."
).split(" ");

/**
 * The full state of an agenda with `items` items whose notes hold `characters` characters in
 * all (paragraphs of Norwegian text as TipTap writes them: `paragraph` elements with text),
 * as one Yjs update. Created by `createdBy` (a Ref).
 */
export function seededAgenda(items: number, characters: number, createdBy: string): Uint8Array {
  const doc = new Y.Doc();
  let word = 0;
  const text = (length: number) => {
    let out = "";
    while (out.length < length) out += (out ? " " : "") + WORDS[word++ % WORDS.length];
    return out.slice(0, length);
  };
  for (let i = 0; i < items; i++) {
    const id = addItem(doc, { title: `Sak ${i + 1}`, createdBy, broughtBy: null });
    const notes = itemNotes(doc, id)!;
    // This item's share of the characters, in three paragraphs.
    const share = Math.floor(characters / items) + (i < characters % items ? 1 : 0);
    const parts = [Math.floor(share / 3), Math.floor(share / 3)];
    parts.push(share - parts[0]! - parts[1]!);
    doc.transact(() => {
      for (const length of parts) {
        const paragraph = new Y.XmlElement("paragraph");
        paragraph.insert(0, [new Y.XmlText(text(length))]);
        notes.push([paragraph]);
      }
    });
  }
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** The characters of notes in the agenda `update` (to check what was seeded). */
export function notesCharacters(update: Uint8Array): { items: number; characters: number } {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  let characters = 0;
  const ids = [...doc.getMap("items").keys()];
  for (const id of ids) {
    for (const node of itemNotes(doc, id)!.toArray()) {
      if (node instanceof Y.XmlElement) {
        for (const child of node.toArray())
          if (child instanceof Y.XmlText) characters += child.length;
      }
    }
  }
  doc.destroy();
  return { items: ids.length, characters };
}

/*
 * Minutes (issue 11): being built on another branch. When they are merged, set the three
 * requests below to what the minutes routes take; `minutesAvailable` finds the route in the
 * production build, and `closeAndRenderMinutes` then measures it without other changes.
 */
const MINUTES_ROUTE = /routes\/meetings\.\$meetingId_\.minutes/;
export const MINUTES = {
  close: (meetingId: string) => ({
    path: `/meetings/${meetingId}/minutes`,
    fields: { intent: "close" },
  }),
  page: (meetingId: string) => `/meetings/${meetingId}/minutes`,
  pdf: (meetingId: string) => `/meetings/${meetingId}/minutes/pdf?version=1`,
};

/** Whether the production build in `root` has a minutes route; otherwise why not. */
export function minutesAvailable(root: string): { available: boolean; reason: string | null } {
  const build = fs.readFileSync(path.join(root, "build/index.js"), "utf8");
  return MINUTES_ROUTE.test(build)
    ? { available: true, reason: null }
    : { available: false, reason: "minutes not built in this branch" };
}

export interface MinutesTimes {
  /** POST close → answered, plus GET of the minutes page (ms). */
  closeMs: number;
  /** GET of the minutes PDF, the whole body (ms). */
  pdfMs: number;
  pdfBytes: number;
}

/**
 * Closes the meeting as `leader` and renders its minutes and their PDF; wall-clock times in
 * ms. Throws an Error naming the request when one is not answered as expected.
 */
export async function closeAndRenderMinutes(
  leader: BroenClient,
  meetingId: string,
): Promise<MinutesTimes> {
  const close = MINUTES.close(meetingId);
  const began = performance.now();
  const closed = await leader.post(close.path, close.fields);
  if (closed.status >= 400) throw new Error(`closing the meeting: ${summary(closed)}`);
  const page = await leader.get(MINUTES.page(meetingId));
  if (page.status !== 200) throw new Error(`the minutes page: ${summary(page)}`);
  const closeMs = performance.now() - began;
  const pdfBegan = performance.now();
  const pdf = await leader.get(MINUTES.pdf(meetingId));
  if (pdf.status !== 200 || !pdf.body.startsWith("%PDF")) {
    throw new Error(`the minutes PDF: HTTP ${pdf.status}`);
  }
  return { closeMs, pdfMs: performance.now() - pdfBegan, pdfBytes: pdf.body.length };
}
