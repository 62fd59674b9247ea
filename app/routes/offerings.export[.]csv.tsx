import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "../features/accounts/session.server";
import { exportOfferings } from "../features/offerings/csv.server";
import { osloToday } from "../utils/oslo-time";

/** The catalogue as a CSV file for Excel (coordinators; audited). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  const csv = await exportOfferings(user, context);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="tilbud-${osloToday()}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
