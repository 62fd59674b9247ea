import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { forbidden } from "../features/offerings/access.server";
import { offeringValues, submittedOfferingValues } from "../features/offerings/form-values.server";
import { OfferingForm } from "../features/offerings/offering-form";
import {
  getOffering,
  organisationChoices,
  OrganisationChoiceError,
  updateOffering,
} from "../features/offerings/offerings.server";
import { parseOffering, rawFieldsOf } from "../features/offerings/validation.server";
import { useT } from "../i18n";
import { badRequest, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offeringEdit");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  const found = await getOffering(user, idFromUrl(params.offeringId));
  if (!found.manage) forbidden();
  const choices = await organisationChoices(user);
  // The offering's own organisation is always a choice, even if the user could not add to it.
  if (!choices.some((c) => c.id === found.organisation.id))
    choices.unshift({ id: found.organisation.id, name: found.organisation.name });
  return { id: found.offering.id, organisations: choices, values: offeringValues(found.offering) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  const offeringId = idFromUrl(params.offeringId);
  // Access before the form: a caller who may not change the offering learns nothing from it.
  if (!(await getOffering(user, offeringId)).manage) forbidden();
  const form = await readForm(request);
  const values = submittedOfferingValues(form);
  const parsed = parseOffering(rawFieldsOf(form));
  if (!parsed.ok) return badRequest(parsed.errors, { values });
  try {
    await updateOffering(user, context, offeringId, parsed.value);
  } catch (error) {
    if (error instanceof OrganisationChoiceError) {
      return badRequest(
        { organisationId: [message("offering.error.unknownOrganisation")] },
        { values },
      );
    }
    throw error;
  }
  return redirect(`/offerings/${offeringId}?saved=1`);
}

export default function EditOffering() {
  const { organisations, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="edit-offering-title">
      <h1 id="edit-offering-title">{t("title.offeringEdit")}</h1>
      <OfferingForm
        values={result && "values" in result ? (result.values as typeof values) : values}
        organisations={organisations}
        errors={result?.errors}
        intent="update"
      />
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
