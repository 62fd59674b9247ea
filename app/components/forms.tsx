import { useId, type InputHTMLAttributes } from "react";
import { useT } from "../i18n";
import { unpackMessage } from "../utils/validation";

export type FieldErrors = Record<string, string[]> | undefined;

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

/** A labelled input whose errors are tied to it with aria-describedby and aria-invalid. */
export function Field({ name, label, errors, ...input }: FieldProps) {
  const id = useId();
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

/** Lists every error at the top of a form, announced to screen readers. */
export function ErrorSummary({ errors }: { errors: FieldErrors }) {
  const t = useT();
  const render = useFieldMessage();
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div className="error-summary" role="alert">
      <p>{t("form.errorSummary")}</p>
      <ul>
        {Object.entries(errors).flatMap(([field, messages]) =>
          messages.map((packed, index) => <li key={`${field}-${index}`}>{render(packed)}</li>),
        )}
      </ul>
    </div>
  );
}
