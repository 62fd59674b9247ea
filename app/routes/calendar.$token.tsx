import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarContentType } from "../features/calendar/mime";
import { feedByToken } from "../features/meetings/calendar-feed.server";

/** A personal calendar subscription (webcal/https): /calendar/<secret>.ics */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = (params.token ?? "").replace(/\.ics$/, "");
  const ics = await feedByToken(token, context.clientIp);
  if (!ics) {
    return new Response("Ukjent eller slettet abonnement. / Unknown or deleted subscription.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(ics, {
    // The feed has no METHOD, so its type has no method parameter.
    headers: { "Content-Type": calendarContentType(ics), "Cache-Control": "no-store" },
  });
}
