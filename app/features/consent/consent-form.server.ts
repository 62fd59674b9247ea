import { z } from "zod";
import { consentContents, consentMethods, type ConsentContent } from "../../../db/enums";
import { formFields, validate, type FieldErrors } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { choice, requiredDate } from "../../utils/validation.server";
import { osloToday } from "../../utils/oslo-time";
import type { ConsentInput } from "./consent.server";

const ConsentFields = z.object({
  givenOn: requiredDate(),
  expiresOn: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.union([z.null(), requiredDate()])),
  method: choice(consentMethods),
});

/** The consent form's "given on" date: today in Oslo fills it and is its latest choice. */
export const latestConsentDate = () => osloToday();

/** Reads the consent form: content checkboxes, the dates (given not in the future) and how. */
export function parseConsentForm(
  form: FormData,
): { ok: true; value: ConsentInput } | { ok: false; errors: FieldErrors } {
  const fields = validate(ConsentFields, formFields(form));
  const errors: FieldErrors = fields.ok ? {} : { ...fields.errors };
  const contents = form.getAll("content");
  const valid = contents.filter(
    (c): c is ConsentContent =>
      typeof c === "string" && (consentContents as readonly string[]).includes(c),
  );
  if (valid.length === 0 || valid.length !== contents.length)
    errors.content = [message("consent.contentsRequired")];
  if (fields.ok) {
    if (fields.value.givenOn > osloToday()) errors.givenOn = [message("consent.givenInFuture")];
    if (fields.value.expiresOn && fields.value.expiresOn <= fields.value.givenOn) {
      errors.expiresOn = [message("consent.expiresBeforeGiven")];
    }
  }
  if (!fields.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { ...fields.value, contents: [...new Set(valid)] } };
}
