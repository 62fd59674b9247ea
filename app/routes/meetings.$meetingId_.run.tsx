import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { AgendaPanel } from "../features/agenda/agenda-panel";
import { agendaForUser } from "../features/agenda/agenda-page.server";
import { viewMeeting } from "../features/meetings/meetings.server";
import { AttendanceForm } from "../features/minutes/attendance-form";
import {
  AttendanceChoiceError,
  attendanceLines,
  markedAttendance,
  setAttendance,
} from "../features/minutes/attendance.server";
import { translator } from "../i18n";
import { getLocale } from "../i18n/locale.server";
import { useT } from "../i18n";
import { badRequest, readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

/*
 * Running a meeting (issue 11): the live agenda with the leader's run controls — the current
 * item, timers, next item, capture shortcuts and large type for a screen on the wall — and who
 * came (the attendance the minutes take). Everyone else follows the same document on their own
 * meeting page. Only those who lead it come here.
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
  // The same sheet as on the meeting page: the person, the invited members, the leaders.
  const attendance = attendanceLines(
    {
      personName: view.personName,
      members: view.invited
        .filter((i) => !i.isPerson)
        .map((i) => ({ memberId: i.memberId, name: i.name })),
      leaders: view.leaders,
    },
    await markedAttendance(view.meeting.id),
  );
  return { meetingId: view.meeting.id, title: view.meeting.internalTitle, agenda, attendance };
}

/** Who came, marked during the meeting (the only form of this page without JavaScript). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const manager = await requirePermission(request, context, "people.manage");
  const form = await readForm(request);
  if (form.get("intent") !== "attendance") {
    return badRequest({ intent: [message("form.invalidChoice")] });
  }
  const present = form.getAll("present").filter((v): v is string => typeof v === "string");
  try {
    await setAttendance(manager, context, idFromUrl(params.meetingId), present);
  } catch (error) {
    if (error instanceof AttendanceChoiceError) {
      return badRequest({ present: [message("attendance.unknown")] });
    }
    throw error;
  }
  return data({ ok: true as const });
}

export default function RunMeeting() {
  const { meetingId, title, agenda, attendance } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
      {/* Always in the page, so a screen reader announces the text when it appears. */}
      <div role="status">
        {result?.ok ? (
          <p className="ds-alert" data-color="success">
            {t("run.attendanceSaved")}
          </p>
        ) : null}
      </div>
      <ErrorSummary errors={result && !result.ok ? result.errors : undefined} />
      <AttendanceForm lines={attendance} />
      <p className="actions">
        <a className="ds-button" data-variant="secondary" href={`/meetings/${meetingId}/carry`}>
          {t("carry.open")}
        </a>
      </p>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
