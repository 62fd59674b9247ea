import { useEffect, useRef, type InputHTMLAttributes, type MouseEvent } from "react";
import { useT } from "../i18n";
import { unpackMessage } from "../utils/validation";

export type FieldErrors = Record<string, string[]> | undefined;

/** The id of a form control for a field name: the error summary links to it. */
export const fieldId = (name: string) => `field-${name}`;

export function useFieldMessage() {
  const t = useT();
  return (packed: string) => {
    const { key, values } = unpackMessage(packed);
    return t(key, values);
  };
}

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
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={fieldErrors ? true : undefined}
        aria-describedby={fieldErrors ? errorId : undefined}
        {...input}
      />
      {fieldErrors ? (
        <p id={errorId} className="field-error">
          {fieldErrors.map(render).join(" ")}
        </p>
      ) : null}
    </div>
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
    <div className="error-summary" role="alert" tabIndex={-1} ref={box}>
      <p>{t("form.errorSummary")}</p>
      <ul>
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
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
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
      {fieldErrors ? (
        <p id={errorId} className="field-error">
          {fieldErrors.map(render).join(" ")}
        </p>
      ) : null}
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
  const hintId = hint ? `${id ?? name}-hint` : undefined;
  return (
    <fieldset id={id} aria-describedby={hintId}>
      <legend>{legend}</legend>
      {hint ? (
        <p className="muted" id={hintId}>
          {hint}
        </p>
      ) : null}
      {options.map((option) => (
        <label key={option.value} className="checkbox">
          <input
            type="checkbox"
            name={name}
            value={option.value}
            defaultChecked={checked.includes(option.value)}
          />{" "}
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
