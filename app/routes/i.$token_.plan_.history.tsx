import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { PlanHistoryBody } from "../features/plan/history-view";
import {
  planHistoryForLink,
  UnknownSnapshotError,
  historyChoice,
} from "../features/plan/plan-history.server";
import { PlanLinkInvalid } from "../features/plan/plan-view";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * What changed in the person's own plan between two meetings, through their personal link
 * (issue 12): the same view as the leaders', every part (it is their plan). Any other link gets
 * the 404 page; a meeting that is not this plan's is a 400.
 */
export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.planHistoryLink"),
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = params.token ?? "";
  try {
    const view = await planHistoryForLink(token, context, historyChoice(url));
    if (!view) return data({ view: null, token }, { status: 404 });
    return { view, token };
  } catch (error) {
    if (error instanceof UnknownSnapshotError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function PersonPlanHistoryPage() {
  const { view, token } = useLoaderData<typeof loader>();
  const t = useT();
  if (!view) return <PlanLinkInvalid />;
  return (
    <>
      <h1>{t("planHistory.title")}</h1>
      <p className="no-print">
        <a href={`/i/${token}/plan`}>{t("planHistory.backToPlan")}</a>
      </p>
      <p>{t("planHistory.introLink")}</p>
      <PlanHistoryBody view={view} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
