import { Form, Link } from "@remix-run/react";
import type { BridgeStatus } from "../../../db/bridge-enums";
import { bridgeCompanions, bridgeStatuses, BRIDGE_NOTE_MAX } from "../../../db/bridge-enums";
import {
  FieldMessage,
  SelectField,
  useFieldMessage,
  type FieldErrors,
} from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { formatDate, formatDateTime, useLocale, useT } from "../../i18n";

/*
 * The pieces of the bridge pages (issue 13): a bridge's status line, its steps, the form for
 * the next step, and the short lists on the person's page and in the plan.
 */

/** One step as the server sends it (bridges.server.ts BridgeEventView). */
export interface BridgeEventProps {
  id: string;
  status: BridgeStatus;
  happenedOn: string;
  visitOn: string | null;
  companion: string | null;
  note: string;
  by: string;
}

/** A bridge as the lists show it (bridges.server.ts BridgeSummary). */
export interface BridgeItem {
  id: string;
  offeringTitle: string;
  organisation: string;
  status: BridgeStatus;
  firstVisitOn: string | null;
  companion: string | null;
  stalled?: boolean;
}

/** The status of a bridge in words, with the first visit when one is agreed. */
export function BridgeStatusText({
  item,
}: {
  item: Pick<BridgeItem, "status" | "firstVisitOn" | "companion">;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      {t(`bridge.status.${item.status}`)}
      {item.firstVisitOn && (item.status === "visit_agreed" || item.status === "started")
        ? ` · ${t("bridge.firstVisit")} ${formatDate(locale, item.firstVisitOn)}`
        : ""}
      {item.companion && item.status === "visit_agreed"
        ? ` (${t(`bridge.companion.${item.companion as "alone"}`).toLowerCase()})`
        : ""}
    </>
  );
}

/** The steps of a bridge, oldest first: status, date, visit, note and who. */
export function BridgeHistory({ steps }: { steps: BridgeEventProps[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ol className="bridge-history">
      {steps.map((step) => (
        <li key={step.id}>
          <strong>{t(`bridge.status.${step.status}`)}</strong> {formatDate(locale, step.happenedOn)}
          {step.visitOn ? ` · ${t("bridge.firstVisit")} ${formatDate(locale, step.visitOn)}` : ""}
          {step.companion ? ` · ${t(`bridge.companion.${step.companion as "alone"}`)}` : ""}
          {step.by
            ? ` · ${t("bridge.by", { who: step.by === "contact" ? t("bridge.byContact") : step.by })}`
            : ""}
          {step.note ? <p className="bridge-note">{step.note}</p> : null}
        </li>
      ))}
    </ol>
  );
}

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

/** A list of bridges: offering, organisation, status, and the nudge when one has stalled. */
export function BridgeList({ items, links }: { items: BridgeItem[]; links: boolean }) {
  const t = useT();
  if (items.length === 0) return <p className="muted">{t("bridge.none")}</p>;
  return (
    <ul className="bridge-list">
      {items.map((item) => (
        <li key={item.id}>
          {links ? (
            <Link to={`/bridges/${item.id}`}>{item.offeringTitle}</Link>
          ) : (
            <strong>{item.offeringTitle}</strong>
          )}{" "}
          ({item.organisation}): <BridgeStatusText item={item} />
          {item.stalled ? (
            <>
              {" "}
              <span className="ds-tag" data-color="warning">
                {t("bridge.stalled")}
              </span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** When a consent or link was given, in the reader's language. */
export function useWhen() {
  const locale = useLocale();
  return (iso: string) => formatDateTime(locale, iso);
}
