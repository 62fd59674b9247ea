import { Form } from "@remix-run/react";
import { bridgeCompanions, bridgeStatuses, BRIDGE_NOTE_MAX } from "../../../db/bridge-enums";
import {
  FieldMessage,
  SelectField,
  useFieldMessage,
  type FieldErrors,
} from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { formatDateTime, useLocale, useT } from "../../i18n";

/*
 * The forms of the bridge pages (issue 13): the next step and the short note; the lists and
 * status lines are in bridge-list.tsx.
 */

/** The form that adds the next step (status, date, visit and companion, note), once per token. */
export function BridgeStepForm({
  today,
  errors,
  formKey,
}: {
  today: string;
  errors: FieldErrors;
  /** Changes after each saved step, so the form starts empty again. */
  formKey: string;
}) {
  const t = useT();
  const render = useFieldMessage();
  const noteErrors = errors?.note;
  return (
    <Form
      key={formKey}
      method="post"
      className="panel"
      aria-labelledby="bridge-step-title"
      noValidate
    >
      <h2 id="bridge-step-title">{t("bridge.nextStep")}</h2>
      <SelectField
        name="status"
        label={t("bridge.statusLabel")}
        emptyLabel=""
        options={bridgeStatuses
          .filter((s) => s !== "suggested")
          .map((s) => ({ value: s, label: t(`bridge.status.${s}`) }))}
        errors={errors}
      />
      <div className="ds-field">
        <label className="ds-label" htmlFor="field-happenedOn">
          {t("bridge.happenedOn")}
        </label>
        <input
          className="ds-input"
          id="field-happenedOn"
          name="happenedOn"
          type="date"
          defaultValue={today}
          max={today}
          aria-invalid={errors?.happenedOn ? true : undefined}
          aria-describedby={errors?.happenedOn ? "field-happenedOn-error" : undefined}
        />
        {errors?.happenedOn ? (
          <FieldMessage id="field-happenedOn-error" messages={errors.happenedOn.map(render)} />
        ) : null}
      </div>
      <div className="ds-field">
        <label className="ds-label" htmlFor="field-visitOn">
          {t("bridge.visitOn")}
        </label>
        <p className="ds-field-description" id="field-visitOn-hint">
          {t("bridge.visitHint")}
        </p>
        <input
          className="ds-input"
          id="field-visitOn"
          name="visitOn"
          type="date"
          aria-invalid={errors?.visitOn ? true : undefined}
          aria-describedby={
            errors?.visitOn ? "field-visitOn-hint field-visitOn-error" : "field-visitOn-hint"
          }
        />
        {errors?.visitOn ? (
          <FieldMessage id="field-visitOn-error" messages={errors.visitOn.map(render)} />
        ) : null}
      </div>
      <SelectField
        name="companion"
        label={t("bridge.companionLabel")}
        emptyLabel=""
        options={bridgeCompanions.map((c) => ({ value: c, label: t(`bridge.companion.${c}`) }))}
        errors={errors}
      />
      <NoteField errors={noteErrors ? noteErrors.map(render) : undefined} />
      <FormTokenField />
      <SubmitButton className="ds-button" data-variant="primary" name="intent" value="step">
        {t("bridge.addStep")}
      </SubmitButton>
    </Form>
  );
}

/** The short note of a step or proposal (at most BRIDGE_NOTE_MAX characters). */
export function NoteField({ errors }: { errors?: string[] }) {
  const t = useT();
  return (
    <div className="ds-field">
      <label className="ds-label" htmlFor="field-note">
        {t("bridge.note")}
      </label>
      <p className="ds-field-description" id="field-note-hint">
        {t("bridge.noteHint")}
      </p>
      <textarea
        className="ds-input"
        id="field-note"
        name="note"
        rows={3}
        maxLength={BRIDGE_NOTE_MAX}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? "field-note-hint field-note-error" : "field-note-hint"}
      />
      {errors ? <FieldMessage id="field-note-error" messages={errors} /> : null}
    </div>
  );
}

/** When a consent or link was given, in the reader's language. */
export function useWhen() {
  const locale = useLocale();
  return (iso: string) => formatDateTime(locale, iso);
}
