import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { currentInvitationLink, newInvitationLink } from "../features/meetings/invitations.server";
import { ConfirmAction } from "../components/confirm";
import { CopyButton } from "../components/copy-button";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { AnswerButtons } from "../features/meetings/answer-buttons";
import { formatDateTime, translator, useLocale, useT } from "../i18n";
import { getLocale } from "../i18n/locale.server";
import { AgendaPanel } from "../features/agenda/agenda-panel";
import { sinceLastTime } from "../features/tasks/since-last-time.server";
import { SinceLastTimeSection } from "../features/tasks/since-last-time";
import { agendaForUser } from "../features/agenda/agenda-page.server";
import type { MessageKey } from "../i18n/nb";
import { idFromUrl } from "../features/access/access.server";
import {
  InvitationAnswer,
  InvitationLinkFor,
  MeetingPageIntent,
} from "../features/meetings/meeting-page-form.server";
import { CHANGED_NOTICE } from "../features/meetings/meeting-edit.server";
import { answerSlot, previousAnswer } from "../features/meetings/answers.server";
import {
  AnswerOutdatedError,
  MeetingCancelledError,
  respondAsUser,
  viewMeeting,
} from "../features/meetings/meetings.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { requirePermission } from "../features/accounts/session.server";
import { AttendanceForm } from "../features/minutes/attendance-form";
import {
  AttendanceChoiceError,
  attendanceLines,
  markedAttendance,
  setAttendance,
} from "../features/minutes/attendance.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ meeting }, t, locale) =>
    t(meeting.status === "cancelled" ? "title.meetingCancelled" : "title.meeting", {
      kind: t(`meetingKind.${meeting.kind}`),
      when: formatDateTime(locale, meeting.startsAt),
    }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const view = await viewMeeting(user, context, idFromUrl(params.meetingId));
  const m = view.meeting;
  const t = translator(await getLocale(request));
  const agenda = await agendaForUser(user, m, {
    ownInvitationMemberId:
      view.invited.find((i) => i.id === view.ownInvitationId)?.memberId ?? null,
    personLabel: view.manage ? view.personName : t("agenda.thePerson"),
    known: view.manage ? view : undefined,
  });
  // Who came (leaders mark it; it goes into the minutes when the meeting is closed).
  const attendance = view.manage
    ? attendanceLines(
        {
          personName: view.personName,
          // The person has a line of their own (personName), not as a member.
          members: view.invited
            .filter((i) => !i.isPerson)
            .map((i) => ({ memberId: i.memberId, name: i.name })),
          leaders: view.leaders,
        },
        await markedAttendance(m.id),
      )
    : null;
  // What the network's actions did since the previous meeting, for everyone who may read the
  // agenda: leaders and the person see every action, other members as far as consent goes.
  const ownMember = view.invited.find((i) => i.id === view.ownInvitationId) ?? null;
  const since =
    m.status === "cancelled" || agenda.role === "none"
      ? null
      : view.manage || ownMember?.isPerson
        ? await sinceLastTime(m)
        : ownMember
          ? await sinceLastTime(m, undefined, { memberId: ownMember.memberId })
          : null;
  return {
    agenda,
    since,
    manage: view.manage,
    formToken: view.manage ? issueFormToken(userOwner(user)) : null,
    attendance,
    personName: view.manage ? view.personName : null,
    meeting: {
      id: m.id,
      networkId: m.networkId,
      kind: m.kind,
      startsAt: m.startsAt.toISOString(),
      durationMinutes: m.durationMinutes,
      place: m.place,
      videoLink: m.videoLink,
      title: view.manage ? m.internalTitle : m.calendarTitle,
      status: m.status,
      seriesId: m.seriesId,
    },
    leaders: view.leaders,
    invited: view.invited.map((i) => ({
      id: i.id,
      memberId: i.memberId,
      name: i.name,
      isPerson: i.isPerson,
      hasEmail: i.hasEmail,
      response: i.response,
      respondedAt: i.respondedAt?.toISOString() ?? null,
      previous: previousAnswer(i),
    })),
    /** The time an answer on this page is given for (answers.server.ts). */
    answerFor: answerSlot(m),
    ownInvitationId: view.ownInvitationId,
    /** What the edit page did before it sent the leader back here (`?changed=`), if anything. */
    changed: changedNotice(new URL(request.url).searchParams.get("changed")),
  };
}

/** The notice for `?changed=` (meeting-edit.server.ts), or null for anything else. */
function changedNotice(changed: string | null): MessageKey | null {
  return changed && Object.hasOwn(CHANGED_NOTICE, changed)
    ? CHANGED_NOTICE[changed as keyof typeof CHANGED_NOTICE]
    : null;
}

