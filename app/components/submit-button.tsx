import { useFetchers, useMatches, useNavigation } from "@remix-run/react";
import { useEffect, useRef, type ButtonHTMLAttributes, type MouseEvent } from "react";
import { useT } from "../i18n";

/*
 * The submit button of a form that creates something, and the form's one-time token (issue 10,
 * item 6; docs/decisions/012-one-submission-one-result.md). The server makes a repeated post
 * harmless (app/features/forms/once.server.ts); the button makes it unlikely: while its form's
 * submission is on its way it says "Lagrer …", is aria-disabled and aria-busy, and ignores
 * clicks (and Enter in a field, which clicks it). It stays focusable, so a screen reader user
 * is not thrown to the top of the page, and a polite live region announces the progress.
 */

/** The name of the hidden field that carries a form's one-time token. */
export const FORM_TOKEN_FIELD = "formToken";

/** The page's one-time form token: `formToken` of the deepest route's loader data that has one. */
export function useFormToken(): string | undefined {
  const matches = useMatches();
  for (let i = matches.length - 1; i >= 0; i--) {
    const data = matches[i]!.data as { formToken?: unknown } | undefined;
    if (data && typeof data.formToken === "string") return data.formToken;
  }
  return undefined;
}

/** The hidden token field for a form that creates something (the page's token by default). */
export function FormTokenField({ token }: { token?: string }) {
  const pageToken = useFormToken();
  const value = token ?? pageToken;
  return value ? <input type="hidden" name={FORM_TOKEN_FIELD} value={value} /> : null;
}

interface Submission {
  state: string;
  formData?: FormData;
  formAction?: string;
}

/** Whether `submission` was posted from this button's form (its hidden fields and this button). */
function isFromForm(button: HTMLButtonElement | null, submission: Submission): boolean {
  const form = button?.form;
  const sent = submission.formData;
  if (!button || !form || !sent || submission.state === "idle") return false;
  if (submission.formAction) {
    const target = new URL(submission.formAction, window.location.href);
    if (target.pathname !== new URL(form.action, window.location.href).pathname) return false;
  }
  if (button.name && sent.get(button.name) !== button.value) return false;
  for (const input of form.querySelectorAll<HTMLInputElement>("input[type=hidden][name]")) {
    if (sent.get(input.name) !== input.value) return false;
  }
  return true;
}

export interface SubmitButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  /** What the button says while saving; "Lagrer …" / "Saving …" by default. */
  pendingLabel?: string;
}

/**
 * `<button type="submit">` that shows progress while Remix submits its form (a navigation or a
 * fetcher) and cannot be pressed again meanwhile. It is Designsystemet's primary button unless
 * `className` or `data-variant` say otherwise; every other prop goes to the button as given.
 */
export function SubmitButton({ children, pendingLabel, onClick, ...props }: SubmitButtonProps) {
  const t = useT();
  const button = useRef<HTMLButtonElement>(null);
  const navigation = useNavigation();
  const fetchers = useFetchers();
  // Read at render: the button exists from the first render after hydration, and every change
  // of a submission's state renders again.
  const busy = [navigation, ...fetchers].some((s) => isFromForm(button.current, s));
  const label = pendingLabel ?? t("form.saving");
  // `busy` is React state and lags a click by a render: a double-click's second click can come
  // before it. `pressed` is set at once and cleared when the submission has come and gone.
  const pressed = useRef(false);
  const wasBusy = useRef(false);
  useEffect(() => {
    if (busy) wasBusy.current = true;
    else if (wasBusy.current) wasBusy.current = pressed.current = false;
  }, [busy]);
  const click = (event: MouseEvent<HTMLButtonElement>) => {
    if (busy || pressed.current) {
      event.preventDefault();
      return;
    }
    onClick?.(event);
    const form = event.currentTarget.form;
    // A form the browser refuses to send (its own validation) is never submitted.
    if (event.defaultPrevented || (form && !form.noValidate && !form.checkValidity())) return;
    pressed.current = true;
  };
  return (
    <>
      <button
        type="submit"
        // Designsystemet's primary button unless the caller says otherwise.
        className="ds-button"
        data-variant="primary"
        {...props}
        ref={button}
        onClick={click}
        aria-disabled={busy ? true : props["aria-disabled"]}
        aria-busy={busy ? true : undefined}
      >
        {busy ? label : children}
      </button>
      <span className="ds-sr-only" aria-live="polite">
        {busy ? label : ""}
      </span>
    </>
  );
}
