import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { SubmitButton } from "../components/submit-button";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { FORM_TOKEN_FIELD, issueFormToken, userOwner } from "../features/forms/once.server";
import { progressAction } from "../features/plan/progress-actions.server";
import { ProgressFields, ProgressOverTime } from "../features/plan/progress-chart";
import { progressFor } from "../features/plan/progress.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/**
 * How things are going, over time: leaders note it with the person (progress-actions.server.ts),
 * others who may read the plan see it as consent allows (progress.server.ts).
 */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_loaded, t) => t("title.progress"));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const networkId = idFromUrl(params.networkId);
  const progress = await progressFor({ kind: "user", user }, context, networkId);
  return {
    networkId,
    progress,
    formToken: progress.writes ? issueFormToken(userOwner(user)) : null,
  };
}

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

export default function ProgressPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  return (
    <>
      <h1 id="progress-title">{t("progress.title")}</h1>
      <p>
        <a href={`/networks/${view.networkId}/plan`}>{t("progress.backToPlan")}</a>
      </p>
      {view.progress.writes ? <p>{t("progress.introLeader")}</p> : null}
      {view.progress.writes && view.formToken ? (
        <Form
          key={view.formToken}
          method="post"
          className="panel"
          aria-labelledby="progress-add-title"
        >
          <h2 id="progress-add-title">{t("progress.add")}</h2>
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
      <h2>{t("progress.overTime")}</h2>
      <ProgressOverTime areas={view.progress.areas} notes={view.progress.notes} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
