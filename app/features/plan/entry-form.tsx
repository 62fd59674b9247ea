import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { useT } from "../../i18n";

/*
 * The one form that adds an entry to a list of the plan (a goal, an action, a crisis contact,
 * a contribution): a fieldset with a legend, the entry's fields, and one button. One field is
 * the entry's text and may not be empty (the live region says so and focus goes back to it);
 * after adding, the fields are emptied, the addition is announced and focus goes to that
 * field for the next one. Every field is a native labelled control.
 *
 * The form sits in a <details> whose summary names it ("Nytt mål: Bolig"), closed unless
 * `startOpen` (an empty list, where adding is what the reader came for): the plan page shows
 * its entries first instead of a form per list. Native <details> opens by keyboard too.
 */

export type EntryField<K extends string> =
  | {
      key: K;
      label: string;
      /** Shown after the label, e.g. who writes the words. */
      hint?: string;
      kind: "text" | "textarea";
      maxLength: number;
    }
  | { key: K; label: string; kind: "date" }
  | { key: K; label: string; kind: "select"; options: { value: string; label: string }[] };

/**
 * A form that collects `fields` (`required` may not be empty and is trimmed) and calls `onAdd` with every
 * field's value ("" for an empty one), then announces `added`.
 */
export function NewEntryForm<K extends string>(props: {
  className?: string;
  legend: string;
  fields: EntryField<K>[];
  /** The entry's text: may not be empty. */
  required: K;
  /** Starting values; also what the form goes back to after adding. */
  initial: Record<K, string>;
  submitLabel: string;
  primary?: boolean;
  /** Open the form at first (e.g. when the list is still empty); it stays as the user leaves it. */
  startOpen?: boolean;
  added: string;
  announce(text: string): void;
  onAdd(values: Record<K, string>): void;
}) {
  const t = useT();
  const [values, setValues] = useState(props.initial);
  // Follows `startOpen` (which changes when the document arrives) until the user opens or
  // closes it, or adds an entry: then it stays as they left it.
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? props.startOpen ?? false;
  const text = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const { required } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!values[required].trim()) {
      text.current?.focus();
      return props.announce(t("plan.textRequired"));
    }
    setChosen(true);
    props.onAdd({ ...values, [required]: values[required].trim() });
    setValues(props.initial);
    props.announce(props.added);
    text.current?.focus();
  };
  const set = (key: K, value: string) => setValues({ ...values, [key]: value });
  const control = (field: EntryField<K>): ReactNode => {
    const ref = field.key === required ? text : undefined;
    switch (field.kind) {
      case "textarea":
        return (
          <textarea
            ref={ref}
            className="ds-input"
            value={values[field.key]}
            maxLength={field.maxLength}
            onChange={(event) => set(field.key, event.currentTarget.value)}
          />
        );
      case "text":
        return (
          <input
            ref={ref}
            className="ds-input"
            type="text"
            value={values[field.key]}
            maxLength={field.maxLength}
            onChange={(event) => set(field.key, event.currentTarget.value)}
          />
        );
      case "date":
        return (
          <input
            className="ds-input"
            type="date"
            value={values[field.key]}
            onChange={(event) => set(field.key, event.currentTarget.value)}
          />
        );
      case "select":
        return (
          <select
            className="ds-input"
            value={values[field.key]}
            onChange={(event) => set(field.key, event.currentTarget.value)}
          >
            {field.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        );
    }
  };
  return (
    <details
      className="entry-add"
      open={open}
      onToggle={(event) => {
        if (event.currentTarget.open !== open) setChosen(event.currentTarget.open);
      }}
    >
      <summary>{props.legend}</summary>
      {/* Once someone is in the form it stays open while others change the list. */}
      <form
        className={props.className}
        onSubmit={submit}
        onFocusCapture={() => setChosen((c) => c ?? true)}
      >
        <fieldset>
          <legend className="ds-sr-only">{props.legend}</legend>
          {props.fields.map((field) => (
            <label key={field.key} className="ds-label agenda-field">
              {field.label}
              {"hint" in field && field.hint ? <span className="muted"> {field.hint}</span> : null}
              {control(field)}
            </label>
          ))}
          <button
            type="submit"
            className="ds-button"
            data-variant={props.primary ? "primary" : "secondary"}
          >
            {props.submitLabel}
          </button>
        </fieldset>
      </form>
    </details>
  );
}
