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
import {
  forbidden,
  managesOrganisations,
  offeringsScope,
} from "../features/offerings/access.server";
import {
  organisationValues,
  submittedOrganisationValues,
} from "../features/offerings/form-values.server";
import { OrganisationForm } from "../features/offerings/organisation-form";
import {
  getOrganisation,
  OrganisationConflictError,
  partnerChoices,
  updateOrganisation,
} from "../features/offerings/organisations.server";
import { parseOrganisation } from "../features/offerings/validation.server";
import { useT } from "../i18n";
import { badRequest, formFields, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.organisationEdit");

const CONFLICT = {
  name: "organisation.error.nameTaken",
  partnerOrganisationId: "organisation.error.partnerTaken",
} as const;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  const { organisation } = await getOrganisation(user, idFromUrl(params.organisationId));
  return { partners: await partnerChoices(user), values: organisationValues(organisation) };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  const organisationId = idFromUrl(params.organisationId);
  // Another municipality's organisation is "not found" before the form is read.
  await getOrganisation(user, organisationId);
  const form = await readForm(request);
  const values = submittedOrganisationValues(form);
  const parsed = parseOrganisation(formFields(form));
  if (!parsed.ok) return badRequest(parsed.errors, { values });
  try {
    await updateOrganisation(user, context, organisationId, parsed.value);
  } catch (error) {
    if (error instanceof OrganisationConflictError) {
      return badRequest({ [error.field]: [message(CONFLICT[error.field])] }, { values });
    }
    throw error;
  }
  return redirect(`/offerings/organisations/${organisationId}`);
}

export default function EditOrganisation() {
  const { partners, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="edit-organisation-title">
      <h1 id="edit-organisation-title">{t("title.organisationEdit")}</h1>
      <OrganisationForm
        values={result && "values" in result ? (result.values as typeof values) : values}
        partners={partners}
        errors={result?.errors}
        intent="update"
      />
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
