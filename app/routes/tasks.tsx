import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { TasksView } from "../features/tasks/task-list";
import { myTasksPage, saveMyTaskStatus } from "../features/tasks/tasks-page.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/** My tasks: the user's open actions across their networks, overdue first (issue 12). */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_, t) => t("title.tasks"));

export async function loader({ request, context }: LoaderFunctionArgs) {
  return myTasksPage(request, context);
}

export async function action({ request, context }: ActionFunctionArgs) {
  return saveMyTaskStatus(request, context, await readForm(request));
}

export default function TasksPage() {
  const { tasks, paging } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <>
      <h1>{t("tasks.title")}</h1>
      <p>{t("tasks.intro")}</p>
      <ErrorSummary errors={result && !result.ok ? result.errors : undefined} />
      <TasksView tasks={tasks} paging={paging} saved={result && result.ok ? result : null} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
