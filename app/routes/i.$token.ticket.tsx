import type { LoaderFunctionArgs } from "@remix-run/node";
import { agendaTicket } from "../features/meetings/invitation-page.server";
import { planTicket } from "../features/plan/plan-link.server";

/**
 * A fresh ticket for a live document (docs/realtime.md), fetched again before reconnecting:
 * the meeting's agenda, or with `?document=plan:…` one of the person's plan documents (only
 * through the person's own link).
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const document = new URL(request.url).searchParams.get("document");
  const ticket = document ? await planTicket(token, document) : await agendaTicket(token);
  if (!ticket) {
    return new Response("Lenken er ugyldig eller utløpt. / The link is invalid or expired.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(JSON.stringify(ticket), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}
