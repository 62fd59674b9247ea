import { GeneralErrorBoundary } from "../components/error-boundary";

/** Any URL no other route claims: a real 404 with the site's layout. */
export function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = GeneralErrorBoundary;
