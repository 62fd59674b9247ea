import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { AgendaPanel } from "../features/agenda/agenda-panel";
import { agendaForUser } from "../features/agenda/agenda-page.server";
import { viewMeeting } from "../features/meetings/meetings.server";
import { translator } from "../i18n";
import { getLocale } from "../i18n/locale.server";
import { useT } from "../i18n";
import { dataTitle } from "../utils/meta";

/*
 * Running a meeting (issue 11): the live agenda with the leader's run controls — the current
 * item, timers, next item, capture shortcuts and large type for a screen on the wall. Everyone
 * else follows the same document on their own meeting page. Only those who lead it come here.
 */

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_data, t) => t("run.pageTitle"));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const view = await viewMeeting(user, context, idFromUrl(params.meetingId));
  const t = translator(await getLocale(request));
  if (!view.manage || view.meeting.status === "cancelled") {
    throw new Response(t("run.notYours"), { status: 403 });
  }
  const agenda = await agendaForUser(user, view.meeting, {
    ownInvitationMemberId: null,
    personLabel: view.personName,
    known: view,
  });
  return { meetingId: view.meeting.id, title: view.meeting.internalTitle, agenda };
}

export default function RunMeeting() {
  const { meetingId, title, agenda } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <a href={`/meetings/${meetingId}`}>{t("run.back")}</a>
      </p>
      <h1>
        {t("run.pageTitle")}: {title}
      </h1>
      <AgendaPanel data={agenda} run />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
