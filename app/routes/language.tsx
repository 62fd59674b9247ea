import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { LanguageForm } from "../i18n/language-form.server";
import { localeCookie } from "../i18n/locale.server";
import { formFields, readForm, validate } from "../utils/forms.server";

/** The language switch: a plain form post, so it works without JavaScript. */
export async function action({ request }: ActionFunctionArgs) {
  const form = validate(LanguageForm, formFields(await readForm(request)));
  if (!form.ok) {
    // A resource route: the answer is plain text, not a page.
    return new Response("Ugyldig språkvalg. / Invalid language choice.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return redirect(form.value.redirectTo, {
    headers: { "Set-Cookie": await localeCookie.serialize(form.value.locale) },
  });
}

export function loader() {
  return redirect("/");
}
