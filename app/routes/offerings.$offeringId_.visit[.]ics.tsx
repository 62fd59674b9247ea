import type { LoaderFunctionArgs } from "@remix-run/node";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { visitDownload } from "../features/offerings/calendar.server";

/**
 * A first visit to an offering as a one-off calendar file (ADR 026), for every reader of the
 * offering: /offerings/<id>/visit.ics?date=yyyy-mm-dd&time=slot-0|free&start=hh:mm&end=hh:mm.
 * The offering page's form checks the choice first and redirects here; audited per download.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  return visitDownload(user, context, idFromUrl(params.offeringId), new URL(request.url));
}
