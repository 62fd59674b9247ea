import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../features/accounts/session.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import {
  forbidden,
  managesOrganisations,
  offeringsScope,
} from "../features/offerings/access.server";
import {
  newOrganisationValues,
  submittedOrganisationValues,
} from "../features/offerings/form-values.server";
import { OrganisationForm } from "../features/offerings/organisation-form";
import {
  createOrganisation,
  OrganisationConflictError,
  partnerChoices,
} from "../features/offerings/organisations.server";
import { parseOrganisation } from "../features/offerings/validation.server";
import { useT } from "../i18n";
import { badRequest, formFields, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.organisationNew");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  return {
    partners: await partnerChoices(user),
    values: newOrganisationValues(),
    formToken: issueFormToken(userOwner(user)),
  };
}

const CONFLICT = {
  name: "organisation.error.nameTaken",
  partnerOrganisationId: "organisation.error.partnerTaken",
} as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  const form = await readForm(request);
  const values = submittedOrganisationValues(form);
  const claim = await readFormClaim<string>(form, userOwner(user), "organisation:new");
  if (!claim.ok) return badRequest(claim.errors, { values });
  if (claim.earlier) return redirect(`/offerings/organisations/${claim.earlier.value}`);
  const parsed = parseOrganisation(formFields(form));
  if (!parsed.ok) return badRequest(parsed.errors, { values });
  try {
    const id = await createOrganisation(user, context, parsed.value, claim.claim);
    return redirect(`/offerings/organisations/${id}`);
  } catch (error) {
    if (error instanceof OrganisationConflictError) {
      return badRequest({ [error.field]: [message(CONFLICT[error.field])] }, { values });
    }
    throw error;
  }
}

export default function NewOrganisation() {
  const { partners, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="new-organisation-title">
      <h1 id="new-organisation-title">{t("title.organisationNew")}</h1>
      <OrganisationForm
        values={result && "values" in result ? (result.values as typeof values) : values}
        partners={partners}
        errors={result?.errors}
        intent="create"
      />
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
