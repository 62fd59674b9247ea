import { Form } from "@remix-run/react";
import { SubmitButton } from "../../components/submit-button";
import { formatDate, formatDateTime, useLocale, useT, type MessageKey } from "../../i18n";
import { STATUS_CHOICES as CHOICES, statusKey } from "./status-labels";
import type { Task } from "./tasks.server";

/**
 * A task as the page gets it: only what the list shows (dates already strings), so the
 * page's data sent along with the HTML stays small (tasks-page.server.ts taskView).
 */
export type TaskView = Pick<
  Task,
  | "documentName"
  | "actionId"
  | "what"
  | "due"
  | "overdue"
  | "status"
  | "statusComment"
  | "area"
  | "goal"
  | "meetingStartsAt"
  | "personName"
>;

/**
 * The list of someone's tasks, each with what it came from and a small form to set its status
 * with a comment (posted to the page's own action). `saved` names the task just saved, whose
 * form then says so in a live region.
 */
export function TaskList({
  tasks,
  saved,
}: {
  tasks: TaskView[];
  saved?: { actionId: string; notice: MessageKey } | null;
}) {
  const t = useT();
  const locale = useLocale();
  // The same for every task: looked up once, not once per task.
  const choices = CHOICES.map((status) => ({ status, label: t(statusKey(status)) }));
  const labels = {
    status: t("tasks.statusField"),
    comment: t("tasks.comment"),
    save: t("tasks.save"),
  };
  return (
    <ul className="task-list">
      {tasks.map((task) => {
        const headingId = `task-${task.actionId}`;
        return (
          <li key={`${task.documentName}/${task.actionId}`} className="panel">
            <h2 id={headingId} className="ds-heading" data-size="xs">
              {task.what}
            </h2>
            <p>
              {task.overdue ? (
                <strong className="ds-tag" data-color="danger">
                  {t("tasks.overdue")}
                </strong>
              ) : null}{" "}
              {task.due ? t("tasks.due", { date: formatDate(locale, task.due) }) : t("tasks.noDue")}
              {" · "}
              {t("tasks.for", { name: task.personName })}
              {" · "}
              {t("tasks.statusNow", { status: t(statusKey(task.status)) })}
            </p>
            <p className="muted">
              {task.area ? t("tasks.fromPlan", { area: t(`planPart.${task.area}`) }) : null}
              {task.meetingStartsAt
                ? t("tasks.fromMeeting", { when: formatDateTime(locale, task.meetingStartsAt) })
                : null}
              {task.goal ? ` · ${t("tasks.goal", { goal: task.goal })}` : null}
            </p>
            {task.statusComment ? (
              <p>{t("tasks.lastComment", { comment: task.statusComment })}</p>
            ) : null}
            <Form method="post" className="inline-form" aria-labelledby={headingId}>
              <input type="hidden" name="documentName" value={task.documentName} />
              <input type="hidden" name="actionId" value={task.actionId} />
              <div className="ds-field">
                <label className="ds-label" htmlFor={`${headingId}-status`}>
                  {labels.status}
                </label>
                <select
                  id={`${headingId}-status`}
                  name="status"
                  className="ds-input"
                  defaultValue={task.status}
                >
                  {choices.map(({ status, label }) => (
                    <option key={status} value={status}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
              <div className="ds-field">
                <label className="ds-label" htmlFor={`${headingId}-comment`}>
                  {labels.comment}
                </label>
                <input
                  id={`${headingId}-comment`}
                  name="comment"
                  className="ds-input"
                  maxLength={500}
                  defaultValue={task.statusComment ?? ""}
                />
              </div>
              <SubmitButton data-variant="secondary">{labels.save}</SubmitButton>
              <p role="status" className="muted">
                {saved?.actionId === task.actionId ? t(saved.notice) : ""}
              </p>
            </Form>
          </li>
        );
      })}
    </ul>
  );
}
