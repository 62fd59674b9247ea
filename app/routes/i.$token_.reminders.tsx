import { data, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { invitationActorLabel, invitationByToken } from "../features/access/invitations.server";
import { setRemindersOff } from "../features/mail/reminders.server";
import { formFields, readForm } from "../utils/forms.server";

/**
 * A link holder turns reminders off or on again (the button on their invitation page), then
 * goes back to that page. Applies to the member behind the link. 404 for a link that does not
 * work; 400 for anything but the two choices.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const found = await invitationByToken(token);
  if (!found) throw data(null, { status: 404 });
  const intent = formFields(await readForm(request)).intent;
  if (intent !== "reminders-off" && intent !== "reminders-on") throw data(null, { status: 400 });
  await setRemindersOff(
    { kind: "member", memberId: found.member.id },
    intent === "reminders-off",
    {
      label: invitationActorLabel(found),
      municipalityId: found.municipalityId,
      ip: context.clientIp,
    },
    found.personId,
  );
  return redirect(`/i/${token}`);
}

/** Nothing to show here: the setting lives on the invitation page. */
export function loader({ params }: { params: { token?: string } }) {
  return redirect(`/i/${params.token ?? ""}`);
}
