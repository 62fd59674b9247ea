import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field } from "../components/forms";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { useT } from "../i18n";
import { LoginForm } from "../features/accounts/login-form.server";
import { attemptLogin } from "../features/accounts/login.server";
import { getSessionUser, sessionTokenHash } from "../features/accounts/session.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { message } from "../utils/validation";
import { returnPathOrHome } from "../utils/validation.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "login.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getSessionUser(request, context)) return redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = validate(LoginForm, formFields(await readForm(request)));
  if (!form.ok) return badRequest(form.errors);
  const result = await attemptLogin(form.value.email, form.value.password, {
    ip: context.clientIp,
    userAgent: request.headers.get("User-Agent"),
    previousSessionHash: await sessionTokenHash(request),
  });
  if (!result.ok) {
    const key = result.reason === "throttled" ? "login.throttled" : "login.invalid";
    return data(
      { ok: false as const, errors: { form: [message(key)] } },
      { status: result.reason === "throttled" ? 429 : 400 },
    );
  }
  return redirect(returnPathOrHome(form.value.redirectTo), {
    headers: { "Set-Cookie": result.setCookie },
  });
}

export default function Login() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.errors : undefined;
  return (
    <section className="panel narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      {params.get("loggedOut") ? (
        <p className="ds-alert" data-color="success" role="status">
          {t("login.loggedOut")}
        </p>
      ) : null}
      {params.get("activated") ? (
        <p className="ds-alert" data-color="success" role="status">
          {t("activate.done")}
        </p>
      ) : null}
      <p>{t("login.intro")}</p>
      <ErrorSummary
        errors={errors}
        labels={{ email: t("login.email"), password: t("login.password") }}
      />
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <Field
          name="email"
          label={t("login.email")}
          type="email"
          autoComplete="username"
          required
          errors={errors}
        />
        <Field
          name="password"
          label={t("login.password")}
          type="password"
          autoComplete="current-password"
          required
          errors={errors}
        />
        <button className="ds-button" data-variant="primary" type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