/** `link`: an invitee's personal link (`linkFor`), new or current, for the leader to pass on. */
type Done = {
  ok: true;
  notice: MessageKey;
  link?: string;
  linkFor?: string;
  /** How many e-mails still in the outbox got the new link. */
  unsentMail?: number;
};

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const meetingId = idFromUrl(params.meetingId);
  const form = await readForm(request);
  const fields = formFields(form);
  const intent = validate(MeetingPageIntent, fields);
  if (!intent.ok) return badRequest(intent.errors);

  if (intent.value.intent === "respond") {
    const answer = validate(InvitationAnswer, fields);
    if (!answer.ok) return badRequest(answer.errors);
    try {
      await respondAsUser(user, context, meetingId, answer.value.response, answer.value.answerFor);
    } catch (error) {
      if (error instanceof MeetingCancelledError) {
        return badRequest({ intent: [message("meeting.alreadyCancelled")] });
      }
      if (error instanceof AnswerOutdatedError) {
        return data(
          { ok: false as const, errors: { response: [message("invitation.answerOutdated")] } },
          { status: 409 },
        );
      }
      throw error;
    }
    return data<Done>({ ok: true, notice: "invitation.answered" });
  }
  // Everything else changes the meeting: only for those who manage its network.
  const manager = await requirePermission(request, context, "people.manage");
  try {
    switch (intent.value.intent) {
      case "attendance": {
        const present = form.getAll("present").filter((v): v is string => typeof v === "string");
        await setAttendance(manager, context, meetingId, present);
        return data<Done>({ ok: true, notice: "attendance.saved" });
      }
      case "new-link": {
        const target = validate(InvitationLinkFor, fields);
        if (!target.ok) return badRequest(target.errors);
        const claim = await readFormClaim<{ url: string; unsentMail: number }>(
          form,
          userOwner(manager),
          `invitation-link:${target.value.invitationId}`,
        );
        if (!claim.ok) return badRequest(claim.errors);
        const { url, unsentMail } =
          claim.earlier?.value ??
          (await newInvitationLink(
            manager,
            context,
            meetingId,
            target.value.invitationId,
            claim.claim,
          ));
        return data<Done>({
          ok: true,
          notice: "meeting.linkReplaced",
          link: url,
          linkFor: target.value.invitationId,
          unsentMail,
        });
      }
      case "show-link": {
        // A read (logged): the link is derived from the invitation, nothing changes.
        const target = validate(InvitationLinkFor, fields);
        if (!target.ok) return badRequest(target.errors);
        const link = await currentInvitationLink(
          manager,
          context,
          meetingId,
          target.value.invitationId,
        );
        return data<Done>({
          ok: true,
          notice: "meeting.currentLink",
          link,
          linkFor: target.value.invitationId,
        });
      }
    }
  } catch (error) {
    if (error instanceof MeetingCancelledError)
      return badRequest({ intent: [message("meeting.alreadyCancelled")] });
    if (error instanceof AttendanceChoiceError) {
      return badRequest({ present: [message("attendance.unknown")] });
    }
    throw error;
  }
  return badRequest({ intent: [message("form.unknownIntent")] });
}

