import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary } from "../components/forms";
import { reviewThroughLink } from "../features/minutes/minutes-actions.server";
import { readForm } from "../utils/forms.server";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { MinutesView, VersionList } from "../features/minutes/minutes-view";
import { minutesForLink, versionParam } from "../features/minutes/read.server";
import { formatDateTime, useT } from "../i18n";
import { dataTitle } from "../utils/meta";

/** The locked minutes of one meeting through a personal link, with consent for "minutes". */
export const meta: MetaFunction<typeof loader> = (args) => [
  ...dataTitle(args, (loaded, t, locale) =>
    loaded.found
      ? t("title.minutesLink", { when: formatDateTime(locale, loaded.found.startsAt) })
      : t("invitation.title"),
  ),
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const found = await minutesForLink(token, context.clientIp, {
    version: versionParam(new URL(request.url)),
    purpose: "view",
  });
  if (!found) return data({ found: null }, { status: 404 });
  const base = `/i/${token}/minutes`;
  const minutes = found.minutes;
  const newest = Math.max(0, ...(minutes?.versions ?? []).map((v) => v.version));
  const selected = minutes?.selected;
  return {
    found: {
      /** The person answers the newest version while it is not locked (isPersonOf). */
      mayReview:
        found.invitation.isPerson &&
        !!selected &&
        selected.version === newest &&
        !selected.lockedAt,
      startsAt: found.meeting.startsAt.toISOString(),
      invitationHref: `/i/${token}`,
      versions: (minutes?.versions ?? []).map((v) => ({
        ...v,
        href: `${base}?version=${v.version}`,
        current: v.version === minutes?.selected.version,
      })),
      selected: minutes?.selected ?? null,
      pdfHref: minutes ? `${base}/pdf?version=${minutes.selected.version}` : null,
    },
  };
}

/** The person's review through their own link (minutes-actions.server.ts reviewThroughLink). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  return reviewThroughLink(params.token ?? "", context, await readForm(request));
}

export default function InvitationMinutesPage() {
  const { found } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  if (!found) {
    return (
      <section className="panel narrow" aria-labelledby="minutes-title">
        <h1 id="minutes-title">{t("minutes.title")}</h1>
        <p>{t("invitation.invalid")}</p>
      </section>
    );
  }
  const { selected } = found;
  return (
    <>
      <h1>{t("minutes.title")}</h1>
      <p className="no-print">
        <a href={found.invitationHref}>{t("invitation.title")}</a>
      </p>
      {!selected ? <p>{t("minutes.noneForReader")}</p> : null}
      {found.versions.length > 0 ? <VersionList versions={found.versions} /> : null}
      {found.pdfHref && selected ? (
        <p className="no-print">
          <a href={found.pdfHref} download>
            {t("minutes.pdf", { version: selected.version })}
          </a>
        </p>
      ) : null}
      {result && result.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary errors={result && !result.ok ? result.errors : undefined} />
      {found.mayReview && selected && !(result && result.ok) ? (
        <section className="panel no-print" aria-labelledby="review-title">
          <h2 id="review-title">{t("minutes.personReviewTitle")}</h2>
          <p id="review-intro">{t("minutes.personReviewIntro")}</p>
          <Form method="post" aria-describedby="review-intro">
            <input type="hidden" name="version" value={selected.version} />
            <fieldset className="ds-fieldset" id="field-answer">
              <legend>{t("minutes.reviewAnswer")}</legend>
              <div className="ds-field">
                <input
                  className="ds-input"
                  type="radio"
                  id="answer-approve"
                  name="answer"
                  value="approve"
                  defaultChecked
                />
                <label className="ds-label" data-weight="regular" htmlFor="answer-approve">
                  {t("minutes.reviewApprove")}
                </label>
              </div>
              <div className="ds-field">
                <input
                  className="ds-input"
                  type="radio"
                  id="answer-comment"
                  name="answer"
                  value="comment"
                />
                <label className="ds-label" data-weight="regular" htmlFor="answer-comment">
                  {t("minutes.reviewComment")}
                </label>
              </div>
            </fieldset>
            <div className="ds-field">
              <label className="ds-label" htmlFor="field-comment">
                {t("minutes.reviewText")}
              </label>
              <textarea className="ds-input" id="field-comment" name="comment" rows={5} />
            </div>
            <p className="actions">
              <button type="submit" className="ds-button" data-variant="primary">
                {t("minutes.reviewSave")}
              </button>
            </p>
          </Form>
        </section>
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
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
