import { formatDate, formatDateTime, useLocale, useT, type Translate } from "../../i18n";
import type { Ref } from "../documents/shapes";
import type { LifeArea } from "../../../db/enums";
import type { MeetingActionView } from "./meeting-actions.server";
import type { PlanSnapshot } from "./plan-page.server";

/*
 * The actions captured in meetings, on the plan page, read-only: under the goal (and its life
 * area) they serve, or under "from meetings" when they serve none. Each names its meeting,
 * linked when the reader has an account. They are changed in the meeting's agenda or by status
 * between meetings, not here.
 */

type Group = { key: string; title: string; actions: MeetingActionView[] };

/**
 * `actions` grouped under the goal they serve (titled "<area>: <the goal in the person's words>")
 * or under "from the meetings", in the order they come; the page and the PDF share it.
 */
export function groupMeetingActions(
  actions: MeetingActionView[],
  snapshot: PlanSnapshot,
  t: Translate,
): Group[] {
  const goals = new Map<string, { area: LifeArea; words: string }>();
  for (const { area, plan } of snapshot.areas) {
    for (const goal of plan?.goals ?? []) goals.set(goal.id, { area, words: goal.inMyWords });
  }
  const groups = new Map<string, Group>();
  for (const action of actions) {
    const goal = action.goalId ? goals.get(action.goalId) : undefined;
    const key = goal ? `goal:${action.goalId}` : "meetings";
    const title = goal ? `${t(`planPart.${goal.area}`)}: ${goal.words}` : t("plan.fromMeetings");
    const group = groups.get(key) ?? { key, title, actions: [] };
    group.actions.push(action);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The section, or nothing when there are no meeting actions the reader may see. */
export function MeetingActions(props: {
  actions: MeetingActionView[];
  snapshot: PlanSnapshot;
  nameOf(ref: Ref | null): string;
  meetingLinks: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  if (props.actions.length === 0) return null;
  const groups = groupMeetingActions(props.actions, props.snapshot, t);
  return (
    <section className="plan-part" aria-labelledby="plan-meeting-actions-title">
      <h2 id="plan-meeting-actions-title">{t("plan.meetingActions")}</h2>
      <p className="muted">{t("plan.meetingActionsIntro")}</p>
      {groups.map((group) => (
        <div key={group.key}>
          <h3>{group.title}</h3>
          <ul className="plan-meeting-actions">
            {group.actions.map((action) => {
              const when = formatDateTime(locale, action.meetingStartsAt);
              return (
                <li key={`${action.meetingId}:${action.actionId}`}>
                  {[
                    action.what,
                    `${t("plan.responsible")}: ${props.nameOf(action.responsible) || t("plan.nobody")}`,
                    action.due ? `${t("plan.due")}: ${formatDate(locale, action.due)}` : null,
                    statusText(t, action.status),
                  ]
                    .filter(Boolean)
                    .join(" – ")}
                  {action.statusComment ? (
                    <>
                      {" "}
                      <span className="muted">
                        {t("tasks.lastComment", { comment: action.statusComment })}
                      </span>
                    </>
                  ) : null}{" "}
                  {props.meetingLinks ? (
                    <a href={`/meetings/${action.meetingId}`}>{t("plan.fromMeeting", { when })}</a>
                  ) : (
                    <span className="muted">{t("plan.fromMeeting", { when })}</span>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}

/** An action's status in words ("" for a value the projection should never hold). */
export function statusText(t: Translate, status: string): string {
  switch (status) {
    case "open":
    case "in_progress":
    case "blocked":
    case "done":
      return t(`tasks.status.${status}`);
    default:
      return "";
  }
}
