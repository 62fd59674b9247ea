import type { LoaderFunctionArgs } from "@remix-run/node";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { pdfNotFound, pdfResponse } from "../features/minutes/pdf-response.server";
import { minutesForUser, versionParam } from "../features/minutes/read.server";
import { getLocale } from "../i18n/locale.server";

/** A version of the minutes as PDF for filing (same readers as the page); logged. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const { minutes } = await minutesForUser(user, context, idFromUrl(params.meetingId), {
    version: versionParam(new URL(request.url)),
    purpose: "download",
  });
  if (!minutes) return pdfNotFound();
  return pdfResponse(minutes.selected, await getLocale(request));
}
