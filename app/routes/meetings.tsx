import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { AreaPlaceholder } from "../components/area-placeholder";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../models/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.meetings");

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePermission(request, "meetings.view");
  return null;
}

export default function MeetingsPage() {
  return <AreaPlaceholder title="nav.meetings" what="area.meetings" />;
}

export const ErrorBoundary = GeneralErrorBoundary;
