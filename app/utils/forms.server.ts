import { data } from "@remix-run/node";
import type { z } from "zod";
import { message } from "./validation";

export type FieldErrors = Record<string, string[]>;

/**
 * Reads a form body; a body that cannot be parsed is the sender's fault: 400, not 500. The body
 * has been read and measured by the server before any route runs (server/request-body.ts:
 * at most 1 MiB, 1,000 fields and 128 KiB a field), so parsing it here is always cheap.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response("Skjemaet kunne ikke leses. / The form could not be read.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

/** Single-valued fields as a plain object; a field sent as a file counts as missing. */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === "string" && !(name in fields)) fields[name] = value;
  }
  return fields;
}

/**
 * The text a person typed, to fill the form again after a refusal (a form posted without
 * JavaScript is rendered anew by the server). Long values are cut: the field error says why.
 */
export function submittedText(form: FormData, max = 500): Record<string, string> {
  const fields = formFields(form);
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([name]) => name !== "intent")
      .map(([name, value]) => [name, value.slice(0, max)]),
  );
}

export function validate<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): { ok: true; value: z.output<Schema> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    (errors[field] ??= []).push(
      issue.message.startsWith("{") ? issue.message : message("form.invalidChoice"),
    );
  }
  return { ok: false, errors };
}

export function badRequest(errors: FieldErrors, extra: Record<string, unknown> = {}) {
  return data({ ok: false as const, errors, ...extra }, { status: 400 });
}
