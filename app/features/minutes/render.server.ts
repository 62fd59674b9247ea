import * as Y from "yjs";
import { itemNotes, PARTS, readAgenda, type Ref } from "../agenda/document";
import { fragmentContent } from "../documents/agenda.server";
import type { AttendanceLine, RenderedMinutes } from "./types";

/** What the rendering needs besides the document: facts read from the database at close. */
export interface MinutesFacts {
  meeting: RenderedMinutes["meeting"];
  attendance: AttendanceLine[];
  /** Display names of every Ref that may occur in the document. */
  names: ReadonlyMap<Ref, string>;
  closedBy: string;
  closedAt: Date;
}

/**
 * The minutes of an agenda's Yjs state: readAgenda's items with decisions, actions and voices,
 * each item's notes and the general notes as safe rich-text trees (agenda.server.ts), with the
 * names of who brought, decided, owns and said what. An unknown Ref reads as "?" (a member
 * deleted since, or a modified client). Never throws for odd content.
 */
export function renderMinutes(state: Uint8Array, facts: MinutesFacts): RenderedMinutes {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const { agenda, problems } = readAgenda(doc);
    const name = (ref: Ref | null) => (ref === null ? null : (facts.names.get(ref) ?? "?"));
    return {
      meeting: facts.meeting,
      attendance: facts.attendance,
      items: agenda.items.map((item) => {
        const notes = itemNotes(doc, item.id);
        return {
          id: item.id,
          title: item.title,
          broughtBy: name(item.broughtBy),
          plannedMinutes: item.plannedMinutes,
          status: item.status,
          notes: notes ? fragmentContent(notes) : [],
          decisions: item.decisions.map((d) => ({ id: d.id, text: d.text, by: name(d.by) })),
          actions: item.actions.map((a) => ({
            id: a.id,
            what: a.what,
            responsible: name(a.responsible),
            due: a.due,
            status: a.status,
          })),
          voices: item.voices.map((v) => ({ id: v.id, who: name(v.who) ?? "?", text: v.text })),
        };
      }),
      notes: fragmentContent(doc.getXmlFragment(PARTS.notes)),
      closedBy: facts.closedBy,
      closedAt: facts.closedAt.toISOString(),
      leftOut: problems.length,
    };
  } finally {
    doc.destroy();
  }
}
