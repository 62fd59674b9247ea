import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { managesOrganisations, offeringsScope } from "../features/offerings/access.server";
import { kindLabel } from "../features/offerings/labels";
import { OfferingTable } from "../features/offerings/offering-table";
import { listOfferings } from "../features/offerings/offerings.server";
import { getOrganisation } from "../features/offerings/organisations.server";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.organisation");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  const { organisation, partner } = await getOrganisation(user, idFromUrl(params.organisationId));
  return {
    organisation,
    partner,
    offerings: await listOfferings(user, { organisationId: organisation.id, status: "all" }),
    canEdit: managesOrganisations(await offeringsScope(user)),
  };
}

export default function OrganisationPage() {
  const { organisation, partner, offerings, canEdit } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/offerings/organisations">{t("organisation.back")}</Link>
      </p>
      <h1>{organisation.name}</h1>
      <dl className="facts">
        <dt>{t("organisation.kind")}</dt>
        <dd>{t(kindLabel[organisation.kind])}</dd>
        <dt>{t("organisation.number")}</dt>
        <dd>{organisation.organisationNumber ?? "–"}</dd>
        <dt>{t("organisation.email")}</dt>
        <dd>{organisation.email ?? "–"}</dd>
        <dt>{t("organisation.phone")}</dt>
        <dd>{organisation.phone ?? "–"}</dd>
        <dt>{t("organisation.web")}</dt>
        <dd>
          {organisation.web ? (
            <a href={organisation.web} rel="noopener noreferrer">
              {organisation.web}
            </a>
          ) : (
            "–"
          )}
        </dd>
        <dt>{t("organisation.partner")}</dt>
        <dd>{partner ?? t("organisation.noPartner")}</dd>
      </dl>
      {canEdit ? (
        <p>
          <Link
            to={`/offerings/organisations/${organisation.id}/edit`}
            className="ds-button"
            data-variant="secondary"
          >
            {t("title.organisationEdit")}
          </Link>
        </p>
      ) : null}
      <h2>{t("title.offerings")}</h2>
      {offerings.length === 0 ? (
        <p>{t("offering.none")}</p>
      ) : (
        <OfferingTable
          rows={offerings}
          caption={t("offering.count", { count: offerings.length })}
        />
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
