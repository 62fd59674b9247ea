import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarContentType } from "../features/calendar/mime";
import { offeringFeedByToken } from "../features/offerings/calendar.server";

/**
 * An offering's calendar subscription (webcal/https): /offerings/calendar/<secret>.ics. No
 * session: calendar programs fetch it on their own. The secret is the offering's feed token
 * (ADR 026); an unknown or renewed one is 404.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const token = (params.token ?? "").replace(/\.ics$/, "");
  const ics = await offeringFeedByToken(token);
  if (!ics) {
    return new Response("Ukjent eller fornyet kalenderlenke. / Unknown or renewed calendar link.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(ics, {
    headers: { "Content-Type": calendarContentType(ics), "Cache-Control": "no-store" },
  });
}
