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

/** What the page's action answered: the task saved and what to say about it. */
export type SavedTask = { actionId: string; notice: MessageKey } | null;

/**
 * My tasks as both pages show them (/tasks and /i/<token>/tasks): those past their due date
 * first under a heading of their own that says so in words (not only by colour), then the
 * other open ones; each with its due date, status, whom it concerns, where it came from (the
 * meeting, or the plan's area and goal) and a small form to set its status with a comment.
 * A task marked done leaves the list, so the page itself then says that it was saved; a task
 * still listed says so in its own form. With no tasks, says what will come here.
 */
export function TasksView({
  tasks,
  saved,
  ownTasks = false,
}: {
  tasks: TaskView[];
  saved?: SavedTask;
  /** The person's own page: every task concerns them, so "concerns" is left out. */
  ownTasks?: boolean;
}) {
  const t = useT();
  const overdue = tasks.filter((task) => task.overdue);
  const other = tasks.filter((task) => !task.overdue);
  const gone = saved && !tasks.some((task) => task.actionId === saved.actionId);
  return (
    <>
      <p role="status" className={gone ? "ds-alert" : undefined} data-color="success">
        {gone ? t(saved.notice === "tasks.saved" ? "tasks.savedGone" : saved.notice) : ""}
      </p>
      {tasks.length === 0 ? <p className="panel">{t("tasks.none")}</p> : null}
      {overdue.length ? (
        <section aria-labelledby="tasks-overdue">
          <h2 id="tasks-overdue">{t("tasks.overdueHeading", { count: overdue.length })}</h2>
          <TaskList tasks={overdue} saved={saved} ownTasks={ownTasks} />
        </section>
      ) : null}
      {other.length ? (
        <section aria-labelledby="tasks-other">
          <h2 id="tasks-other">
            {t(overdue.length ? "tasks.otherHeading" : "tasks.openHeading", {
              count: other.length,
            })}
          </h2>
          <TaskList tasks={other} saved={saved} ownTasks={ownTasks} />
        </section>
      ) : null}
    </>
  );
}

/**
 * A list of tasks, each with what it came from and a small form to set its status with a
 * comment (posted to the page's own action). `saved` names the task just saved, whose form
 * then says so in a live region; `ownTasks` leaves out whom each concerns (the person's page).
 */
export function TaskList({
  tasks,
  saved,
  ownTasks = false,
}: {
  tasks: TaskView[];
  saved?: SavedTask;
  ownTasks?: boolean;
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
          <li key={`${task.documentName}/${task.actionId}`} className="panel task">
            <h3 id={headingId} className="ds-heading" data-size="sm">
              {task.what}
            </h3>
            <dl className="facts">
              <dt>{t("tasks.dueLabel")}</dt>
              <dd className="task-due">
                <span>{task.due ? formatDate(locale, task.due) : t("tasks.noDue")}</span>
                {task.overdue ? (
                  <>
                    {" "}
                    <strong className="ds-tag" data-color="danger">
                      {t("tasks.overdue")}
                    </strong>
                  </>
                ) : null}
              </dd>
              <dt>{t("tasks.statusLabel")}</dt>
              <dd>{t(statusKey(task.status))}</dd>
              {task.statusComment ? (
                <>
                  <dt>{t("tasks.commentLabel")}</dt>
                  <dd>{task.statusComment}</dd>
                </>
              ) : null}
              {ownTasks ? null : (
                <>
                  <dt>{t("tasks.forLabel")}</dt>
                  <dd>{task.personName}</dd>
                </>
              )}
              <dt>{t("tasks.fromLabel")}</dt>
              <dd>
                {task.area
                  ? t("tasks.fromPlan", { area: t(`planPart.${task.area}`) })
                  : task.meetingStartsAt
                    ? t("tasks.fromMeeting", {
                        when: formatDateTime(locale, task.meetingStartsAt),
                      })
                    : null}
              </dd>
              {task.goal ? (
                <>
                  <dt>{t("tasks.goalLabel")}</dt>
                  <dd>{task.goal}</dd>
                </>
              ) : null}
            </dl>
            <Form method="post" className="inline-form task-form" aria-labelledby={headingId}>
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
