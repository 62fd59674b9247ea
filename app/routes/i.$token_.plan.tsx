import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { PlanPanel } from "../features/plan/plan-panel";
import { personPlanLoader } from "../features/plan/plan-page.server";
import { PlanLinkInvalid } from "../features/plan/plan-view";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The person's own plan through their personal link, without an account (issue 12): they
 * write their goals in their own words and their crisis plan, live with the leaders. Any
 * other link, or one no longer current, gets the 404 page.
 */

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.planLink"),
  { name: "robots", content: "noindex" },
];

export const loader = (args: LoaderFunctionArgs) => personPlanLoader(args, "view");

export default function PersonPlanPage() {
  const { plan } = useLoaderData<typeof loader>();
  const { token } = useParams();
  const t = useT();
  if (!plan) return <PlanLinkInvalid />;
  return (
    <>
      <p className="no-print">
        <a href={`/i/${token}`}>{t("plan.backLink")}</a>
      </p>
      <h1>{t("plan.yourPlan")}</h1>
      <p>{t("plan.intro")}</p>
      <p className="actions no-print">
        <a href={`/i/${token}/plan/print`}>{t("plan.print")}</a>
        <a href={`/i/${token}/plan.pdf`}>{t("plan.pdf")}</a>
        <a href={`/i/${token}/plan/history`}>{t("planHistory.title")}</a>
        <a href={`/i/${token}/progress`}>{t("invitation.progress")}</a>
        <a href={`/i/${token}/bridges`}>{t("title.bridgesLink")}</a>
      </p>
      <PlanPanel data={plan} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
