import type { MeetingKind, MeetingStatus } from "../../../db/enums";
import { useFollowLinks } from "../../components/follow-links";
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

/** The meetings list: one link per meeting, with one delegated click handler (ADR 007). */
export function MeetingList({ meetings }: { meetings: readonly MeetingListRow[] }) {
  const t = useT();
  const locale = useLocale();
  const followLinks = useFollowLinks();
  if (meetings.length === 0) return <p>{t("meetings.none")}</p>;
  return (
    // The click handler only takes over clicks on the links inside (see useFollowLinks).
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions
    <ul className="meeting-list" onClick={followLinks}>
      {meetings.map((m) => {
        const kind = t(`meetingKind.${m.kind}`);
        // One text node between the link and the kind: the list renders 50 of these per page.
        return (
          <li key={m.id}>
            <a href={`/meetings/${m.id}`}>{m.manage ? m.internalTitle : kind}</a>
            {` ${formatDateTime(locale, m.startsAt)} · ${m.personName} · `}
            <span className="muted">{kind}</span>
            {m.status === "cancelled" ? (
              <span className="tag">{t("meetingStatus.cancelled")}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
