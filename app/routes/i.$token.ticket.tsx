import type { LoaderFunctionArgs } from "@remix-run/node";
import { agendaTicket } from "../features/meetings/invitation-page.server";

/** A fresh ticket for the live agenda (docs/realtime.md), fetched again before reconnecting. */
export async function loader({ params }: LoaderFunctionArgs) {
  const ticket = await agendaTicket(params.token ?? "");
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
