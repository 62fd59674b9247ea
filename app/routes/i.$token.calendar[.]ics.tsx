import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarContentType } from "../features/calendar/mime";
import { invitationIcs } from "../features/meetings/invitation-page.server";

/** The invitation as a calendar file; the fetch is logged like an opening. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const ics = await invitationIcs(params.token ?? "", context.clientIp);
  if (!ics) {
    return new Response("Lenken er ugyldig eller utløpt. / The link is invalid or expired.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(ics, {
    headers: {
      // method=REQUEST or CANCEL, whichever METHOD the file itself says.
      "Content-Type": calendarContentType(ics),
      "Content-Disposition": 'attachment; filename="mote.ics"',
      "Cache-Control": "no-store",
    },
  });
}
