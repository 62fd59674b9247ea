import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { planForbidden, planForUser } from "../features/plan/plan-page.server";
import { PlanPrint } from "../features/plan/plan-print";
import { pageTitle } from "../utils/meta";

/** The plan to print, as far as the reader may see it (logged as plan.print). */
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.planPrint");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const plan = await planForUser(user, context, idFromUrl(params.networkId), "print");
  if (plan.role === "none") planForbidden();
  return plan;
}

export default function PlanPrintPage() {
  const data = useLoaderData<typeof loader>();
  return (
    <PlanPrint
      data={data}
      backHref={`/networks/${data.networkId}/plan`}
      pdfHref={`/networks/${data.networkId}/plan.pdf`}
    />
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
