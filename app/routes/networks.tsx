import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../models/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.networks");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "networks.view");
  return null;
}

export default function NetworksPage() {
  return <AreaPlaceholder title="nav.networks" what="area.networks" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
