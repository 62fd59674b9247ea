import * as Y from "yjs";
import { isRef, isTime } from "../documents/shapes";
import type { StatusNoteView } from "./status-note-text";

export type { StatusNoteView } from "./status-note-text";
export { StatusNoteText } from "./status-note-text";

/*
 * The status note an action carries after its responsible set its status between meetings
 * (status.server.ts): { status, comment, at, by } on the action's Y.Map. Read here once for
 * the projection (server) and for the live editors (browser), and shown in the editors as
 * read-only text with who and when, beside the status.
 */

/** The key of the note on an action's Y.Map. */
export const STATUS_NOTE = "statusNote";

/**
 * The note on `map` (an action's Y.Map), if it belongs to `status`, the status the action has
 * now (a status changed since in the meeting makes the note stale); null otherwise or when it
 * has the wrong shape. The comment is cut at 500 characters.
 */
export function readStatusNote(map: unknown, status: string): StatusNoteView | null {
  const note = map instanceof Y.Map ? (map as Y.Map<unknown>).get(STATUS_NOTE) : undefined;
  if (!note || typeof note !== "object") return null;
  const { status: noted, comment, at, by } = note as Record<string, unknown>;
  if (noted !== status) return null;
  return {
    comment: typeof comment === "string" ? comment.slice(0, 500) : "",
    at: isTime(at) ? at : null,
    by: isRef(by) ? by : null,
  };
}
