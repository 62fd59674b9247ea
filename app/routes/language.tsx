import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { locales } from "../i18n";
import { localeCookie } from "../i18n/locale.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { message, safeReturnPath } from "../utils/validation";

const LanguageForm = z.object({
  locale: z.enum(locales, { error: message("form.invalidChoice") }),
  redirectTo: safeReturnPath(),
});

/** The language switch: a plain form post, so it works without JavaScript. */
export async function action({ request }: ActionFunctionArgs) {
  const form = validate(LanguageForm, formFields(await readForm(request)));
  if (!form.ok) return badRequest(form.errors);
  return redirect(form.value.redirectTo, {
    headers: { "Set-Cookie": await localeCookie.serialize(form.value.locale) },
  });
}

export function loader() {
  return redirect("/");
}
