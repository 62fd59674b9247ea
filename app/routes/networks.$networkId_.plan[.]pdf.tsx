import type { LoaderFunctionArgs } from "@remix-run/node";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { planForbidden, planForUser } from "../features/plan/plan-page.server";
import { planPdfResponse } from "../features/plan/plan-pdf.server";
import { getLocale } from "../i18n/locale.server";

/** The plan as PDF, as far as the reader may see it (logged as plan.download). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const plan = await planForUser(user, context, idFromUrl(params.networkId), "download");
  if (plan.role === "none") planForbidden();
  return planPdfResponse(plan, await getLocale(request));
}
