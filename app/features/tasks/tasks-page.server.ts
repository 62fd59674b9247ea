import { data, type AppLoadContext } from "@remix-run/node";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { invitationActorLabel, invitationByToken } from "../access/invitations.server";
import { requirePermission } from "../accounts/session.server";
import { auditActor, recordAuditManyNow, type AuditActor } from "../audit/audit.server";
import { PERSON_REF } from "../documents/shapes";
import { setTaskStatus, TaskStatusForm } from "./status.server";
import type { TaskView } from "./task-list";
import { taskPage, type Task, type TaskAsker } from "./tasks.server";

/*
 * What the My tasks pages load and do: `/tasks` for a signed-in user, `/i/<token>/tasks` for a
 * member through their personal link (no account needed). Reading is logged once per person
 * whose actions were shown (Normen); a status change is written by status.server.ts.
 */

async function shown(actor: AuditActor, tasks: Task[], via: "account" | "link") {
  const personIds = [...new Set(tasks.map((task) => task.personId))];
  await recordAuditManyNow(
    actor,
    personIds.map((personId) => ({
      action: "tasks.view" as const,
      subjectType: "person",
      subjectId: personId,
      personId,
      details: { via, tasks: tasks.filter((task) => task.personId === personId).length },
    })),
  );
}

/** Tasks on one page of My tasks: as many as the meetings list shows on one of its pages. */
export const TASKS_PAGE_SIZE = 50;

/** Where a page of My tasks is in the whole list, for its headings and its page links. */
export interface TaskPaging {
  /** This page, 1-based, and how many tasks come before it. */
  page: number;
  first: number;
  pages: number;
  /** Open tasks in all, and how many of them are past their due date. */
  total: number;
  overdue: number;
}

/** The page asked for in `url` (`?page=N`): 1 when missing or not a whole number from 1. */
function askedPage(url: string): number {
  const asked = new URL(url).searchParams.get("page") ?? "";
  return /^[1-9]\d{0,5}$/.test(asked) ? Number(asked) : 1;
}

/**
 * One page of `asker`'s tasks (overdue first, as tasksFor sorts them), read as one page from
 * the database (taskPage): the page in `url`, the last page when past the end.
 */
async function onePage(
  asker: TaskAsker,
  url: string,
): Promise<{ shown: Task[]; paging: TaskPaging }> {
  const read = await taskPage(asker, askedPage(url), TASKS_PAGE_SIZE);
  return {
    shown: read.tasks,
    paging: {
      page: read.page,
      first: (read.page - 1) * TASKS_PAGE_SIZE,
      pages: read.pages,
      total: read.total,
      overdue: read.overdue,
    },
  };
}

/** What the list shows of a task: the rest stays on the server (it is sent with every page). */
function taskView(task: Task): TaskView {
  return {
    documentName: task.documentName,
    actionId: task.actionId,
    what: task.what,
    due: task.due,
    overdue: task.overdue,
    status: task.status,
    statusComment: task.statusComment,
    area: task.area,
    goal: task.goal,
    meetingStartsAt: task.meetingStartsAt,
    personName: task.personName,
  };
}

/**
 * The `/tasks` loader: one page of the user's open tasks (TASKS_PAGE_SIZE, `?page=N`).
 * Redirects to login; 403 without the role.
 */
export async function myTasksPage(request: Request, context: AppLoadContext) {
  const user = await requirePermission(request, context, "tasks.view");
  const { shown: tasks, paging } = await onePage({ kind: "user", user }, request.url);
  await shown(auditActor(user, context), tasks, "account");
  return { tasks: tasks.map(taskView), paging };
}

async function saveStatus(asker: TaskAsker, actor: AuditActor, by: string, form: FormData) {
  const input = validate(TaskStatusForm, formFields(form));
  if (!input.ok) return badRequest(input.errors);
  const outcome = await setTaskStatus(asker, actor, by, input.value);
  if (!outcome) {
    return data(
      { ok: false as const, errors: { form: [message("tasks.notFound")] } },
      { status: 404 },
    );
  }
  return {
    ok: true as const,
    actionId: input.value.actionId,
    notice: outcome === "changed" ? ("tasks.saved" as const) : ("tasks.unchanged" as const),
  };
}

/** The `/tasks` action: sets the status of one of the user's tasks (400/404 with a message). */
export async function saveMyTaskStatus(request: Request, context: AppLoadContext, form: FormData) {
  const user = await requirePermission(request, context, "tasks.view");
  return saveStatus({ kind: "user", user }, auditActor(user, context), `user:${user.id}`, form);
}

/**
 * One page of the link holder's tasks (`url` as for /tasks), or null when the link does not
 * work (the page's 404).
 */
export async function linkTasksPage(token: string, ip: string, url: string) {
  const invitation = await invitationByToken(token);
  if (!invitation) return null;
  const { shown: tasks, paging } = await onePage(
    { kind: "member", memberId: invitation.member.id },
    url,
  );
  await shown(
    { label: invitationActorLabel(invitation), municipalityId: invitation.municipalityId, ip },
    tasks,
    "link",
  );
  // The person's own tasks all concern them: the page need not say whom each is for.
  return {
    tasks: tasks.map(taskView),
    paging,
    invitationHref: `/i/${token}`,
    isPerson: invitation.member.isPerson,
  };
}

/** Sets the status of one of the link holder's tasks; 404 when the link does not work. */
export async function saveLinkTaskStatus(token: string, ip: string, form: FormData) {
  const invitation = await invitationByToken(token);
  if (!invitation) {
    return data(
      { ok: false as const, errors: { form: [message("tasks.linkInvalid")] } },
      { status: 404 },
    );
  }
  const member = invitation.member;
  return saveStatus(
    { kind: "member", memberId: member.id },
    { label: invitationActorLabel(invitation), municipalityId: invitation.municipalityId, ip },
    member.isPerson ? PERSON_REF : `member:${member.id}`,
    form,
  );
}
