import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseAuditFilter } from "../features/audit/audit-filter.server";
import { readAuditLog, toCsv } from "../features/audit/audit.server";
import { requirePermission } from "../features/accounts/session.server";

const EXPORT_LIMIT = 100_000;

/** CSV export of the audit log with the same filters as the page; the export is logged. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.audit");
  const filter = parseAuditFilter(new URL(request.url));
  if (!filter.ok) {
    return new Response("Ugyldig filter. / Invalid filter.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const rows = await readAuditLog(admin, context, filter.value, {
    limit: EXPORT_LIMIT + 1,
    action: "audit.export",
  });
  const truncated = rows.length > EXPORT_LIMIT;
  const csv = toCsv([
    [
      "time_utc",
      "actor_id",
      "actor",
      "action",
      "subject_type",
      "subject_id",
      "person_id",
      "ip",
      "details",
    ],
    ...rows
      .slice(0, EXPORT_LIMIT)
      .map((row) => [
        row.at.toISOString(),
        row.actorUserId,
        row.actorName ?? row.actorLabel,
        row.action,
        row.subjectType,
        row.subjectId,
        row.personId,
        row.ip,
        JSON.stringify(row.details),
      ]),
  ]);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response("\uFEFF" + csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="broen-audit-${stamp}.csv"`,
      "Cache-Control": "no-store",
      // A file cut at the limit says so, for whoever checks it.
      "X-Broen-Export-Truncated": String(truncated),
    },
  });
}
