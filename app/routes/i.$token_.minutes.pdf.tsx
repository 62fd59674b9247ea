import type { LoaderFunctionArgs } from "@remix-run/node";
import { pdfNotFound, pdfResponse } from "../features/minutes/pdf-response.server";
import { minutesForLink, versionParam } from "../features/minutes/read.server";
import { getLocale } from "../i18n/locale.server";

/** A locked version of the minutes as PDF through a personal link (with consent); logged. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const found = await minutesForLink(params.token ?? "", context.clientIp, {
    version: versionParam(new URL(request.url)),
    purpose: "download",
  });
  if (!found?.minutes) return pdfNotFound();
  return pdfResponse(found.minutes.selected, await getLocale(request));
}
