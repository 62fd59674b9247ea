import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, Field } from "../components/forms";
import { RoleFields, useUserFieldLabels } from "../features/accounts/role-fields";
import { useT } from "../i18n";
import { auditActor } from "../features/audit/audit.server";
import { requirePermission } from "../features/accounts/session.server";
import { NewUserFields, parseRoleFields } from "../features/accounts/user-form.server";
import {
  createUser,
  EmailTakenError,
  municipalityChoices,
} from "../features/accounts/users.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { message } from "../utils/validation";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.newUser");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.users");
  return municipalityChoices(admin.municipalityId);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.users");
  const form = await readForm(request);
  const basics = validate(NewUserFields, formFields(form));
  const roleFields = parseRoleFields(form, await municipalityChoices(admin.municipalityId));
  if (!basics.ok || !roleFields.ok) {
    return badRequest({
      ...(basics.ok ? {} : basics.errors),
      ...(roleFields.ok ? {} : roleFields.errors),
    });
  }
  try {
    const userId = await createUser(auditActor(admin, context), {
      ...basics.value,
      roles: roleFields.roles,
      partnerOrganisationId: roleFields.partnerOrganisationId,
    });
    return redirect(`/admin/users/${userId}?created=1`);
  } catch (error) {
    if (error instanceof EmailTakenError)
      return badRequest({ email: [message("form.emailTaken")] });
    throw error;
  }
}

export default function NewUser() {
  const choices = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  return (
    <section className="panel" aria-labelledby="new-user-title">
      <h1 id="new-user-title">{t("admin.newUser")}</h1>
      <ErrorSummary errors={errors} labels={useUserFieldLabels()} />
      <Form method="post" noValidate>
        <Field name="name" label={t("users.name")} autoComplete="off" required errors={errors} />
        <Field
          name="email"
          label={t("users.email")}
          type="email"
          autoComplete="off"
          required
          errors={errors}
        />
        <RoleFields units={choices.units} organisations={choices.organisations} errors={errors} />
        <button className="ds-button" data-variant="primary" type="submit">
          {t("users.create")}
        </button>
      </Form>
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
