import { useEffect, useState } from "react";

/**
 * Copies a text (a link shown on the page) to the clipboard. Rendered only once scripts run:
 * without JavaScript the text itself stays on the page to select and copy.
 */
export function CopyButton({
  text,
  label,
  done,
}: {
  text: string;
  /** The button's text, and what it says once the text is copied. */
  label: string;
  done: string;
}) {
  const [ready, setReady] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setReady(typeof navigator !== "undefined" && !!navigator.clipboard), []);
  useEffect(() => setCopied(false), [text]);
  if (!ready) return null;
  return (
    <button
      type="button"
      className="ds-button"
      data-variant="secondary"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? done : label}
    </button>
  );
}
