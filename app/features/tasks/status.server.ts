import * as Y from "yjs";
import { z } from "zod";
import { getDatabase } from "../../../db/client";
import { message } from "../../utils/validation";
import { PARTS } from "../agenda/document";
import { recordAudit, type AuditActor } from "../audit/audit.server";
import { changeDocumentNow } from "../documents/change.server";
import { ID, type Ref } from "../documents/shapes";
import { PLAN_PARTS, planActionStatuses, type PlanActionStatus } from "../plan/document";
import { projectDocumentNow, STATUS_NOTE } from "./projection.server";
import { tasksFor, type Task, type TaskAsker } from "./tasks.server";

/*
 * Status between meetings (issue 12): the responsible marks their action done, in progress or
 * blocked, with a short comment, on My tasks or through their personal link. The status is
 * written INTO the live document through the server-side change path (documents/change.server),
 * so open editors see it at once and the document stays the truth; the note `statusNote`
 * ({ status, comment, at, by }) beside it says when and by whom. The projection is then brought
 * up to date before the answer, and the change is audited ("task.status"). Setting the same
 * status and comment again changes nothing and writes no entry: a second click is harmless.
 */

export const STATUS_COMMENT_MAX = 500;

/** The status form: which action, the new status and an optional comment. */
export const TaskStatusForm = z.object({
  documentName: z.string().min(1).max(200),
  actionId: z.string().regex(ID),
  status: z.enum(planActionStatuses, { message: message("tasks.chooseStatus") }),
  comment: z
    .string()
    .trim()
    .max(STATUS_COMMENT_MAX, { message: message("tasks.commentTooLong") })
    .default(""),
});
export type TaskStatusInput = z.output<typeof TaskStatusForm>;

/** What the status note holds (read back by the projection). */
export interface StatusNote {
  status: PlanActionStatus;
  comment: string;
  at: number;
  by: Ref | null;
}

/** The action's Y.Map in its document (plan area or agenda), or null when it is gone. */
function actionMap(doc: Y.Doc, task: Task): Y.Map<unknown> | null {
  let list: unknown;
  if (task.source === "plan") list = doc.getMap(PLAN_PARTS.actions);
  else {
    const item = doc.getMap(PARTS.items).get(task.agendaItemId ?? "");
    list = item instanceof Y.Map ? item.get("actions") : undefined;
  }
  const entry = list instanceof Y.Map ? list.get(task.actionId) : undefined;
  return entry instanceof Y.Map ? (entry as Y.Map<unknown>) : null;
}

/**
 * Sets the status of one action `asker` is responsible for and may see (tasksFor), as `by`,
 * and returns "changed", "unchanged" (same status and comment as now), or null when there is
 * no such action for them (gone, someone else's, consent withdrawn, link replaced): the
 * caller's 404. Throws on database errors.
 */
export async function setTaskStatus(
  asker: TaskAsker,
  actor: AuditActor,
  by: Ref | null,
  input: TaskStatusInput,
): Promise<"changed" | "unchanged" | null> {
  const [task] = await tasksFor(asker, input);
  if (!task) return null;
  const at = Date.now();
  const outcome = await changeDocumentNow(task.documentName, (doc) => {
    const map = actionMap(doc, task);
    if (!map) return "gone" as const;
    const note = map.get(STATUS_NOTE) as Partial<StatusNote> | undefined;
    if (map.get("status") === input.status && (note?.comment ?? "") === input.comment) {
      return "unchanged" as const;
    }
    // A member with an account is named in the document by their member ref (as the people
    // of the plan and agenda are), so the editors can say who: tasksFor found this action for
    // the asker, so a member responsible for it is the asker's own member row.
    const responsible = map.get("responsible");
    const writer =
      by?.startsWith("user:") &&
      typeof responsible === "string" &&
      responsible.startsWith("member:")
        ? responsible
        : by;
    doc.transact(() => {
      map.set("status", input.status);
      map.set(STATUS_NOTE, { status: input.status, comment: input.comment, at, by: writer });
    });
    return "changed" as const;
  });
  if (outcome === "gone") return null;
  if (outcome === "unchanged") return outcome;
  await projectDocumentNow(task.documentName);
  await getDatabase().db.transaction((tx) =>
    recordAudit(
      actor,
      {
        action: "task.status",
        subjectType: "action",
        subjectId: task.actionId,
        personId: task.personId,
        details: {
          document: task.documentName,
          status: input.status,
          comment: input.comment !== "",
        },
      },
      tx,
    ),
  );
  return outcome;
}
