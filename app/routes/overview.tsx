import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.overview");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "overview.view");
  return null;
}

export default function OverviewPage() {
  return <AreaPlaceholder title="nav.overview" what="area.overview" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
