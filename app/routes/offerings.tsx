import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.offerings");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "offerings.view");
  return null;
}

export default function OfferingsPage() {
  return <AreaPlaceholder title="nav.offerings" what="area.offerings" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
