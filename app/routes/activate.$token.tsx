import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary, Field } from "../components/forms";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { useT } from "../i18n";
import {
  ActivationForm,
  isPlausibleActivationToken,
} from "../features/accounts/activation-form.server";
import { PASSWORD_MIN_LENGTH } from "../features/accounts/password.server";
import { activateAccount, findActivation } from "../features/accounts/users.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { message } from "../utils/validation";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "activate.title");

export async function loader({ params }: LoaderFunctionArgs) {
  const activation = isPlausibleActivationToken(params.token)
    ? await findActivation(params.token)
    : null;
  if (!activation) return { valid: false as const };
  return {
    valid: true as const,
    name: activation.name,
    email: activation.email,
    min: PASSWORD_MIN_LENGTH,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  if (!isPlausibleActivationToken(params.token))
    return badRequest({ form: [message("activate.invalid")] });
  const form = validate(ActivationForm, formFields(await readForm(request)));
  if (!form.ok) return badRequest(form.errors);
  const activated = await activateAccount(params.token, form.value.password, context.clientIp);
  if (!activated) return badRequest({ form: [message("activate.invalid")] });
  return redirect("/login?activated=1");
}

export default function Activate() {
  const t = useT();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  return (
    <section className="panel narrow" aria-labelledby="activate-title">
      <h1 id="activate-title">{t("activate.title")}</h1>
      {!loaded.valid ? (
        <p>{t("activate.invalid")}</p>
      ) : (
        <>
          <p>{t("activate.intro", { name: loaded.name, email: loaded.email, min: loaded.min })}</p>
          <ErrorSummary
            errors={errors}
            labels={{ password: t("activate.password"), confirm: t("activate.confirm") }}
          />
          <Form method="post" noValidate>
            <input
              type="text"
              name="username"
              autoComplete="username"
              value={loaded.email}
              readOnly
              hidden
            />
            <Field
              name="password"
              type="password"
              label={t("activate.password")}
              autoComplete="new-password"
              required
              errors={errors}
            />
            <Field
              name="confirm"
              type="password"
              label={t("activate.confirm")}
              autoComplete="new-password"
              required
              errors={errors}
            />
            <button className="ds-button" data-variant="primary" type="submit">
              {t("activate.submit")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
