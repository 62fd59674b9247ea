import { Form } from "@remix-run/react";
import { formatDate, formatDateTime, useLocale, useT } from "../../i18n";
import type { MessageKey } from "../../i18n/nb";
import type { AreaChanges, PlanChanges } from "./history";
import type { PlanHistoryView } from "./plan-history.server";

/*
 * What changed in the plan between two meetings, one section per life area (issue 12). Lists,
 * not colour, carry the meaning; every change says in words what kind of change it is.
 */

const GROUPS: { key: keyof Omit<AreaChanges, "area">; label: MessageKey }[] = [
  { key: "goalsAdded", label: "planHistory.goalsAdded" },
  { key: "goalsReworded", label: "planHistory.goalsReworded" },
  { key: "goalsReached", label: "planHistory.goalsReached" },
  { key: "goalsRemoved", label: "planHistory.goalsRemoved" },
  { key: "actionsAdded", label: "planHistory.actionsAdded" },
  { key: "actionsDone", label: "planHistory.actionsDone" },
  { key: "actionsMoved", label: "planHistory.actionsMoved" },
  { key: "actionsRemoved", label: "planHistory.actionsRemoved" },
];

/** The changes of a plan, for the history page. `changes` is already limited to what the reader may see. */
export function PlanChangesView({ changes }: { changes: PlanChanges }) {
  const t = useT();
  const locale = useLocale();
  if (changes.areas.length === 0 && !changes.crisisChanged)
    return <p>{t("planHistory.noChanges")}</p>;
  return (
    <>
      {changes.areas.map((area) => (
        <section key={area.area} className="panel" aria-labelledby={`area-${area.area}`}>
          <h2 id={`area-${area.area}`}>{t(`planPart.${area.area}`)}</h2>
          {GROUPS.filter((group) => area[group.key].length > 0).map((group) => (
            <div key={group.key}>
              <h3>{t(group.label)}</h3>
              <ul>
                {area[group.key].map((line) => (
                  <li key={line.id}>
                    {"inMyWords" in line ? line.inMyWords : line.what}
                    {"before" in line ? (
                      <> ({t("planHistory.before", { text: line.before })})</>
                    ) : null}
                    {"dueBefore" in line ? (
                      <>
                        {" "}
                        (
                        {t("planHistory.moved", {
                          before: formatDate(locale, line.dueBefore) || t("planHistory.noDate"),
                          after: formatDate(locale, line.due) || t("planHistory.noDate"),
                        })}
                        )
                      </>
                    ) : "due" in line && line.due && group.key !== "actionsMoved" ? (
                      <> ({t("planHistory.due", { date: formatDate(locale, line.due) })})</>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
      {changes.crisisChanged ? (
        <section className="panel" aria-labelledby="area-crisis">
          <h2 id="area-crisis">{t("planPart.crisis_plan")}</h2>
          <p>{t("planHistory.crisisChanged")}</p>
        </section>
      ) : null}
    </>
  );
}

/** A meeting as the history's choices name it: its kind and its time. */
export function useSnapshotLabel() {
  const t = useT();
  const locale = useLocale();
  return (snapshot: { kind: string; startsAt: string }) =>
    `${t(`meetingKind.${snapshot.kind}` as MessageKey)} ${formatDateTime(locale, snapshot.startsAt)}`;
}

/**
 * The history page's body, for leaders, partners and the person's link alike: the choice of
 * two meetings (a GET form, so it works without JavaScript) and what changed between them.
 */
export function PlanHistoryBody({ view }: { view: PlanHistoryView }) {
  const t = useT();
  const label = useSnapshotLabel();
  return (
    <>
      {view.nothingVisible ? (
        <p>{t("planHistory.nothingVisible")}</p>
      ) : view.snapshots.length === 0 ? (
        <p>{t("planHistory.none")}</p>
      ) : (
        <>
          <Form method="get" className="panel plan-history-choice">
            <div className="ds-field">
              <label className="ds-label" htmlFor="history-from">
                {t("planHistory.from")}
              </label>
              <select
                className="ds-input"
                id="history-from"
                name="from"
                defaultValue={view.from ?? ""}
              >
                <option value="">{t("planHistory.start")}</option>
                {view.snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="ds-field">
              <label className="ds-label" htmlFor="history-to">
                {t("planHistory.to")}
              </label>
              <select className="ds-input" id="history-to" name="to" defaultValue={view.to ?? ""}>
                {view.snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="ds-button" data-variant="secondary">
              {t("planHistory.compare")}
            </button>
          </Form>
          {view.changes ? <PlanChangesView changes={view.changes} /> : null}
        </>
      )}
    </>
  );
}
