import { z } from "zod";
import { isPlausibleDate } from "./oslo-time";
import { message } from "./validation";

/*
 * Field rules for the forms, run by the server only: the browser never parses a form with zod,
 * and no module the browser loads may import this one or zod (tests/platform/page-budget.test.ts).
 * Their messages are packed i18n keys (validation.ts).
 */

// No generated code (`new Function`): zod stays eval-free as it was when it also ran under the
// pages' strict CSP. Evaluated before any form schema is built.
z.config({ jitless: true });

// U+FFFD is what undecodable (non-UTF-8) input turns into; control characters have no place
// in a form field. Single-line fields also refuse line breaks and angle brackets.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_UNDECODABLE = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LINE_BREAK_OR_MARKUP = /[\r\n<>]/;

const base = (max: number) =>
  z
    .string({ error: message("form.required") })
    .max(max, message("form.tooLong", { max }))
    .refine((value) => !CONTROL_OR_UNDECODABLE.test(value), message("form.invalidChars"));

/** A required single-line text such as a name. */
export const singleLine = (max = 200) =>
  base(max)
    .refine((value) => !LINE_BREAK_OR_MARKUP.test(value), message("form.invalidChars"))
    .transform((value) => value.trim())
    .refine((value) => value.length > 0, message("form.required"));

export const email = () =>
  base(254)
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => value.length > 0, message("form.required"))
    .refine((value) => z.email().safeParse(value).success, message("form.invalidEmail"));

/** Passwords are never shown, so any printable character is allowed. */
export const password = (min = 1, max = 200) =>
  base(max).refine(
    (value) => value.length >= min,
    message(min > 1 ? "form.passwordTooShort" : "form.required", { min }),
  );

/** An optional uuid from a select: "" means none. */
export const optionalUuid = () =>
  z
    .string()
    .optional()
    .transform((value) => (value ? value : null))
    .refine(
      (value) => value === null || z.uuid().safeParse(value).success,
      message("form.invalidChoice"),
    );

/** A yyyy-mm-dd date from an <input type=date>, optional; only real dates, years 2000–2100. */
export const optionalDate = () =>
  z
    .string()
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || isPlausibleDate(value), message("form.invalidDate"));

/** A same-site path to return to after a form ("/" when absent); never an open redirect. */
export const safeReturnPath = () =>
  z
    .string()
    .max(2000, message("form.tooLong", { max: 2000 }))
    .optional()
    .transform((value) => value || "/")
    .refine(
      (value) =>
        value.startsWith("/") && !value.startsWith("//") && !/[\\\s\p{Cc}\uFFFD]/u.test(value),
      message("form.invalidChoice"),
    );

/** The return path if it is a safe one, else the start page. */
export function returnPathOrHome(value: string | undefined): string {
  const parsed = safeReturnPath().safeParse(value);
  return parsed.success ? parsed.data : "/";
}

/** An optional single-line text: empty means none (null). */
export const optionalSingleLine = (max = 200) =>
  z
    .string()
    .optional()
    .transform((value) => value ?? "")
    .pipe(
      base(max)
        .refine((value) => !LINE_BREAK_OR_MARKUP.test(value), message("form.invalidChars"))
        .transform((value) => value.trim() || null),
    );

export const optionalEmail = () =>
  z
    .string()
    .optional()
    .transform((value) => value ?? "")
    .pipe(
      base(254)
        .transform((value) => value.trim().toLowerCase())
        .refine(
          (value) => value === "" || z.email().safeParse(value).success,
          message("form.invalidEmail"),
        )
        .transform((value) => value || null),
    );

/** Digits, spaces, +, - and parentheses: a phone number as people write it. */
export const optionalPhone = () =>
  z
    .string()
    .optional()
    .transform((value) => value ?? "")
    .pipe(
      base(40)
        .refine((value) => /^[0-9 +()-]*$/.test(value), message("form.invalidPhone"))
        .transform((value) => value.trim() || null),
    );

/** One of a fixed list of values (a select or radio group). */
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: message("form.invalidChoice") });

export const optionalChoice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((value) => value || null)
    .refine(
      (value): value is T[number] | null =>
        value === null || (values as readonly string[]).includes(value),
      message("form.invalidChoice"),
    )
    .transform((value) => value as T[number] | null);

/** A required yyyy-mm-dd date (years 2000–2100). */
export const requiredDate = () =>
  z
    .string({ error: message("form.required") })
    .refine((value) => value.length > 0, message("form.required"))
    .refine((value) => isPlausibleDate(value), message("form.invalidDate"));

/** A uuid, such as an id taken from a URL. */
export const isUuid = (value: string | undefined): value is string =>
  value !== undefined && z.uuid().safeParse(value).success;

/** A form's `intent` (the button it was sent with): one of `values`, else "unknown intent". */
export const intentForm = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.object({ intent: z.enum(values, { error: message("form.unknownIntent") }) });
