import { Form, useActionData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ErrorSummary, Field, type FieldErrors } from "../../components/forms";
import { SubmitButton } from "../../components/submit-button";
import { formatDate, formatDateTime, useLocale, useT } from "../../i18n";

/*
 * The leaders' form for the plan's next revision date on the plan page (plan-revision.server.ts
 * saves it). A plain form: it works without JavaScript, and the page's data (and the live
 * plan's overview) show the new date once saved. When the date would change follow-up meetings
 * made "until the revision", the server asks first, and the form shows the question in its
 * place: the meetings that would be cancelled or added, "move the meetings too" (a danger
 * button when meetings would be cancelled), "move only the date", and a way back.
 */

type RevisionResult =
  | { ok: true; notice: "plan.revisionSaved"; cancelled: number; added: number }
  | { ok: false; errors: FieldErrors }
  | { ok: false; confirm: { revisionOn: string; cancel: string[]; add: string[] } }
  | undefined;

/** The form, with the current date `revisionOn` (yyyy-mm-dd or null) filled in. */
export function RevisionDateForm({ revisionOn }: { revisionOn: string | null }) {
  const t = useT();
  const result = useActionData() as RevisionResult;
  if (result && !result.ok && "confirm" in result)
    return <RevisionQuestion question={result.confirm} />;
  const errors = result && !result.ok && "errors" in result ? result.errors : undefined;
  const moved = result?.ok && result.cancelled + result.added > 0 ? result : null;
  return (
    <Form
      method="post"
      className="panel no-print plan-revision"
      aria-labelledby="plan-revision-title"
    >
      <h2 id="plan-revision-title">{t("network.planRevision")}</h2>
      <p className="muted">{t("plan.revisionFormHint")}</p>
      {result?.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
          {moved
            ? ` ${t("plan.revisionSeriesMoved", { cancelled: moved.cancelled, added: moved.added })}`
            : null}
        </p>
      ) : null}
      <ErrorSummary errors={errors} labels={{ planRevisionOn: t("network.planRevision") }} />
      <Field
        key={revisionOn ?? ""}
        name="planRevisionOn"
        type="date"
        label={t("plan.revisionOn")}
        defaultValue={revisionOn ?? ""}
        errors={errors}
      />
      <SubmitButton name="intent" value="revision">
        {t("plan.revisionSave")}
      </SubmitButton>
    </Form>
  );
}

/** The question before the date moves meetings; its heading takes focus when it appears. */
function RevisionQuestion({
  question,
}: {
  question: { revisionOn: string; cancel: string[]; add: string[] };
}) {
  const t = useT();
  const locale = useLocale();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [question]);
  const list = (starts: string[]) => (
    <ul>
      {starts.map((start) => (
        <li key={start}>{formatDateTime(locale, start)}</li>
      ))}
    </ul>
  );
  return (
    <section
      className="panel no-print plan-revision"
      aria-labelledby="plan-revision-question"
      id="plan-revision-question-panel"
    >
      <h2 id="plan-revision-question" tabIndex={-1} ref={heading}>
        {t("plan.revisionQuestion")}
      </h2>
      <p>{t("plan.revisionNewDate", { date: formatDate(locale, question.revisionOn) })}</p>
      {question.cancel.length > 0 ? (
        <>
          <p>{t("plan.revisionWouldCancel")}</p>
          {list(question.cancel)}
        </>
      ) : null}
      {question.add.length > 0 ? (
        <>
          <p>{t("plan.revisionWouldAdd")}</p>
          {list(question.add)}
        </>
      ) : null}
      <Form method="post" className="actions">
        <input type="hidden" name="intent" value="revision" />
        <input type="hidden" name="planRevisionOn" value={question.revisionOn} />
        <button
          type="submit"
          name="series"
          value="move"
          className="ds-button"
          data-variant="primary"
          {...(question.cancel.length > 0 ? { "data-color": "danger" } : {})}
        >
          {t(question.cancel.length > 0 ? "plan.revisionMoveCancel" : "plan.revisionMove")}
        </button>
        <button
          type="submit"
          name="series"
          value="keep"
          className="ds-button"
          data-variant="secondary"
        >
          {t("plan.revisionKeep")}
        </button>
        <a href="?" className="confirm-back">
          {t("confirm.back")}
        </a>
      </Form>
    </section>
  );
}
