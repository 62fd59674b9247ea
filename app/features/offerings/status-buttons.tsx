import { Form } from "@remix-run/react";
import { ConfirmAction } from "../../components/confirm";
import { SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";

/**
 * "Still correct", pause, retire and make active again for one offering. Pause and retire ask
 * first (ConfirmAction: a dialog with JavaScript, the question on the page without); `fields`
 * carries the offering's id where one page acts on several (the stale list).
 */
export function StatusButtons({
  offering,
  fields = {},
  headingLevel = 2,
}: {
  offering: { id: string; title: string; status: "active" | "paused" | "retired" };
  fields?: Record<string, string>;
  headingLevel?: 2 | 3;
}) {
  const t = useT();
  const hidden = Object.entries(fields).map(([name, value]) => (
    <input key={name} type="hidden" name={name} value={value} />
  ));
  return (
    <div className="actions">
      {offering.status !== "retired" ? (
        <Form method="post" className="inline-form">
          {hidden}
          <SubmitButton name="intent" value="verify" data-variant="secondary">
            {t("offering.verify")}
            <span className="ds-sr-only"> {offering.title}</span>
          </SubmitButton>
        </Form>
      ) : null}
      {offering.status !== "active" ? (
        <Form method="post" className="inline-form">
          {hidden}
          <SubmitButton name="intent" value="activate" data-variant="secondary">
            {t("offering.activate")}
            <span className="ds-sr-only"> {offering.title}</span>
          </SubmitButton>
        </Form>
      ) : null}
      {offering.status === "active" ? (
        <ConfirmAction
          id={`pause-${offering.id}`}
          intent="pause"
          fields={fields}
          label={t("offering.pause")}
          labelDetail={offering.title}
          look="secondary"
          question={t("offering.pauseQuestion", { title: offering.title })}
          consequence={t("offering.pauseConsequence")}
          confirmLabel={t("offering.pauseYes")}
          headingLevel={headingLevel}
        />
      ) : null}
      {offering.status !== "retired" ? (
        <ConfirmAction
          id={`retire-${offering.id}`}
          intent="retire"
          fields={fields}
          label={t("offering.retire")}
          labelDetail={offering.title}
          look="danger"
          question={t("offering.retireQuestion", { title: offering.title })}
          consequence={t("offering.retireConsequence")}
          confirmLabel={t("offering.retireYes")}
          headingLevel={headingLevel}
        />
      ) : null}
    </div>
  );
}
