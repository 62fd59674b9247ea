import type { LoaderFunctionArgs } from "@remix-run/node";
import { runningRealtime } from "../../realtime/running";
import { requirePermission } from "../features/accounts/session.server";

/** The realtime server's counters for operators: admins only, and never document content. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "admin.realtime");
  const realtime = runningRealtime();
  const body = realtime ? { running: true, ...realtime.metrics.snapshot() } : { running: false };
  return new Response(JSON.stringify(body), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
