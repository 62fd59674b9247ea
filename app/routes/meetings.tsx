import type { LoaderFunctionArgs } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../models/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "meetings.view");
  return null;
}

export default function MeetingsPage() {
  return <AreaPlaceholder title="nav.meetings" what="area.meetings" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
