import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { planForLink } from "../features/plan/plan-page.server";
import { PlanPrint } from "../features/plan/plan-print";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/** The person's plan to print, through their own link (logged as plan.print). */
export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.planPrint"),
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const plan = await planForLink(params.token ?? "", context.clientIp, "print");
  if (!plan) return data({ plan: null }, { status: 404 });
  return { plan };
}

export default function PersonPlanPrintPage() {
  const { plan } = useLoaderData<typeof loader>();
  const { token } = useParams();
  const t = useT();
  if (!plan) {
    return (
      <section className="panel narrow" aria-labelledby="plan-title">
        <h1 id="plan-title">{t("plan.yourPlan")}</h1>
        <p>{t("invitation.invalid")}</p>
      </section>
    );
  }
  return <PlanPrint data={plan} backHref={`/i/${token}/plan`} pdfHref={`/i/${token}/plan.pdf`} />;
}

export const ErrorBoundary = GeneralErrorBoundary;