export default function MeetingPage() {
  const {
    manage,
    attendance,
    personName,
    meeting,
    leaders,
    invited,
    ownInvitationId,
    answerFor,
    changed,
    formToken,
    agenda,
    since,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const done = result && result.ok ? (result as Done) : null;
  const errors = result && !result.ok && "errors" in result ? result.errors : undefined;
  const cancelled = meeting.status === "cancelled";
  const own = invited.find((i) => i.id === ownInvitationId);
  return (
    <>
      <h1>
        {meeting.title}
        {personName ? ` – ${personName}` : ""}
      </h1>
      {params.get("created") && !result ? (
        <p className="ds-alert" data-color="success" role="status">
          {t("meeting.created")}
        </p>
      ) : null}
      {done ? (
        <div className="ds-alert" data-color="success" role="status">
          <p>{t(done.notice, { name: invited.find((i) => i.id === done.linkFor)?.name ?? "" })}</p>
          {done.link ? (
            <p className="actions">
              <code className="secret">{done.link}</code>
              <CopyButton
                text={done.link}
                label={t("meeting.copyLink")}
                done={t("meeting.linkCopied")}
              />
            </p>
          ) : null}
          {done.unsentMail ? (
            <p>{t("meeting.unsentRelinked", { count: done.unsentMail })}</p>
          ) : null}
        </div>
      ) : null}
      {changed && !result ? (
        // Focused after the edit page's redirect (#changed, route-announcer.tsx): read out.
        <p className="ds-alert" data-color="success" role="status" id="changed" tabIndex={-1}>
          {t(changed)}
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <dl className="facts">
        <dt>{t("meeting.status")}</dt>
        <dd>{t(`meetingStatus.${meeting.status}`)}</dd>
        <dt>{t("meeting.kind")}</dt>
        <dd>{t(`meetingKind.${meeting.kind}`)}</dd>
        <dt>{t("meeting.when")}</dt>
        <dd>
          {formatDateTime(locale, meeting.startsAt)} ({meeting.durationMinutes} min)
        </dd>
        <dt>{t("meeting.where")}</dt>
        <dd>{[meeting.place, meeting.videoLink].filter(Boolean).join(" · ")}</dd>
        <dt>{t("meeting.leaders")}</dt>
        <dd>{leaders.map((l) => l.name).join(", ")}</dd>
        {meeting.seriesId ? (
          <>
            <dt>{t("meeting.repeat")}</dt>
            <dd>{t("meeting.series")}</dd>
          </>
        ) : null}
      </dl>
      {manage && !cancelled ? (
        <p className="actions">
          <Link className="ds-button" data-variant="secondary" to={`/meetings/${meeting.id}/edit`}>
            {t("meeting.editLink")}
          </Link>
        </p>
      ) : null}
      {own && !cancelled ? (
        <section className="panel" aria-labelledby="answer-title">
          <h2 id="answer-title">{t("invitation.yourAnswer")}</h2>
          <p>{t(`response.${own.response}`)}</p>
          {own.previous ? (
            <p className="ds-alert" data-color="info">
              {t("invitation.oldAnswer", {
                response: t(`response.${own.previous.response}`),
                when: formatDateTime(locale, own.previous.startsAt),
              })}
            </p>
          ) : null}
          <Form method="post" className="actions">
            <input type="hidden" name="intent" value="respond" />
            <input type="hidden" name="answerFor" value={answerFor} />
            <AnswerButtons current={own.response} />
          </Form>
        </section>
      ) : null}
      {manage ? (
        <section className="panel" aria-labelledby="answers-title">
          <h2 id="answers-title">{t("meeting.answers")}</h2>
          {invited.some((i) => i.previous) ? (
            <p className="ds-alert" data-color="info" id="answers-old-time">
              {t("meeting.answersForOldTime")}
            </p>
          ) : null}
          {invited.length === 0 ? <p>{t("meeting.noneInvited")}</p> : null}
          <div className="table-wrap" hidden={invited.length === 0}>
            <table className="ds-table reflow" aria-labelledby="answers-title">
              <thead>
                <tr>
                  <th scope="col">{t("member.name")}</th>
                  <th scope="col">{t("meeting.answers")}</th>
                  <th scope="col">{t("meeting.invited")}</th>
                </tr>
              </thead>
              <tbody>
                {invited.map((i) => (
                  <tr key={i.id}>
                    <td data-label={t("member.name")}>
                      {i.name}
                      {i.isPerson ? ` (${t("meeting.thePerson")})` : null}
                    </td>
                    <td data-label={t("meeting.answers")}>
                      {t(`response.${i.response}`)}
                      {i.respondedAt
                        ? ` (${t("meeting.answeredAt", { when: formatDateTime(locale, i.respondedAt) })})`
                        : ""}
                      {i.previous ? (
                        <>
                          <br />
                          <span>
                            {t("meeting.oldAnswer", {
                              response: t(`response.${i.previous.response}`),
                              when: formatDateTime(locale, i.previous.startsAt),
                            })}
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td data-label={t("meeting.invited")}>
                      {!i.hasEmail ? <span className="muted">{t("meeting.noEmail")} </span> : null}
                      {!cancelled ? (
                        <>
                          <Form method="post" className="inline-form">
                            <input type="hidden" name="invitationId" value={i.id} />
                            <button
                              type="submit"
                              name="intent"
                              value="show-link"
                              className="ds-button"
                              data-variant="tertiary"
                            >
                              {t("meeting.showLink")}
                              <span className="ds-sr-only"> ({i.name})</span>
                            </button>
                          </Form>{" "}
                          <ConfirmAction
                            id={`new-link-${i.id}`}
                            intent="new-link"
                            fields={{ invitationId: i.id, formToken: formToken ?? "" }}
                            look="link"
                            label={t("meeting.newLink")}
                            labelDetail={`(${i.name})`}
                            question={t("confirm.newInvitationLink.question", { name: i.name })}
                            consequence={t("confirm.newInvitationLink.consequence", {
                              name: i.name,
                            })}
                            confirmLabel={t("confirm.newInvitationLink.yes")}
                            headingLevel={3}
                          />
                        </>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {!cancelled && manage ? (
        <p className="actions">
          <a className="ds-button" data-variant="primary" href={`/meetings/${meeting.id}/run`}>
            {t("run.open")}
          </a>
          <Link to={`/meetings/${meeting.id}/minutes`}>{t("minutes.open")}</Link>
          <Link to={`/meetings/${meeting.id}/carry`}>{t("carry.open")}</Link>
        </p>
      ) : null}
      {since ? (
        <SinceLastTimeSection
          since={since}
          names={Object.fromEntries(agenda.people.map((p) => [p.ref, p.name]))}
        />
      ) : null}
      {!cancelled ? <AgendaPanel data={agenda} /> : null}
      {attendance && !cancelled ? <AttendanceForm lines={attendance} /> : null}
      {manage ? (
        <p>
          <Link to={`/networks/${meeting.networkId}`}>{t("meeting.network")}</Link>
        </p>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
