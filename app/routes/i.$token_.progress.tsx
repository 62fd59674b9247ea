import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { SubmitButton } from "../components/submit-button";
import { invitationByToken, invitationMayWrite } from "../features/access/invitations.server";
import { FORM_TOKEN_FIELD, issueFormToken } from "../features/forms/once.server";
import { progressAction } from "../features/plan/progress-actions.server";
import { ProgressFields, ProgressOverTime } from "../features/plan/progress-chart";
import { progressFor } from "../features/plan/progress.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/** The person's own measure of progress through their personal link (no account needed). */
export const meta: MetaFunction<typeof loader> = (args) => [
  ...dataTitle(args, (_loaded, t) => t("title.progressLink")),
  { name: "robots", content: "noindex" },
];

/** Form tokens of a link holder are bound to the invitation. */
const linkOwner = (invitationId: string) => `invitation:${invitationId}`;

/** The person's own current link; any other link (a relative's, a partner's) is a 404. */
async function personLink(token: string) {
  const found = await invitationByToken(token);
  if (!invitationMayWrite(found, "plan")) throw data(null, { status: 404 });
  return found;
}

export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const found = await personLink(token);
  const progress = await progressFor(
    { kind: "invitation", invitation: found },
    context,
    found.networkId,
  );
  return {
    invitationHref: `/i/${token}`,
    progress,
    formToken: issueFormToken(linkOwner(found.invitation.id)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const found = await personLink(params.token ?? "");
  return progressAction(
    { kind: "invitation", invitation: found },
    context,
    found.networkId,
    await readForm(request),
    linkOwner(found.invitation.id),
  );
}

export default function ProgressThroughLink() {
  const { invitationHref, progress, formToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  return (
    <>
      <h1>{t("progress.title")}</h1>
      <p>
        <a href={invitationHref}>{t("invitation.title")}</a>
      </p>
      <p>{t("progress.intro")}</p>
      <Form key={formToken} method="post" className="panel" aria-labelledby="progress-add-title">
        <h2 id="progress-add-title">{t("progress.add")}</h2>
        {result?.ok ? (
          <p className="ds-alert" data-color="success" role="status">
            {t(result.notice)}
          </p>
        ) : null}
        <ErrorSummary errors={errors} />
        <input type="hidden" name={FORM_TOKEN_FIELD} value={formToken} />
        <ProgressFields areas={progress.areas} errors={errors} />
        <SubmitButton>{t("progress.save")}</SubmitButton>
      </Form>
      <h2>{t("progress.overTime")}</h2>
      <ProgressOverTime areas={progress.areas} notes={progress.notes} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
