import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../features/accounts/session.server";
import { managesOrganisations, offeringsScope } from "../features/offerings/access.server";
import { kindLabel } from "../features/offerings/labels";
import { listOrganisations } from "../features/offerings/organisations.server";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.organisations");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  return {
    organisations: await listOrganisations(user),
    canAdd: managesOrganisations(await offeringsScope(user)),
  };
}

export default function Organisations() {
  const { organisations, canAdd } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/offerings">{t("offering.back")}</Link>
      </p>
      <h1>{t("title.organisations")}</h1>
      {canAdd ? (
        <p className="actions">
          <Link to="/offerings/organisations/new" className="ds-button" data-variant="primary">
            {t("title.organisationNew")}
          </Link>
        </p>
      ) : null}
      {organisations.length === 0 ? (
        <p>{t("organisation.none")}</p>
      ) : (
        <ul className="card-list">
          {organisations.map((o) => (
            <li key={o.id}>
              <Link to={`/offerings/organisations/${o.id}`}>{o.name}</Link>
              <p>
                {t(kindLabel[o.kind])} · {t("organisation.offeringCount", { count: o.offerings })}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
