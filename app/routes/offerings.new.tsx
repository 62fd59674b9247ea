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
import { forbidden } from "../features/offerings/access.server";
import {
  newOfferingValues,
  submittedOfferingValues,
} from "../features/offerings/form-values.server";
import { OfferingForm } from "../features/offerings/offering-form";
import {
  createOffering,
  organisationChoices,
  OrganisationChoiceError,
} from "../features/offerings/offerings.server";
import { parseOffering, rawFieldsOf } from "../features/offerings/validation.server";
import { useT } from "../i18n";
import { badRequest, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offeringNew");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  const organisations = await organisationChoices(user);
  if (organisations.length === 0) forbidden();
  return {
    organisations,
    values: newOfferingValues(organisations.map((o) => o.id)),
    formToken: issueFormToken(userOwner(user)),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  // As the page: only someone with an organisation to add to may send the form at all.
  if ((await organisationChoices(user)).length === 0) forbidden();
  const form = await readForm(request);
  const values = submittedOfferingValues(form);
  const claim = await readFormClaim<string>(form, userOwner(user), "offering:new");
  if (!claim.ok) return badRequest(claim.errors, { values });
  if (claim.earlier) return redirect(`/offerings/${claim.earlier.value}?saved=1`);
  const parsed = parseOffering(rawFieldsOf(form));
  if (!parsed.ok) return badRequest(parsed.errors, { values });
  try {
    const id = await createOffering(user, context, parsed.value, claim.claim);
    return redirect(`/offerings/${id}?saved=1`);
  } catch (error) {
    if (error instanceof OrganisationChoiceError) {
      return badRequest(
        { organisationId: [message("offering.error.unknownOrganisation")] },
        { values },
      );
    }
    throw error;
  }
}

export default function NewOffering() {
  const { organisations, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="new-offering-title">
      <h1 id="new-offering-title">{t("title.offeringNew")}</h1>
      <OfferingForm
        values={result && "values" in result ? (result.values as typeof values) : values}
        organisations={organisations}
        errors={result?.errors}
        intent="create"
      />
    </section>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
