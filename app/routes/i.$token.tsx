import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { AgendaPanel } from "../features/agenda/agenda-panel";
import { SinceLastTimeSection } from "../features/tasks/since-last-time";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { AnswerButtons } from "../features/meetings/answer-buttons";
import { formatDateTime, translator, useLocale, useT } from "../i18n";
import { getLocale } from "../i18n/locale.server";
import { InvitationAnswer } from "../features/meetings/meeting-page-form.server";
import { openInvitation, respondToInvitation } from "../features/meetings/invitation-page.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

/** The page behind a personal invitation link: no account needed, only this one meeting. */
export const meta: MetaFunction<typeof loader> = (args) => [
  // A link that does not work (404 with data) is titled as its page says, "Invitasjon til møte".
  ...dataTitle(args, ({ invitation }, t, locale) =>
    invitation
      ? t(invitation.cancelled ? "title.invitationCancelled" : "title.invitation", {
          when: formatDateTime(locale, invitation.startsAt),
        })
      : t("invitation.title"),
  ),
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const t = translator(await getLocale(request));
  const invitation = await openInvitation(
    params.token ?? "",
    context.clientIp,
    t("agenda.thePerson"),
  );
  if (!invitation) return data({ invitation: null }, { status: 404 });
  return { invitation };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const answer = validate(InvitationAnswer, formFields(await readForm(request)));
  if (!answer.ok) return badRequest(answer.errors);
  const saved = await respondToInvitation(
    params.token ?? "",
    answer.value.response,
    context.clientIp,
    answer.value.answerFor,
  );
  if (!saved)
    return data(
      { ok: false as const, errors: { form: [message("invitation.invalid")] } },
      { status: 404 },
    );
  // The meeting was moved after this page was shown: the answer was for the old time.
  if (saved === "outdated")
    return data(
      { ok: false as const, errors: { response: [message("invitation.answerOutdated")] } },
      { status: 409 },
    );
  return { ok: true as const };
}

export default function InvitationPage() {
  const { invitation } = useLoaderData<typeof loader>();
  const { token } = useParams();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  if (!invitation) {
    return (
      <section className="panel narrow" aria-labelledby="invitation-title">
        <h1 id="invitation-title">{t("invitation.title")}</h1>
        <p>{t("invitation.invalid")}</p>
      </section>
    );
  }
  return (
    <section className="panel narrow" aria-labelledby="invitation-title">
      <h1 id="invitation-title">{invitation.title}</h1>
      {result && result.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t("invitation.answered")}
        </p>
      ) : null}
      <ErrorSummary errors={result && !result.ok ? result.errors : undefined} />
      {invitation.cancelled ? (
        <p className="ds-alert" data-color="info">
          {t("invitation.cancelled")}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t("meeting.when")}</dt>
        <dd>
          {formatDateTime(locale, invitation.startsAt)} ({invitation.durationMinutes} min)
        </dd>
        <dt>{t("meeting.where")}</dt>
        <dd>
          {invitation.place}
          {invitation.place && invitation.videoLink ? " · " : ""}
          {invitation.videoLink ? <a href={invitation.videoLink}>{invitation.videoLink}</a> : null}
        </dd>
      </dl>
      <p>{t("invitation.ledBy", { names: invitation.leaders.join(", ") })}</p>
      <p>
        <a href={`/i/${token}/tasks`}>{t("tasks.linkTo")}</a>
      </p>
      {invitation.minutes ? (
        <p className="ds-alert" data-color="info">
          <a href={`/i/${token}/minutes`}>
            {t(
              invitation.minutes === "review"
                ? "invitation.reviewMinutes"
                : "invitation.readMinutes",
            )}
          </a>
        </p>
      ) : null}
      {invitation.plan ? (
        <p className="ds-alert" data-color="info">
          <a href={`/i/${token}/plan`}>{t("plan.openMine")}</a>
        </p>
      ) : null}
      {invitation.progress ? (
        <p>
          <a href={`/i/${token}/progress`}>{t("invitation.progress")}</a>
        </p>
      ) : null}
      {invitation.since ? (
        <SinceLastTimeSection
          since={invitation.since}
          names={Object.fromEntries(invitation.agenda.people.map((p) => [p.ref, p.name]))}
        />
      ) : null}
      {!invitation.cancelled ? <AgendaPanel data={invitation.agenda} /> : null}
      {!invitation.cancelled ? (
        <>
          <h2>{t("invitation.yourAnswer")}</h2>
          <p>{t(`response.${invitation.response}`)}</p>
          {invitation.previous ? (
            <p className="ds-alert" data-color="info">
              {t("invitation.oldAnswer", {
                response: t(`response.${invitation.previous.response}`),
                when: formatDateTime(locale, invitation.previous.startsAt),
              })}
            </p>
          ) : null}
          <Form method="post" className="actions">
            <input type="hidden" name="answerFor" value={invitation.slot} />
            <AnswerButtons current={invitation.response} />
          </Form>
        </>
      ) : null}
      <p>
        <a href={`/i/${token}/calendar.ics`} download>
          {t("invitation.download")}
        </a>
      </p>
      <h2>{t("reminders.title")}</h2>
      <p>{t(invitation.remindersOff ? "reminders.areOff" : "reminders.areOn")}</p>
      <Form method="post" action={`/i/${token}/reminders`} className="actions">
        <button
          type="submit"
          className="ds-button"
          data-variant="secondary"
          name="intent"
          value={invitation.remindersOff ? "reminders-on" : "reminders-off"}
        >
          {t(invitation.remindersOff ? "reminders.turnOn" : "reminders.turnOff")}
        </button>
      </Form>
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
