import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import {
  offeringCategories,
  offeringStatuses,
  type OfferingCategory,
} from "../../db/offering-enums";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { SelectField } from "../components/forms";
import { requirePermission } from "../features/accounts/session.server";
import { managesOrganisations, offeringsScope } from "../features/offerings/access.server";
import { categoryLabel, statusLabel } from "../features/offerings/labels";
import { OfferingTable } from "../features/offerings/offering-table";
import {
  countStale,
  listOfferings,
  type OfferingFilter,
} from "../features/offerings/offerings.server";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offerings");

const STATUS_FILTERS = ["current", ...offeringStatuses, "all"] as const;

/** The list's filters from the URL; a value that is not one of the choices counts as none. */
function filterFrom(
  request: Request,
): OfferingFilter & { status: (typeof STATUS_FILTERS)[number] } {
  const params = new URL(request.url).searchParams;
  const category = params.get("category");
  const status = params.get("status");
  return {
    category: (offeringCategories as readonly string[]).includes(category ?? "")
      ? (category as OfferingCategory)
      : null,
    status: (STATUS_FILTERS as readonly string[]).includes(status ?? "")
      ? (status as (typeof STATUS_FILTERS)[number])
      : "current",
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  const filter = filterFrom(request);
  const scope = await offeringsScope(user);
  return {
    filter,
    offerings: await listOfferings(user, filter),
    canAdd: scope.kind !== "none",
    isCoordinator: managesOrganisations(scope),
    stale: await countStale(user),
  };
}

export default function Offerings() {
  const { filter, offerings, canAdd, isCoordinator, stale } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("title.offerings")}</h1>
      <p>{t("offering.intro")}</p>
      <ul className="actions" aria-label={t("offering.tools")}>
        <li>
          <Link to="/offerings/search#q" className="ds-button" data-variant="primary">
            {t("search.link")}
          </Link>
        </li>
        {canAdd ? (
          <li>
            <Link to="/offerings/new" className="ds-button" data-variant="secondary">
              {t("title.offeringNew")}
            </Link>
          </li>
        ) : null}
        <li>
          <Link to="/offerings/organisations" className="ds-button" data-variant="secondary">
            {t("title.organisations")}
          </Link>
        </li>
        {canAdd ? (
          <li>
            <Link to="/offerings/stale" className="ds-button" data-variant="secondary">
              {t("offering.staleLink", { count: stale })}
            </Link>
          </li>
        ) : null}
        {isCoordinator ? (
          <>
            <li>
              <Link to="/offerings/import" className="ds-button" data-variant="secondary">
                {t("offering.import")}
              </Link>
            </li>
            <li>
              <a
                href="/offerings/export.csv"
                className="ds-button"
                data-variant="secondary"
                download
              >
                {t("offering.export")}
              </a>
            </li>
          </>
        ) : null}
      </ul>
      <Form method="get" className="filters" aria-label={t("offering.filters")}>
        <SelectField
          name="category"
          label={t("offering.category")}
          defaultValue={filter.category ?? ""}
          emptyLabel={t("offering.allCategories")}
          options={offeringCategories.map((c) => ({ value: c, label: t(categoryLabel[c]) }))}
        />
        <SelectField
          name="status"
          label={t("offering.status")}
          defaultValue={filter.status}
          options={[
            { value: "current", label: t("offering.statusCurrent") },
            ...offeringStatuses.map((s) => ({ value: s, label: t(statusLabel[s]) })),
            { value: "all", label: t("offering.statusAll") },
          ]}
        />
        <div className="ds-field">
          <button type="submit" className="ds-button" data-variant="secondary">
            {t("offering.filter")}
          </button>
        </div>
      </Form>
      {offerings.length === 0 ? (
        <p role="status">{t("offering.none")}</p>
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
