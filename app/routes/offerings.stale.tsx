import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requirePermission } from "../features/accounts/session.server";
import { forbidden, offeringsScope } from "../features/offerings/access.server";
import { categoryLabel, statusLabel } from "../features/offerings/labels";
import { listStaleOfferings, STALE_AFTER_MONTHS } from "../features/offerings/offerings.server";
import { postedOfferingId, runStatusAction } from "../features/offerings/status-actions.server";
import { StatusButtons } from "../features/offerings/status-buttons";
import { formatDateTime, useLocale, useT } from "../i18n";
import { badRequest, readForm } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";
import { message } from "../utils/validation";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offeringsStale");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  if ((await offeringsScope(user)).kind === "none") forbidden();
  return { offerings: await listStaleOfferings(user), months: STALE_AFTER_MONTHS };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.manage");
  const form = await readForm(request);
  const offeringId = postedOfferingId(form);
  if (!offeringId) return badRequest({ offeringId: [message("form.invalidChoice")] });
  return runStatusAction(user, context, form, offeringId);
}

const DONE = {
  verify: "offering.verified",
  pause: "offering.paused",
  retire: "offering.retired",
  activate: "offering.activated",
} as const;

export default function StaleOfferings() {
  const { offerings, months } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to="/offerings">{t("offering.back")}</Link>
      </p>
      <h1>{t("title.offeringsStale")}</h1>
      <p>{t("offering.staleIntro", { months })}</p>
      {result && "done" in result ? (
        <p role="status" className="ds-alert" data-color="success">
          {t(DONE[result.done])}
        </p>
      ) : null}
      {offerings.length === 0 ? (
        <p>{t("offering.staleNone")}</p>
      ) : (
        <ul className="person-list" aria-label={t("offering.count", { count: offerings.length })}>
          {offerings.map((offering) => (
            <li key={offering.id} className="panel">
              <h2>
                <Link to={`/offerings/${offering.id}`}>{offering.title}</Link>
              </h2>
              <p>
                {offering.organisation} · {t(categoryLabel[offering.category])} ·{" "}
                {t(statusLabel[offering.status])}
              </p>
              <p>
                {t("offering.lastVerified")}:{" "}
                {t("offering.verifiedBy", {
                  when: formatDateTime(locale, offering.lastVerifiedAt),
                  name: offering.verifiedBy ?? t("offering.unknownPerson"),
                })}
              </p>
              <StatusButtons
                offering={offering}
                fields={{ offeringId: offering.id }}
                headingLevel={3}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
