import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { PersonFields, usePersonFieldLabels } from "../features/people/person-fields";
import { useT } from "../i18n";
import {
  createPerson,
  PersonFields as PersonSchema,
  UnitRequiredError,
  unitChoices,
} from "../features/people/people.server";
import { requirePermission } from "../features/accounts/session.server";
import { badRequest, formFields, readForm, submittedText, validate } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "people.new");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  return { units: await unitChoices(user.municipalityId) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "people.manage");
  const submitted = await readForm(request);
  const form = validate(PersonSchema, formFields(submitted));
  const values = submittedText(submitted);
  if (!form.ok) return badRequest(form.errors, { values });
  try {
    const personId = await createPerson(user, context, form.value);
    return redirect(`/persons/${personId}`);
  } catch (error) {
    if (error instanceof UnitRequiredError)
      return badRequest({ unitId: [message("people.unitRequired")] }, { values });
    throw error;
  }
}

export default function NewPerson() {
  const { units } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  return (
    <section className="panel" aria-labelledby="new-person-title">
      <h1 id="new-person-title">{t("people.new")}</h1>
      <ErrorSummary errors={errors} labels={usePersonFieldLabels()} />
      <Form method="post" noValidate>
        <PersonFields
          values={
            result && "values" in result ? (result.values as Record<string, string>) : undefined
          }
          units={units}
          errors={errors}
        />
        <button className="ds-button" data-variant="primary" type="submit">
          {t("people.create")}
        </button>
      </Form>
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
