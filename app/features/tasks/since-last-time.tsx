import { formatDateTime, useLocale, useT } from "../../i18n";
import type { SinceLastTime } from "./since-last-time.server";
import { statusKey } from "./status-labels";

/**
 * "Since last time": the actions whose status changed since the previous meeting, with the
 * comment the responsible wrote. `names` turns a responsible's ref into a name as the page
 * knows it (the person's label); otherwise the name the projection found is shown.
 */
export function SinceLastTimeSection({
  since,
  names,
}: {
  since: SinceLastTime;
  names: Record<string, string>;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="panel" aria-labelledby="since-last-time">
      <h2 id="since-last-time">{t("tasks.sinceLastTime")}</h2>
      <p>
        {t("tasks.sinceLastTimeIntro", { when: formatDateTime(locale, since.previousStartsAt) })}
      </p>
      <ul>
        {since.actions.map((action) => (
          <li key={action.actionId}>
            <strong>{action.what}</strong>: {t(statusKey(action.status))}
            {action.responsible && (names[action.responsible] ?? action.responsibleName)
              ? ` (${names[action.responsible] ?? action.responsibleName})`
              : ""}
            {", "}
            <span className="muted">
              {t("tasks.changedOn", { when: formatDateTime(locale, action.statusChangedAt) })}
            </span>
            {action.statusComment ? (
              <>
                <br />
                {t("tasks.lastComment", { comment: action.statusComment })}
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
