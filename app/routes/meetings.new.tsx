import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { LeaderChoiceError } from "../features/accounts/choices.server";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { MeetingForm } from "../features/meetings/meeting-form";
import { useT } from "../i18n";
import { idFromUrl } from "../features/access/access.server";
import {
  newMeetingValues,
  parseMeetingForm,
  submittedMeetingValues,
} from "../features/meetings/meeting-form.server";
import { createMeetings, planningChoices } from "../features/meetings/changes.server";
import { MeetingChoiceError } from "../features/meetings/meetings.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { requirePermission } from "../features/accounts/session.server";
import { badRequest, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "meeting.new");

const networkIdFrom = (request: Request) =>
  idFromUrl(new URL(request.url).searchParams.get("networkId"));

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const network = await planningChoices(user, networkIdFrom(request));
  const networkLeaderIds = network.leaderChoices.filter((l) => l.id === user.id).map((l) => l.id);
  return {
    personName: network.personName,
    networkKind: network.kind,
    members: network.members.map(({ id, name, isPerson }) => ({ id, name, isPerson })),
    leaders: network.leaderChoices,
    values: newMeetingValues(network, networkLeaderIds),
    formToken: issueFormToken(userOwner(user)),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const networkId = networkIdFrom(request);
  const form = await readForm(request);
  const values = submittedMeetingValues(form);
  const claim = await readFormClaim<string[]>(form, userOwner(user), `meeting:${networkId}`);
  if (!claim.ok) return badRequest(claim.errors, { values });
  if (claim.earlier) return redirect(`/meetings/${claim.earlier.value[0]}?created=1`);
  const parsed = parseMeetingForm(form);
  if (!parsed.ok) return badRequest(parsed.errors, { values });
  try {
    const [first] = await createMeetings(
      user,
      context,
      networkId,
      parsed.meeting,
      parsed.series,
      claim.claim,
    );
    return redirect(`/meetings/${first}?created=1`);
  } catch (error) {
    if (error instanceof LeaderChoiceError) {
      return badRequest({ leaderId: [message("meeting.unknownLeader")] }, { values });
    }
    if (error instanceof MeetingChoiceError) {
      const key = {
        memberId: "meeting.unknownMember",
        repeat: "meeting.noRevisionDate",
      } as const;
      return badRequest(
        { [error.field === "repeat" ? "repeatCount" : error.field]: [message(key[error.field])] },
        { values },
      );
    }
    throw error;
  }
}

export default function NewMeeting() {
  const { personName, members, leaders, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="new-meeting-title">
      <h1 id="new-meeting-title">
        {t("meeting.new")} – {personName}
      </h1>
      <MeetingForm
        values={result && "values" in result ? (result.values as typeof values) : values}
        members={members}
        leaders={leaders}
        errors={result?.errors}
        intent="create"
        allowSeries
      />
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
