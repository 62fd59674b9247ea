import { Form } from "@remix-run/react";
import { SubmitButton } from "../../components/submit-button";
import { formatDate, formatDateTime, useLocale, useT, type MessageKey } from "../../i18n";
import { STATUS_CHOICES as CHOICES, statusKey } from "./status-labels";
import type { Task } from "./tasks.server";

/** A task as the page gets it (dates already strings). */
export type TaskView = Task;

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
                  {t("tasks.statusField")}
                </label>
                <select
                  id={`${headingId}-status`}
                  name="status"
                  className="ds-input"
                  defaultValue={task.status}
                >
                  {CHOICES.map((status) => (
                    <option key={status} value={status}>
                      {t(statusKey(status))}
                    </option>
                  ))}
                </select>
              </div>
              <div className="ds-field">
                <label className="ds-label" htmlFor={`${headingId}-comment`}>
                  {t("tasks.comment")}
                </label>
                <input
                  id={`${headingId}-comment`}
                  name="comment"
                  className="ds-input"
                  maxLength={500}
                  defaultValue={task.statusComment ?? ""}
                />
              </div>
              <SubmitButton data-variant="secondary">{t("tasks.save")}</SubmitButton>
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
