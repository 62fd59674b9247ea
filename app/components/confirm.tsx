import { Form, useFormAction, useLocation, useSearchParams } from "@remix-run/react";
import {
  useEffect,
  useRef,
  useState,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { useT } from "../i18n";

/**
 * A destructive action that asks first (issue 10): cancelling a meeting, removing a member,
 * withdrawing a consent, deactivating a user, a new link that ends the old one, … The button
 * on the page only asks; the question's own danger button posts the intent.
 *
 * - Without JavaScript (and before hydration) the button is a GET form to `?confirm=<id>`: the
 *   page comes back with the question in place of the button (ConfirmPanel), focused, with the
 *   danger button and a "go back" link to the page as it was (and to the button).
 * - With JavaScript the button opens the same question in a modal <dialog>, focus on "go back";
 *   Escape or "go back" closes it and focus returns to the button.
 *
 * The server still takes the intent itself: the question is for people, the permission checks
 * of the action stay where they are.
 */

/** The search parameter that names the action whose question the page shows. */
export const CONFIRM_PARAM = "confirm";

/** Designsystemet's button variants for each look of the asking button. */
const TRIGGER_LOOK = {
  danger: { "data-variant": "primary", "data-color": "danger" },
  secondary: { "data-variant": "secondary" },
  link: { "data-variant": "tertiary" },
  "danger-link": { "data-variant": "tertiary", "data-color": "danger" },
} as const;

export interface ConfirmActionProps {
  /** The action on this page, unique there ("cancel", "remove-member-<id>"): the ?confirm value. */
  id: string;
  /** The intent the confirmed form posts, with these hidden fields. */
  intent: string;
  fields?: Record<string, string>;
  /** The text of the button that asks, and a visually hidden addition naming what it acts on. */
  label: string;
  labelDetail?: string;
  /** How that button looks: a danger button (default), secondary, a link or a red link. */
  look?: keyof typeof TRIGGER_LOOK;
  /** The question (a heading), what will happen (calm, concrete), and the button that does it. */
  question: string;
  consequence: string;
  confirmLabel: string;
  /** The question's heading level on the page (the dialog's is always h2). */
  headingLevel?: 2 | 3 | 4 | 5;
}

export function ConfirmAction(props: ConfirmActionProps) {
  const { id, label, labelDetail, look = "danger" } = props;
  const [params] = useSearchParams();
  // The dialog is made the first time it is needed, then kept (closed) for the next time.
  const [asked, setAsked] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  if (params.get(CONFIRM_PARAM) === id) return <ConfirmPanel {...props} />;
  const ask = (event: MouseEvent<HTMLButtonElement>) => {
    event.preventDefault();
    if (dialog.current) showDialog(dialog.current);
    else setAsked(true);
  };
  return (
    <>
      {/* Plain GET form: it only shows the question, and must work before hydration. */}
      <form method="get" action={`#${panelId(id)}`} className="confirm-trigger">
        <button
          ref={trigger}
          id={triggerId(id)}
          type="submit"
          name={CONFIRM_PARAM}
          value={id}
          className="ds-button"
          {...TRIGGER_LOOK[look]}
          onClick={ask}
        >
          {label}
          {labelDetail ? <span className="ds-sr-only"> {labelDetail}</span> : null}
        </button>
      </form>
      {asked ? (
        <ConfirmDialog {...props} dialogRef={dialog} onClose={() => trigger.current?.focus()} />
      ) : null}
    </>
  );
}

/** Opens the dialog as a modal, with focus on "go back" (the choice that changes nothing). */
function showDialog(dialog: HTMLDialogElement) {
  if (!dialog.open) dialog.showModal();
  dialog.querySelector<HTMLElement>(".confirm-back")?.focus();
}

const panelId = (id: string) => `confirm-${id}`;
const triggerId = (id: string) => `ask-${id}`;

/** The page's own URL without the question: where the confirmed form posts and "go back" goes. */
function withoutQuestion(url: string): string {
  const [path, query = ""] = url.split("?", 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.delete(CONFIRM_PARAM);
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}

/** The question, what happens, and a form posting the intent with a danger button. */
function ConfirmForm({
  intent,
  fields = {},
  confirmLabel,
  onSubmit,
  children,
}: Pick<ConfirmActionProps, "intent" | "fields" | "confirmLabel"> & {
  onSubmit?: () => void;
  children: ReactNode;
}) {
  const action = withoutQuestion(useFormAction());
  return (
    <Form method="post" action={action} className="actions" onSubmit={onSubmit}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        name="intent"
        value={intent}
        className="ds-button"
        data-variant="primary"
        data-color="danger"
      >
        {confirmLabel}
      </button>
      {children}
    </Form>
  );
}

const formProps = ({ intent, fields, confirmLabel }: ConfirmActionProps) => ({
  intent,
  fields,
  confirmLabel,
});

/** The question on the page, rendered by the server for ?confirm=<id> (works without JS). */
function ConfirmPanel(props: ConfirmActionProps) {
  const { id, question, consequence, headingLevel = 2 } = props;
  const t = useT();
  const location = useLocation();
  const back = withoutQuestion(location.pathname + location.search);
  const Heading = `h${headingLevel}` as const;
  return (
    <section
      id={panelId(id)}
      className="ds-alert confirm-panel"
      data-color="warning"
      aria-labelledby={`${panelId(id)}-question`}
      aria-describedby={`${panelId(id)}-consequence`}
      tabIndex={-1}
      // The page loads with the question focused (no script needed): a screen reader reads
      // the question and what will happen, and Tab reaches the two choices.
      // eslint-disable-next-line jsx-a11y/no-autofocus
      autoFocus
    >
      <Heading id={`${panelId(id)}-question`}>{question}</Heading>
      <p id={`${panelId(id)}-consequence`}>{consequence}</p>
      <ConfirmForm {...formProps(props)}>
        <a href={`${back}#${triggerId(id)}`} className="ds-button" data-variant="secondary">
          {t("confirm.back")}
        </a>
      </ConfirmForm>
    </section>
  );
}

/** The same question in a modal dialog (with JavaScript); focus starts on "go back". */
function ConfirmDialog(
  props: ConfirmActionProps & {
    dialogRef: RefObject<HTMLDialogElement>;
    onClose: () => void;
  },
) {
  const { id, question, consequence, dialogRef, onClose } = props;
  const t = useT();
  useEffect(() => {
    if (dialogRef.current) showDialog(dialogRef.current);
  }, [dialogRef]);
  // Escape closes it too (the browser's own); every way out returns focus to the button.
  const close = () => dialogRef.current?.close();
  return (
    <dialog
      ref={dialogRef}
      className="ds-dialog confirm-dialog"
      aria-labelledby={`${panelId(id)}-dialog-question`}
      aria-describedby={`${panelId(id)}-dialog-consequence`}
      onClose={onClose}
    >
      <h2 id={`${panelId(id)}-dialog-question`}>{question}</h2>
      <p id={`${panelId(id)}-dialog-consequence`}>{consequence}</p>
      <ConfirmForm {...formProps(props)} onSubmit={close}>
        <button
          type="button"
          className="ds-button confirm-back"
          data-variant="secondary"
          onClick={close}
        >
          {t("confirm.back")}
        </button>
      </ConfirmForm>
    </dialog>
  );
}
