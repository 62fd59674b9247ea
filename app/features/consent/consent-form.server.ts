import { z } from "zod";
import {
  consentContents,
  consentMethods,
  planParts,
  type ConsentContent,
  type PlanPart,
} from "../../../db/enums";
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

/**
 * Reads the consent form: content checkboxes (agenda, minutes), the parts of the plan
 * (`planPart`: each ticked part is consent for "plan" covering it; a bare "plan" with no part
 * is refused, so nobody consents to "the plan" without saying which parts), the dates (given
 * not in the future) and how. Returns field errors for a 400, never throws.
 */
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
  const parts = form.getAll("planPart");
  const validParts = parts.filter(
    (p): p is PlanPart => typeof p === "string" && (planParts as readonly string[]).includes(p),
  );
  if (validParts.length > 0) valid.push("plan");
  if (valid.length === 0 || valid.length !== contents.length + (validParts.length > 0 ? 1 : 0))
    errors.content = [message("consent.contentsRequired")];
  if (validParts.length !== parts.length) errors.planPart = [message("consent.contentsRequired")];
  else if (valid.includes("plan") && validParts.length === 0)
    errors.planPart = [message("consent.planPartsRequired")];
  if (fields.ok) {
    if (fields.value.givenOn > osloToday()) errors.givenOn = [message("consent.givenInFuture")];
    if (fields.value.expiresOn && fields.value.expiresOn <= fields.value.givenOn) {
      errors.expiresOn = [message("consent.expiresBeforeGiven")];
    }
  }
  if (!fields.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ...fields.value,
      contents: [...new Set(valid)],
      planParts: validParts.length > 0 ? [...new Set(validParts)] : undefined,
    },
  };
}
