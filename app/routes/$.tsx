import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { pageTitle } from "../utils/meta";

/**
 * Any URL no other route claims: a real 404 with the site's layout. A malformed URL (one that
 * does not decode, for example) is sent here by the server and answered 400, whatever the method.
 */

export const meta: MetaFunction = ({ matches, error }) =>
  pageTitle(
    matches,
    isRouteErrorResponse(error) && error.status === 400
      ? "error.badRequestTitle"
      : "error.notFoundTitle",
  );

function refuseMalformed(context: LoaderFunctionArgs["context"]) {
  if (context.malformedUrl) {
    throw new Response("Adressen er ugyldig. / The address is not valid.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

export function loader({ context }: LoaderFunctionArgs) {
  refuseMalformed(context);
  throw new Response("Not Found", { status: 404 });
}

/** Without an action here Remix would answer a post to an unknown URL 405 itself; so does this. */
export function action({ context }: ActionFunctionArgs) {
  refuseMalformed(context);
  throw new Response("Method Not Allowed", { status: 405 });
}

export default function NotFound() {
  return null;
}

export const ErrorBoundary = GeneralErrorBoundary;
