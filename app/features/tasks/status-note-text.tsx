import { formatDateTime, useLocale, useT } from "../../i18n";
import type { Ref } from "../documents/shapes";

/*
 * A status note as text (status-note.tsx reads it from the document). Kept apart from the
 * reader, which needs Yjs, so that pages showing the plan as text do not load Yjs for it.
 */

export interface StatusNoteView {
  /** "" when the status was set without a comment. */
  comment: string;
  /** ms since the epoch, or null when missing. */
  at: number | null;
  by: Ref | null;
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
