import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { personPlanLoader } from "../features/plan/plan-page.server";
import { PlanPrint } from "../features/plan/plan-print";
import { PlanLinkInvalid } from "../features/plan/plan-view";
import { pageTitle } from "../utils/meta";

/** The person's plan to print, through their own link (logged as plan.print). */
export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.planPrint"),
  { name: "robots", content: "noindex" },
];

export const loader = (args: LoaderFunctionArgs) => personPlanLoader(args, "print");

export default function PersonPlanPrintPage() {
  const { plan } = useLoaderData<typeof loader>();
  const { token } = useParams();
  if (!plan) return <PlanLinkInvalid />;
  return <PlanPrint data={plan} backHref={`/i/${token}/plan`} pdfHref={`/i/${token}/plan.pdf`} />;
}

export const ErrorBoundary = GeneralErrorBoundary;
