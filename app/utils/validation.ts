import type { MessageKey } from "../i18n/nb";

/*
 * Field messages, shared by server and browser: i18n keys (with values) packed into one
 * string, so the page shows them in the reader's language. The zod rules that produce them run
 * on the server only and live in validation.server.ts: this module must stay free of zod, or
 * every page with a form would load it (tests/platform/page-budget.test.ts).
 */
export type FieldMessage = { key: MessageKey; values?: Record<string, string | number> };

export const message = (key: MessageKey, values?: FieldMessage["values"]) =>
  JSON.stringify({ key, values } satisfies FieldMessage);

export function unpackMessage(packed: string): FieldMessage {
  try {
    const parsed = JSON.parse(packed) as FieldMessage;
    if (parsed && typeof parsed.key === "string") return parsed;
  } catch {
    // fall through
  }
  return { key: "error.badRequestTitle" };
}
