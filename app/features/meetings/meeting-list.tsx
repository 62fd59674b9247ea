import type { MeetingKind, MeetingStatus } from "../../../db/enums";
import { formatDateTime, useLocale, useT } from "../../i18n";

/** One row of the meetings list, as the list's loader sends it. */
export interface MeetingListRow {
  id: string;
  kind: MeetingKind;
  /** ISO 8601 instant. */
  startsAt: string;
  internalTitle: string;
  status: MeetingStatus;
  personName: string;
  /** The user manages the meeting: the internal title is shown, else only the kind. */
  manage: boolean;
}

/** The meetings list: one plain link per meeting (ADR 007). */
export function MeetingList({ meetings }: { meetings: readonly MeetingListRow[] }) {
  const t = useT();
  const locale = useLocale();
  if (meetings.length === 0) return <p>{t("meetings.none")}</p>;
  return (
    // Plain links: the page's delegated click handler navigates (root.tsx, useFollowLinks).
    <ul className="meeting-list">
      {meetings.map((m) => {
        const kind = t(`meetingKind.${m.kind}`);
        // One text node between the link and the kind: the list renders 50 of these per page.
        return (
          <li key={m.id}>
            <a href={`/meetings/${m.id}`}>{m.manage ? m.internalTitle : kind}</a>
            {` ${formatDateTime(locale, m.startsAt)} · ${m.personName} · `}
            <span className="muted">{kind}</span>
            {m.status === "cancelled" ? (
              <span className="ds-tag">{t("meetingStatus.cancelled")}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
