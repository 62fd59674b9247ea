import type { LoaderFunctionArgs } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../models/session.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "overview.view");
  return null;
}

export default function OverviewPage() {
  return <AreaPlaceholder title="nav.overview" what="area.overview" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
