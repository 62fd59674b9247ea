import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { TasksView } from "../features/tasks/task-list";
import { linkTasksPage, saveLinkTaskStatus } from "../features/tasks/tasks-page.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/** A member's tasks through their personal link, without an account (issue 12). */
export const meta: MetaFunction<typeof loader> = (args) => [
  ...dataTitle(args, (_, t) => t("title.tasksLink")),
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const found = await linkTasksPage(params.token ?? "", context.clientIp, request.url);
  if (!found) return data({ found: null }, { status: 404 });
  return { found };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return saveLinkTaskStatus(params.token ?? "", context.clientIp, await readForm(request));
}

export default function LinkTasksPage() {
  const { found } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  if (!found) {
    return (
      <section className="panel narrow" aria-labelledby="tasks-title">
        <h1 id="tasks-title">{t("tasks.title")}</h1>
        <p>{t("tasks.linkInvalid")}</p>
      </section>
    );
  }
  return (
    <>
      <h1>{t("tasks.title")}</h1>
      <p className="no-print">
        <a href={found.invitationHref}>{t("invitation.title")}</a>
      </p>
      <p>{t("tasks.intro")}</p>
      <ErrorSummary errors={result && !result.ok ? result.errors : undefined} />
      <TasksView
        tasks={found.tasks}
        paging={found.paging}
        saved={result && result.ok ? result : null}
        ownTasks={found.isPerson}
      />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
