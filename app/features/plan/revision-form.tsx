import { Form, useActionData } from "@remix-run/react";
import { ErrorSummary, Field, type FieldErrors } from "../../components/forms";
import { SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";

/*
 * The leaders' form for the plan's next revision date on the plan page (plan-revision.server.ts
 * saves it). A plain form: it works without JavaScript, and the page's data (and the live
 * plan's overview) show the new date once saved.
 */

type RevisionResult =
  { ok: true; notice: "plan.revisionSaved" } | { ok: false; errors: FieldErrors } | undefined;

/** The form, with the current date `revisionOn` (yyyy-mm-dd or null) filled in. */
export function RevisionDateForm({ revisionOn }: { revisionOn: string | null }) {
  const t = useT();
  const result = useActionData() as RevisionResult;
  const errors = result && !result.ok ? result.errors : undefined;
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
