import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmAction } from "../components/confirm";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { MeetingForm } from "../features/meetings/meeting-form";
import { changeMeeting, meetingEditPage } from "../features/meetings/meeting-edit.server";
import type { MeetingSnapshot } from "../features/meetings/meetings.server";
import { formatDateTime, useLocale, useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/* Changing a meeting's time, place or invitees, or cancelling it (meeting-edit.server.ts). */

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ meeting }, t, locale) =>
    t("title.meetingEdit", {
      kind: t(`meetingKind.${meeting.kind}`),
      when: formatDateTime(locale, meeting.startsAt),
    }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  return meetingEditPage(user, context, idFromUrl(params.meetingId));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const meetingId = idFromUrl(params.meetingId);
  return changeMeeting(user, context, meetingId, await readForm(request));
}

const FIELD_LABEL: Record<keyof MeetingSnapshot, MessageKey> = {
  startsAt: "meeting.when",
  durationMinutes: "meeting.duration",
  place: "meeting.place",
  videoLink: "meeting.videoLink",
  kind: "meeting.kind",
  internalTitle: "meeting.internalTitle",
  calendarTitle: "meeting.calendarTitle",
  detailsInInvites: "meeting.detailsInInvites",
};

export default function MeetingEditPage() {
  const { meeting, members, leaders, hidden, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  const conflict = result && "conflict" in result ? result.conflict : null;
  const errors = result && "errors" in result ? result.errors : undefined;
  const cancelled = meeting.status === "cancelled";
  const back = `/meetings/${meeting.id}`;
  return (
    <>
      <p>
        <Link to={back}>{t("meeting.backToMeeting")}</Link>
      </p>
      <h1>{t("meeting.edit")}</h1>
      <p>
        {meeting.title} – {meeting.personName}, {formatDateTime(locale, meeting.startsAt)}
      </p>
      {cancelled ? (
        <p className="ds-alert" data-color="info" role="status">
          {t("meeting.alreadyCancelled")}
        </p>
      ) : (
        <>
          {conflict ? (
            <div className="ds-error-summary" role="alert">
              <p>{t("meeting.conflict")}</p>
              <p>
                {t("meeting.changedFields", {
                  fields: conflict.map((f) => t(FIELD_LABEL[f])).join(", "),
                })}
              </p>
            </div>
          ) : null}
          <MeetingForm
            values={result && "values" in result ? (result.values as typeof values) : values}
            members={members}
            leaders={leaders}
            errors={errors}
            intent="update"
            hidden={hidden}
          />
          <section className="panel" aria-labelledby="cancel-title">
            <h2 id="cancel-title">{t("meeting.cancelHeading")}</h2>
            <div className="actions">
              <ConfirmAction
                id="cancel"
                intent="cancel"
                label={t("meeting.cancel")}
                question={t("confirm.cancelMeeting.question")}
                consequence={t("confirm.cancelMeeting.consequence")}
                confirmLabel={t("confirm.cancelMeeting.yes")}
              />
            </div>
          </section>
        </>
      )}
      <p>
        <Link to={back}>{t("meeting.backToMeeting")}</Link>
      </p>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
