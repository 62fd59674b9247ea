import {
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmAction } from "../components/confirm";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, useFieldMessage } from "../components/forms";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { minutesAction, type MinutesDone } from "../features/minutes/minutes-actions.server";
import { MinutesView, VersionList } from "../features/minutes/minutes-view";
import { minutesForUser, minutesStatus, versionParam } from "../features/minutes/read.server";
import { formatDateTime, useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { dataTitle } from "../utils/meta";

/** The minutes of one meeting: every version for its leaders, locked ones for consented readers. */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ kind, startsAt }, t, locale) =>
    t("title.minutes", {
      kind: t(`meetingKind.${kind}`),
      when: formatDateTime(locale, startsAt),
    }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const meetingId = idFromUrl(params.meetingId);
  const url = new URL(request.url);
  const { manage, meeting, minutes } = await minutesForUser(user, context, meetingId, {
    version: versionParam(url),
    purpose: "view",
  });
  const base = `/meetings/${meetingId}/minutes`;
  return {
    meetingId,
    kind: meeting.kind,
    startsAt: meeting.startsAt.toISOString(),
    cancelled: meeting.status === "cancelled",
    manage,
    status: manage ? await minutesStatus(meetingId) : null,
    versions: (minutes?.versions ?? []).map((v) => ({
      ...v,
      href: `${base}?version=${v.version}`,
      current: v.version === minutes?.selected.version,
    })),
    selected: minutes?.selected ?? null,
    pdfHref: minutes ? `${base}/pdf?version=${minutes.selected.version}` : null,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  // Everything here changes the minutes: only for those who manage the meeting.
  const manager = await requirePermission(request, context, "people.manage");
  return minutesAction(manager, context, idFromUrl(params.meetingId), await readForm(request));
}

export default function MinutesPage() {
  const { manage, status, versions, selected, pdfHref, cancelled, meetingId } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const render = useFieldMessage();
  const done = result && result.ok ? (result as MinutesDone) : null;
  const errors = result && !result.ok ? result.errors : undefined;
  const values = (result && "values" in result ? result.values : {}) as Record<string, string>;
  const latest = status?.latest ?? null;
  const showsLatest = selected && selected.version === latest;
  const error = (name: string) =>
    errors?.[name]?.length ? (
      <p className="field-error" id={`field-${name}-error`}>
        {errors[name]!.map(render).join(" ")}
      </p>
    ) : null;
  return (
    <>
      <h1>{t("minutes.title")}</h1>
      <p className="no-print">
        <a href={`/meetings/${meetingId}`}>{t("nav.meetings")}</a>
      </p>
      {done ? (
        <p className="ds-alert" data-color="info" role="status">
          {t(done.notice, { version: done.version ?? "" })}
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      {!selected ? <p>{t(manage ? "minutes.none" : "minutes.noneForReader")}</p> : null}
      {manage && !cancelled && (latest === null || status?.correctionOpen) ? (
        <section className="panel no-print" aria-labelledby="close-title">
          <h2 id="close-title">
            {t(status?.correctionOpen ? "minutes.closeCorrection" : "minutes.close")}
          </h2>
          {status?.correctionOpen ? (
            <p>{t("minutes.correctionOpen", { version: latest ?? "" })}</p>
          ) : null}
          <ConfirmAction
            id="close"
            intent="close"
            look="secondary"
            label={t(status?.correctionOpen ? "minutes.closeCorrection" : "minutes.close")}
            question={t("confirm.closeMeeting.question")}
            consequence={t("confirm.closeMeeting.consequence")}
            confirmLabel={t("confirm.closeMeeting.yes")}
            headingLevel={3}
          />
        </section>
      ) : null}
      {versions.length > 0 ? <VersionList versions={versions} /> : null}
      {pdfHref && selected ? (
        <p className="no-print">
          <a href={pdfHref} download>
            {t("minutes.pdf", { version: selected.version })}
          </a>
        </p>
      ) : null}
      {selected ? (
        <MinutesView
          minutes={selected.rendered}
          version={selected.version}
          reviews={selected.reviews}
          lockedAt={selected.lockedAt}
          unreviewedReason={selected.unreviewedReason}
        />
      ) : null}
      {manage && selected && showsLatest && !selected.lockedAt ? (
        <>
          <section className="panel no-print" aria-labelledby="review-title">
            <h2 id="review-title">{t("minutes.reviewTitle")}</h2>
            <p id="review-intro">{t("minutes.reviewIntro")}</p>
            <Form method="post" aria-describedby="review-intro">
              <input type="hidden" name="intent" value="review" />
              <input type="hidden" name="version" value={selected.version} />
              <fieldset id="field-answer">
                <legend>{t("minutes.reviewAnswer")}</legend>
                <label>
                  <input
                    type="radio"
                    name="answer"
                    value="approve"
                    defaultChecked={values.answer !== "comment"}
                  />{" "}
                  {t("minutes.reviewApprove")}
                </label>
                <label>
                  <input
                    type="radio"
                    name="answer"
                    value="comment"
                    defaultChecked={values.answer === "comment"}
                  />{" "}
                  {t("minutes.reviewComment")}
                </label>
              </fieldset>
              <div className="field">
                <label htmlFor="field-comment">{t("minutes.reviewText")}</label>
                <textarea
                  id="field-comment"
                  name="comment"
                  rows={5}
                  defaultValue={values.comment ?? ""}
                  aria-invalid={errors?.comment ? true : undefined}
                  aria-describedby={errors?.comment ? "field-comment-error" : undefined}
                />
                {error("comment")}
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" id="field-inMeeting" name="inMeeting" value="yes" />{" "}
                  {t("minutes.reviewInMeeting")}
                </label>
                {error("inMeeting")}
              </div>
              <p className="actions">
                <button type="submit" className="ds-button" data-variant="primary">
                  {t("minutes.reviewSave")}
                </button>
              </p>
            </Form>
          </section>
          <section className="panel no-print" aria-labelledby="lock-title">
            <h2 id="lock-title">{t("minutes.lockTitle")}</h2>
            {selected.reviews.length > 0 ? (
              <ConfirmAction
                id="lock"
                intent="lock"
                fields={{ version: String(selected.version) }}
                label={t("minutes.lock", { version: selected.version })}
                question={t("confirm.lockMinutes.question")}
                consequence={t("confirm.lockMinutes.consequence")}
                confirmLabel={t("confirm.lockMinutes.yes")}
                headingLevel={3}
              />
            ) : (
              <Form method="post">
                <p id="lock-intro">{t("minutes.unreviewedIntro")}</p>
                <p>{t("confirm.lockMinutes.consequence")}</p>
                <input type="hidden" name="intent" value="lock" />
                <input type="hidden" name="version" value={selected.version} />
                <div className="field">
                  <label htmlFor="field-reason">{t("minutes.unreviewedReason")}</label>
                  <textarea
                    id="field-reason"
                    name="reason"
                    rows={3}
                    required
                    defaultValue={values.reason ?? ""}
                    aria-invalid={errors?.reason ? true : undefined}
                    aria-describedby={errors?.reason ? "field-reason-error" : undefined}
                  />
                  {error("reason")}
                </div>
                <div className="field">
                  <label>
                    <input
                      type="checkbox"
                      id="field-understood"
                      name="understood"
                      value="yes"
                      required
                    />{" "}
                    {t("minutes.understandLock")}
                  </label>
                  {error("understood")}
                </div>
                <p className="actions">
                  <button
                    type="submit"
                    className="ds-button"
                    data-variant="primary"
                    data-color="danger"
                  >
                    {t("minutes.lockUnreviewed")}
                  </button>
                </p>
              </Form>
            )}
          </section>
        </>
      ) : null}
      {manage && status?.locked && !status.correctionOpen && !cancelled ? (
        <section className="panel no-print" aria-labelledby="correct-title">
          <h2 id="correct-title">{t("minutes.correctionTitle")}</h2>
          <p>{t("minutes.correctionIntro")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="correct" />
            <div className="field">
              <label htmlFor="field-reason">{t("minutes.correctionReason")}</label>
              <textarea
                id="field-reason"
                name="reason"
                rows={3}
                required
                defaultValue={values.reason ?? ""}
                aria-invalid={errors?.reason ? true : undefined}
                aria-describedby={errors?.reason ? "field-reason-error" : undefined}
              />
              {error("reason")}
            </div>
            <p className="actions">
              <button type="submit" className="ds-button" data-variant="primary">
                {t("minutes.openCorrection")}
              </button>
            </p>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
