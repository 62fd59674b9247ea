import { Form, useLocation, useSearchParams } from "@remix-run/react";
import { SubmitButton } from "../../components/submit-button";
import {
  formatDate,
  formatDateTime,
  useLocale,
  useT,
  type Locale,
  type MessageKey,
  type Translate,
} from "../../i18n";
import { STATUS_CHOICES as CHOICES, statusKey } from "./status-labels";
import type { TaskPaging } from "./tasks-page.server";
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
 * meeting, or the plan's area and goal) and a link that opens its status form. The page's own
 * live region says what was saved (a task marked done has left the list). With no tasks,
 * says what will come here.
 */
export function TasksView({
  tasks,
  paging,
  saved,
  ownTasks = false,
}: {
  tasks: TaskView[];
  /** Where this page is in the whole list: the headings count every open task. */
  paging: TaskPaging;
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
      <p role="status" className={saved ? "ds-alert" : undefined} data-color="success">
        {saved ? t(gone && saved.notice === "tasks.saved" ? "tasks.savedGone" : saved.notice) : ""}
      </p>
      {tasks.length === 0 ? <p className="panel">{t("tasks.none")}</p> : null}
      {overdue.length ? (
        <section aria-labelledby="tasks-overdue">
          <h2 id="tasks-overdue">{t("tasks.overdueHeading", { count: paging.overdue })}</h2>
          <TaskList tasks={overdue} ownTasks={ownTasks} />
        </section>
      ) : null}
      {other.length ? (
        <section aria-labelledby="tasks-other">
          <h2 id="tasks-other">
            {t(paging.overdue ? "tasks.otherHeading" : "tasks.openHeading", {
              count: paging.total - paging.overdue,
            })}
          </h2>
          <TaskList tasks={other} ownTasks={ownTasks} />
        </section>
      ) : null}
      {paging.pages > 1 ? (
        <nav aria-label={t("tasks.pages")} className="actions">
          <p>
            {t("tasks.pageOf", {
              from: paging.first + 1,
              to: paging.first + tasks.length,
              total: paging.total,
            })}
          </p>
          {paging.page > 1 ? <a href={`?page=${paging.page - 1}`}>{t("tasks.previous")}</a> : null}
          {paging.page < paging.pages ? (
            <a href={`?page=${paging.page + 1}`}>{t("tasks.next")}</a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

/**
 * A list of tasks, each with what it came from and an "update status" link (?edit=<actionId>)
 * that draws its status form in place, for that task only. `ownTasks` leaves out whom each
 * concerns (the person's page).
 */
export function TaskList({ tasks, ownTasks = false }: { tasks: TaskView[]; ownTasks?: boolean }) {
  const t = useT();
  const locale = useLocale();
  // The status form is drawn only for the task being changed (?edit=<actionId>): a list of
  // many tasks stays light to send and to render (bench:plan's CPU per answer).
  const [search] = useSearchParams();
  const editing = search.get("edit");
  const page = search.get("page");
  const text = factTexts(t, locale, ownTasks);
  return (
    <ul className="task-list">
      {tasks.map((task) => {
        const headingId = `task-${task.actionId}`;
        return (
          <li key={`${task.documentName}/${task.actionId}`} className="panel task">
            <h3 id={headingId} className="ds-heading" data-size="sm">
              {task.what}
            </h3>
            {/* The facts as two lines of text, not a list of terms: 50 tasks a page, and
                each element is the server's work (bench:plan's CPU per answer). */}
            <p className="task-facts">
              {task.overdue ? (
                <strong className="ds-tag" data-color="danger">
                  {text.overdue}
                </strong>
              ) : null}
              {text.facts(task)}
            </p>
            <p className="muted">{text.origin(task)}</p>
            {task.statusComment ? <p>{`${text.comment}: ${task.statusComment}`}</p> : null}
            {editing === task.actionId ? (
              <StatusForm task={task} headingId={headingId} />
            ) : (
              <p className="task-change">
                {/* A plain link, as in the meetings list: the page's delegated click handler
                    navigates (root.tsx, useFollowLinks); a <Link> per task costs the server
                    its route resolving 50 times a page. The fragment names the form's first
                    field: the route announcer focuses it, a browser without JavaScript scrolls
                    to it. */}
                <a
                  href={`?${new URLSearchParams({ ...(page ? { page } : {}), edit: task.actionId })}#${headingId}-status`}
                  className="ds-link"
                >
                  {text.change}
                  <span className="ds-sr-only">{`: ${task.what}`}</span>
                </a>
              </p>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The texts of a list's tasks, with the labels looked up once for the list rather than once
 * per task (a page has 50), and each date, status and origin formatted once per value.
 * `facts` gives the first line (due, status, whom; whom left out with `ownTasks`), `origin`
 * the second (where from, and the goal).
 */
function factTexts(t: Translate, locale: Locale, ownTasks: boolean) {
  const due = t("tasks.dueLabel");
  const noDue = t("tasks.noDue");
  const status = t("tasks.statusLabel");
  const concerns = t("tasks.forLabel");
  const from = t("tasks.fromLabel");
  const goal = t("tasks.goalLabel");
  const once = <K,>(make: (key: K) => string) => {
    const made = new Map<K, string>();
    return (key: K) => {
      let value = made.get(key);
      if (value === undefined) made.set(key, (value = make(key)));
      return value;
    };
  };
  const dueText = once((date: string | null) => (date ? formatDate(locale, date) : noDue));
  const statusText = once((value: string) => t(statusKey(value)));
  const areaText = once((area: NonNullable<TaskView["area"]>) =>
    t("tasks.fromPlan", { area: t(`planPart.${area}`) }),
  );
  const meetingText = once((startsAt: string) =>
    t("tasks.fromMeeting", { when: formatDateTime(locale, startsAt) }),
  );
  return {
    overdue: t("tasks.overdue"),
    comment: t("tasks.commentLabel"),
    change: t("tasks.change"),
    facts: (task: TaskView) =>
      `${due}: ${dueText(task.due)} · ${status}: ${statusText(task.status)}` +
      (ownTasks ? "" : ` · ${concerns}: ${task.personName}`),
    origin: (task: TaskView) => {
      const where = task.area
        ? areaText(task.area)
        : task.meetingStartsAt
          ? meetingText(task.meetingStartsAt)
          : "";
      return `${from}: ${where}` + (task.goal ? ` · ${goal}: ${task.goal}` : "");
    },
  };
}

/**
 * The form that sets one task's status with a comment, posted to the page's own action at the
 * same address (so it stays open after saving). Focus moves to its first field when
 * it opens (the link names it as its fragment); "close" goes back to the list without it.
 */
function StatusForm({ task, headingId }: { task: TaskView; headingId: string }) {
  const t = useT();
  const { pathname } = useLocation();
  const page = useSearchParams()[0].get("page");
  return (
    <Form method="post" className="inline-form task-form" aria-labelledby={headingId}>
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
      <a href={pathname + (page ? `?page=${page}` : "")} className="ds-link">
        {t("tasks.close")}
        <span className="ds-sr-only">: {task.what}</span>
      </a>
    </Form>
  );
}
