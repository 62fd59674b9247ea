import * as Y from "yjs";
import { formatDateTime, useLocale, useT } from "../../i18n";
import { isRef, isTime, type Ref } from "../documents/shapes";

/*
 * The status note an action carries after its responsible set its status between meetings
 * (status.server.ts): { status, comment, at, by } on the action's Y.Map. Read here once for
 * the projection (server) and for the live editors (browser), and shown in the editors as
 * read-only text with who and when, beside the status.
 */

/** The key of the note on an action's Y.Map. */
export const STATUS_NOTE = "statusNote";

export interface StatusNoteView {
  /** "" when the status was set without a comment. */
  comment: string;
  /** ms since the epoch, or null when missing. */
  at: number | null;
  by: Ref | null;
}

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

/** The note as text beside an action's status: "Kommentar fra Omar, 3. des. 2026 10:00: …". */
export function StatusNoteText(props: {
  note: StatusNoteView | null;
  nameOf(ref: Ref | null): string;
}) {
  const t = useT();
  const locale = useLocale();
  const { note } = props;
  if (!note) return null;
  const who = note.by ? props.nameOf(note.by) : t("agenda.someone");
  const when = note.at ? formatDateTime(locale, new Date(note.at)) : "";
  return (
    <p className="muted status-note">
      {t(note.comment ? "tasks.noteWithComment" : "tasks.noteWithout", { who, when })}
      {note.comment ? (
        <>
          {" "}
          <q>{note.comment}</q>
        </>
      ) : null}
    </p>
  );
}
