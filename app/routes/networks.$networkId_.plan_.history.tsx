import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { SubmitButton } from "../components/submit-button";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { FORM_TOKEN_FIELD, issueFormToken, userOwner } from "../features/forms/once.server";
import { PlanHistoryBody } from "../features/plan/history-view";
import {
  planHistory,
  UnknownSnapshotError,
  historyChoice,
} from "../features/plan/plan-history.server";
import { progressAction } from "../features/plan/progress-actions.server";
import { ProgressFields, ProgressOverTime } from "../features/plan/progress-chart";
import { progressFor } from "../features/plan/progress.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/** What changed in a network's plan between two meetings; partners see only consented parts. */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ networkKind }, t) =>
    t("title.planHistory", { kind: t(`networkKind.${networkKind}`) }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const url = new URL(request.url);
  const networkId = idFromUrl(params.networkId);
  try {
    const history = await planHistory(user, context, networkId, historyChoice(url));
    const progress = await progressFor({ kind: "user", user }, context, networkId);
    return {
      ...history,
      progress,
      formToken: progress.writes ? issueFormToken(userOwner(user)) : null,
    };
  } catch (error) {
    if (error instanceof UnknownSnapshotError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

/** A leader notes, with the person, how things are going (progress-actions.server.ts). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  return progressAction(
    { kind: "user", user },
    context,
    idFromUrl(params.networkId),
    await readForm(request),
    userOwner(user),
  );
}

export default function PlanHistoryPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  return (
    <>
      <h1>{t("planHistory.title")}</h1>
      <p>
        <a href={`/networks/${view.networkId}`}>{t("planHistory.backToNetwork")}</a>
      </p>
      <p>{t("planHistory.intro")}</p>
      <PlanHistoryBody view={view} />
      <section aria-labelledby="progress-title">
        <h2 id="progress-title">{t("progress.title")}</h2>
        {view.progress.writes ? <p>{t("progress.introLeader")}</p> : null}
        <ProgressOverTime areas={view.progress.areas} notes={view.progress.notes} />
        {view.progress.writes && view.formToken ? (
          <Form
            key={view.formToken}
            method="post"
            className="panel"
            aria-labelledby="progress-add-title"
          >
            <h3 id="progress-add-title">{t("progress.add")}</h3>
            {result?.ok ? (
              <p className="ds-alert" data-color="success" role="status">
                {t(result.notice)}
              </p>
            ) : null}
            <ErrorSummary errors={errors} />
            <input type="hidden" name={FORM_TOKEN_FIELD} value={view.formToken} />
            <ProgressFields
              areas={view.progress.areas}
              errors={errors}
              meetings={view.progress.meetings}
              meetingToday={view.progress.meetingToday}
            />
            <SubmitButton>{t("progress.save")}</SubmitButton>
          </Form>
        ) : null}
      </section>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
