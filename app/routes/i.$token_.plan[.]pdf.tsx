import type { LoaderFunctionArgs } from "@remix-run/node";
import { pdfNotFound } from "../features/minutes/pdf-response.server";
import { planForLink } from "../features/plan/plan-page.server";
import { planPdfResponse } from "../features/plan/plan-pdf.server";
import { getLocale } from "../i18n/locale.server";

/** The person's plan as PDF through their own link (logged as plan.download). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const plan = await planForLink(params.token ?? "", context.clientIp, "download");
  if (!plan) return pdfNotFound();
  return planPdfResponse(plan, await getLocale(request));
}
