import type { TextareaHTMLAttributes } from "react";
import { FieldMessage, fieldId, useFieldMessage, type FieldErrors } from "../../components/forms";

/**
 * A labelled textarea with an optional hint, its errors tied to it like components/forms'
 * Field (aria-describedby names the hint and the error, aria-invalid when there is one).
 */
export function TextAreaField({
  name,
  label,
  hint,
  errors,
  id = fieldId(name),
  ...textarea
}: TextareaHTMLAttributes<HTMLTextAreaElement> & {
  name: string;
  label: string;
  hint?: string;
  errors?: FieldErrors;
}) {
  const render = useFieldMessage();
  const fieldErrors = errors?.[name];
  const hintId = hint ? `${id}-hint` : null;
  const errorId = fieldErrors ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="ds-field">
      <label className="ds-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <p data-field="description" id={hintId!}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={3}
        aria-invalid={fieldErrors ? true : undefined}
        aria-describedby={describedBy}
        {...textarea}
        className="ds-input"
      />
      {fieldErrors ? <FieldMessage id={errorId!} messages={fieldErrors.map(render)} /> : null}
    </div>
  );
}

/** A labelled single-line input with a hint (components/forms' Field has none). */
export function HintedField({
  name,
  label,
  hint,
  errors,
  id = fieldId(name),
  ...input
}: React.InputHTMLAttributes<HTMLInputElement> & {
  name: string;
  label: string;
  hint: string;
  errors?: FieldErrors;
}) {
  const render = useFieldMessage();
  const fieldErrors = errors?.[name];
  const errorId = `${id}-error`;
  return (
    <div className="ds-field">
      <label className="ds-label" htmlFor={id}>
        {label}
      </label>
      <p data-field="description" id={`${id}-hint`}>
        {hint}
      </p>
      <input
        id={id}
        name={name}
        aria-invalid={fieldErrors ? true : undefined}
        aria-describedby={`${id}-hint${fieldErrors ? ` ${errorId}` : ""}`}
        {...input}
        className="ds-input"
      />
      {fieldErrors ? <FieldMessage id={errorId} messages={fieldErrors.map(render)} /> : null}
    </div>
  );
}
