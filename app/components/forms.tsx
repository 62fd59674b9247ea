import { useEffect, useRef, type InputHTMLAttributes, type MouseEvent } from "react";
import { formatDate, useLocale, useT } from "../i18n";
import { unpackMessage } from "../utils/validation";

export type FieldErrors = Record<string, string[]> | undefined;

/** The id of a form control for a field name: the error summary links to it. */
export const fieldId = (name: string) => `field-${name}`;

/**
 * Renders a packed validation message (utils/validation.ts) in the page's language. A value
 * that is a calendar date (yyyy-mm-dd) is shown as formatDate shows every date.
 */
export function useFieldMessage() {
  const t = useT();
  const locale = useLocale();
  return (packed: string) => {
    const { key, values } = unpackMessage(packed);
    const shown = values
      ? Object.fromEntries(
          Object.entries(values).map(([name, value]) => [
            name,
            typeof value === "string" && ISO_DATE.test(value) ? formatDate(locale, value) : value,
          ]),
        )
      : values;
    return t(key, shown);
  };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  errors?: FieldErrors;
}

/**
 * A labelled input whose errors are tied to it with aria-describedby and aria-invalid. `id`
 * defaults to fieldId(name); give one when several forms on a page share a field name.
 */
export function Field({ name, label, errors, id = fieldId(name), ...input }: FieldProps) {
  const errorId = `${id}-error`;
  const fieldErrors = errors?.[name];
  const render = useFieldMessage();
  // Designsystemet's field: every input type gets the same height and look from .ds-input.
  return (
    <div className="ds-field">
      <label className="ds-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={fieldErrors ? true : undefined}
        aria-describedby={fieldErrors ? errorId : undefined}
        {...input}
        className="ds-input"
      />
      {fieldErrors ? <FieldMessage id={errorId} messages={fieldErrors.map(render)} /> : null}
    </div>
  );
}

/** A field's validation message (Designsystemet's, with its icon), tied to the field by id. */
export function FieldMessage({ id, messages }: { id: string; messages: string[] }) {
  return (
    <p id={id} className="ds-validation-message" data-field="validation">
      {messages.join(" ")}
    </p>
  );
}

/**
 * Lists every error at the top of a form and takes focus, so keyboard and screen-reader users
 * land on it after a failed submit. Errors of named fields link to the field.
 */
export function ErrorSummary({
  errors,
  labels = {},
}: {
  errors: FieldErrors;
  labels?: Record<string, string>;
}) {
  const t = useT();
  const render = useFieldMessage();
  const box = useRef<HTMLDivElement>(null);
  const hasErrors = !!errors && Object.keys(errors).length > 0;
  useEffect(() => {
    if (hasErrors) box.current?.focus();
  }, [errors, hasErrors]);
  if (!hasErrors) return null;
  return (
    <div className="ds-error-summary" role="alert" tabIndex={-1} ref={box}>
      <h2 className="ds-heading" data-size="2xs">
        {t("form.errorSummary")}
      </h2>
      <ul className="ds-list">
        {Object.entries(errors).flatMap(([field, messages]) =>
          messages.map((packed, index) => (
            <li key={`${field}-${index}`}>
              {labels[field] ? (
                <a href={`#${fieldId(field)}`} onClick={focusField}>
                  {labels[field]}: {render(packed)}
                </a>
              ) : (
                render(packed)
              )}
            </li>
          )),
        )}
      </ul>
    </div>
  );
}

/*
 * An error summary's link moves focus to its field, as in GOV.UK's and Designsystemet's error
 * summaries. Without JavaScript it is an ordinary #fragment link; with it, the URL is left as
 * it is: a hash change is a navigation for the router, which would clear the action's data
 * and with it the errors shown.
 */
function focusField(event: MouseEvent<HTMLAnchorElement>) {
  const target = document.getElementById(event.currentTarget.hash.slice(1));
  if (!target) return;
  event.preventDefault();
  target.focus();
  target.scrollIntoView({ block: "center" });
}

interface Option {
  value: string;
  label: string;
}

/** A labelled select; its errors are tied to it like a Field's. */
export function SelectField({
  name,
  label,
  options,
  defaultValue,
  emptyLabel,
  errors,
  id = fieldId(name),
}: {
  name: string;
  label: string;
  options: Option[];
  defaultValue?: string;
  /** A first option meaning "none", with the value "". */
  emptyLabel?: string;
  errors?: FieldErrors;
  id?: string;
}) {
  const render = useFieldMessage();
  const fieldErrors = errors?.[name];
  const errorId = `${id}-error`;
  return (
    <div className="ds-field">
      <label className="ds-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        className="ds-input"
        defaultValue={defaultValue}
        aria-invalid={fieldErrors ? true : undefined}
        aria-describedby={fieldErrors ? errorId : undefined}
      >
        {emptyLabel !== undefined ? <option value="">{emptyLabel}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {fieldErrors ? <FieldMessage id={errorId} messages={fieldErrors.map(render)} /> : null}
    </div>
  );
}

/** A fieldset of checkboxes sharing one name (several values may be sent). */
export function CheckboxGroup({
  name,
  legend,
  options,
  checked = [],
  hint,
  id,
}: {
  name: string;
  legend: string;
  options: Option[];
  checked?: readonly string[];
  hint?: string;
  id?: string;
}) {
  const base = id ?? name;
  const hintId = hint ? `${base}-hint` : undefined;
  return (
    <fieldset id={id} aria-describedby={hintId} className="ds-fieldset">
      <legend className="ds-label">{legend}</legend>
      {hint ? (
        <p data-field="description" id={hintId}>
          {hint}
        </p>
      ) : null}
      {options.map((option) => (
        <Checkbox
          key={option.value}
          id={`${base}-${option.value}`}
          name={name}
          value={option.value}
          label={option.label}
          defaultChecked={checked.includes(option.value)}
        />
      ))}
    </fieldset>
  );
}

/** One labelled checkbox or radio button in Designsystemet's field (the label beside it). */
export function Checkbox({
  label,
  id,
  type = "checkbox",
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  id: string;
  type?: "checkbox" | "radio";
}) {
  return (
    <div className="ds-field">
      <input {...input} id={id} type={type} className="ds-input" />
      <label className="ds-label" data-weight="regular" htmlFor={id}>
        {label}
      </label>
    </div>
  );
}
