import type { MetaFunction } from "@remix-run/node";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { pageTitle } from "../utils/meta";

/** Any URL no other route claims: a real 404 with the site's layout. */

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "error.notFoundTitle");

export function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = GeneralErrorBoundary;
