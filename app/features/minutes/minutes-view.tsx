import { formatDateTime, useLocale, useT } from "../../i18n";
import { AgendaView } from "../documents/agenda-view";
import type { RenderedMinutes, ReviewLine } from "./types";

const KIND_KEY = {
  network_meeting: "meetingKind.network_meeting",
  responsibility_group_meeting: "meetingKind.responsibility_group_meeting",
  follow_up_meeting: "meetingKind.follow_up_meeting",
  evaluation_meeting: "meetingKind.evaluation_meeting",
} as const;

const ROLE_KEY = {
  person: "attendance.rolePerson",
  member: "attendance.roleMember",
  leader: "attendance.roleLeader",
} as const;

export interface VersionLink {
  version: number;
  closedAt: string;
  lockedAt: string | null;
  href: string;
  current: boolean;
}

/** The list of versions, newest first, each a link; the one shown is marked aria-current. */
export function VersionList({ versions }: { versions: VersionLink[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <nav aria-labelledby="versions-title" className="panel minutes-versions">
      <h2 id="versions-title">{t("minutes.versions")}</h2>
      <ul>
        {versions.map((v) => (
          <li key={v.version}>
            <a href={v.href} aria-current={v.current ? "page" : undefined}>
              {t("minutes.version", { version: v.version })}
            </a>{" "}
            (
            {v.lockedAt
              ? t("minutes.lockedAt", { when: formatDateTime(locale, v.lockedAt) })
              : t("minutes.notLocked")}
            ){v.current ? ` – ${t("minutes.shown")}` : ""}
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * One version of the minutes, read-only: facts, attendance (a table), items with notes,
 * decisions, actions (a table) and each voice, the general notes, and the person's review.
 * Headings start at h2 (the page's h1 names the minutes).
 */
export function MinutesView({
  minutes,
  version,
  reviews,
  lockedAt,
  unreviewedReason,
}: {
  minutes: RenderedMinutes;
  version: number;
  reviews: ReviewLine[];
  lockedAt: string | null;
  unreviewedReason: string | null;
}) {
  const t = useT();
  const locale = useLocale();
  const m = minutes.meeting;
  const where = [m.place, m.videoLink].filter(Boolean).join(" · ");
  return (
    <article className="minutes" aria-labelledby="minutes-version-title">
      <h2 id="minutes-version-title">
        {t("minutes.version", { version })} (
        {lockedAt
          ? t("minutes.lockedAt", { when: formatDateTime(locale, lockedAt) })
          : t("minutes.notLocked")}
        )
      </h2>
      <p>
        {t("minutes.closedAt", {
          when: formatDateTime(locale, minutes.closedAt),
          name: minutes.closedBy,
        })}
      </p>
      <h3>{t("minutes.facts")}</h3>
      <dl className="facts">
        <dt>{t("meeting.kind")}</dt>
        <dd>{t(KIND_KEY[m.kind])}</dd>
        <dt>{t("meeting.when")}</dt>
        <dd>
          {formatDateTime(locale, m.startsAt)} ({m.durationMinutes} min)
        </dd>
        {where ? (
          <>
            <dt>{t("meeting.where")}</dt>
            <dd>{where}</dd>
          </>
        ) : null}
        <dt>{t("meeting.leaders")}</dt>
        <dd>{m.leaders.join(", ")}</dd>
      </dl>
      <h3 id="minutes-attendance">{t("attendance.title")}</h3>
      <div className="table-wrap">
        <table aria-labelledby="minutes-attendance">
          <thead>
            <tr>
              <th scope="col">{t("attendance.participant")}</th>
              <th scope="col">{t("attendance.role")}</th>
              <th scope="col">{t("attendance.came")}</th>
            </tr>
          </thead>
          <tbody>
            {minutes.attendance.map((a) => (
              <tr key={a.ref}>
                <th scope="row">{a.name}</th>
                <td>{t(ROLE_KEY[a.role])}</td>
                <td>
                  {t(
                    a.present === null
                      ? "attendance.notMarked"
                      : a.present
                        ? "attendance.present"
                        : "attendance.absent",
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t("minutes.items")}</h3>
      {minutes.items.length === 0 ? <p>{t("minutes.noItems")}</p> : null}
      {minutes.items.map((item) => (
        <section key={item.id} className="minutes-item" aria-labelledby={`item-${item.id}`}>
          <h4 id={`item-${item.id}`}>{item.title}</h4>
          {item.broughtBy ? <p>{t("minutes.broughtBy", { name: item.broughtBy })}</p> : null}
          {item.notes.length ? <AgendaView agenda={item.notes} /> : null}
          {item.decisions.length ? (
            <>
              <h5>{t("minutes.decisions")}</h5>
              <ul>
                {item.decisions.map((d) => (
                  <li key={d.id}>
                    {d.text}
                    {d.by ? ` (${d.by})` : ""}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {item.actions.length ? (
            <>
              <h5 id={`actions-${item.id}`}>{t("minutes.actions")}</h5>
              <div className="table-wrap">
                <table aria-labelledby={`actions-${item.id}`}>
                  <thead>
                    <tr>
                      <th scope="col">{t("minutes.actionWhat")}</th>
                      <th scope="col">{t("minutes.actionWho")}</th>
                      <th scope="col">{t("minutes.actionDue")}</th>
                      <th scope="col">{t("minutes.actionStatus")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {item.actions.map((a) => (
                      <tr key={a.id}>
                        <td>{a.what}</td>
                        <td>{a.responsible ?? ""}</td>
                        <td>{a.due ?? ""}</td>
                        <td>
                          {t(a.status === "done" ? "minutes.actionDone" : "minutes.actionOpen")}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
          {item.voices.length ? (
            <>
              <h5>{t("minutes.voices")}</h5>
              <ul>
                {item.voices.map((v) => (
                  <li key={v.id}>
                    <strong>{v.who}:</strong> {v.text}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
      {minutes.notes.length ? (
        <>
          <h3>{t("minutes.generalNotes")}</h3>
          <AgendaView agenda={minutes.notes} />
        </>
      ) : null}
      {minutes.leftOut ? (
        <p className="muted">{t("minutes.leftOut", { count: minutes.leftOut })}</p>
      ) : null}
      <h3>{t("minutes.reviews")}</h3>
      {reviews.length === 0 ? <p>{t("minutes.noReviews")}</p> : null}
      {reviews.map((r, i) => (
        <div key={i} className="minutes-review">
          <p>
            <strong>{t(r.approved ? "minutes.approved" : "minutes.commented")}</strong> (
            {t(r.givenVia === "link" ? "minutes.viaLink" : "minutes.viaMeeting", {
              when: formatDateTime(locale, r.at),
            })}
            )
          </p>
          {r.comment ? <blockquote className="own-words">{r.comment}</blockquote> : null}
        </div>
      ))}
      {unreviewedReason ? <p>{t("minutes.unreviewed", { reason: unreviewedReason })}</p> : null}
    </article>
  );
}
