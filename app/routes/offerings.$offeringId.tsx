import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import {
  categoryLabel,
  chimeLabel,
  formatCost,
  languageLabel,
  lifeAreaLabel,
  statusLabel,
} from "../features/offerings/labels";
import { CalendarSection } from "../features/offerings/calendar-section";
import { offeringFeedUrls, runVisitAction } from "../features/offerings/calendar.server";
import { useWhen } from "../features/offerings/offering-table";
import { getOffering, renewFeedToken } from "../features/offerings/offerings.server";
import { runStatusAction } from "../features/offerings/status-actions.server";
import { StatusButtons } from "../features/offerings/status-buttons";
import { formatDate, formatDateTime, useLocale, useT } from "../i18n";
import { readForm, type FieldErrors } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offering");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  const { offering, organisation, verifiedBy, manage } = await getOffering(
    user,
    idFromUrl(params.offeringId),
  );
  const { feedToken, ...shown } = offering;
  // The feed link goes to every reader; the secret itself only as part of it.
  const feed = offering.status === "retired" ? null : offeringFeedUrls(feedToken);
  return { offering: shown, organisation, verifiedBy, manage, feed };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const offeringId = idFromUrl(params.offeringId);
  // Who asks first: a reader of the catalogue, before the body is read.
  const reader = await requirePermission(request, context, "offerings.view");
  const form = await readForm(request);
  if (form.get("intent") === "visit") {
    // A first-visit calendar file: for every reader of the offering, not only its managers.
    return runVisitAction(reader, offeringId, form);
  }
  const user = await requirePermission(request, context, "offerings.manage");
  if (form.get("intent") === "renew-feed") {
    await renewFeedToken(user, context, offeringId);
    return { ok: true as const, done: "feed" as const, offeringId };
  }
  return runStatusAction(user, context, form, offeringId);
}

const DONE = {
  verify: "offering.verified",
  pause: "offering.paused",
  retire: "offering.retired",
  activate: "offering.activated",
  feed: "feed.offeringRenewed",
} as const;

type ActionResult =
  | { ok: true; done: keyof typeof DONE }
  | {
      ok: false;
      errors: FieldErrors;
      form?: "visit";
      values?: Record<string, string>;
    };

export default function OfferingPage() {
  const { offering, organisation, verifiedBy, manage, feed } = useLoaderData<typeof loader>();
  // The visit intent's file download never reaches the page: only these come back as data.
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const when = useWhen();
  const yes = t("offering.yes");
  const no = t("offering.no");
  const age =
    offering.ageMin !== null || offering.ageMax !== null
      ? t("offering.ageRange", {
          from: offering.ageMin ?? 0,
          to: offering.ageMax ?? "",
        })
      : t("offering.allAges");
  return (
    <>
      <p>
        <Link to="/offerings">{t("offering.back")}</Link>
      </p>
      <h1>{offering.title}</h1>
      {result?.ok ? (
        <p role="status" className="ds-alert" data-color="success">
          {t(DONE[result.done])}
        </p>
      ) : params.get("saved") === "1" ? (
        <p role="status" className="ds-alert" data-color="success">
          {t("offering.savedNotice")}
        </p>
      ) : null}
      <p>
        <Link to={`/offerings/organisations/${organisation.id}`}>{organisation.name}</Link> ·{" "}
        {t(categoryLabel[offering.category])} · {t(statusLabel[offering.status])}
      </p>
      <p className="plan-text">{offering.description}</p>
      <dl className="facts">
        <dt>{t("offering.when")}</dt>
        <dd>
          {when(offering) || t("offering.noTimes")}
          {offering.dates.length > 0 && offering.weeklySlots.length > 0
            ? ` · ${offering.dates.map((d) => formatDate(locale, d)).join(", ")}`
            : ""}
          {offering.scheduleNote ? ` · ${offering.scheduleNote}` : ""}
        </dd>
        <dt>{t("offering.where")}</dt>
        <dd>
          {offering.address ?? t("offering.noAddress")}
          {offering.accessibilityNotes ? ` · ${offering.accessibilityNotes}` : ""}
        </dd>
        <dt>{t("offering.wheelchairAccessible")}</dt>
        <dd>{offering.wheelchairAccessible ? yes : no}</dd>
        <dt>{t("offering.cost")}</dt>
        <dd>{formatCost(offering.costOre, t("offering.free"), locale)}</dd>
        <dt>{t("offering.noReferral")}</dt>
        <dd>{offering.noReferral ? yes : no}</dd>
        <dt>{t("offering.welcomeWhileUsing")}</dt>
        <dd>{offering.welcomeWhileUsing ? yes : no}</dd>
        <dt>{t("offering.age")}</dt>
        <dd>{age}</dd>
        <dt>{t("offering.capacity")}</dt>
        <dd>
          {offering.capacity ?? t("offering.noLimit")}
          {offering.waitingList ? ` · ${t("offering.hasWaitingList")}` : ""}
        </dd>
        <dt>{t("offering.languages")}</dt>
        <dd>{offering.languages.map((l) => t(languageLabel[l])).join(", ") || "–"}</dd>
        <dt>{t("offering.lifeAreas")}</dt>
        <dd>{offering.lifeAreas.map((a) => t(lifeAreaLabel[a])).join(", ") || "–"}</dd>
        <dt>{t("offering.chime")}</dt>
        <dd>{offering.chime.map((c) => t(chimeLabel[c])).join(", ") || "–"}</dd>
        <dt>{t("offering.contact")}</dt>
        <dd>
          {[offering.contactName, offering.contactPhone, offering.contactEmail]
            .filter(Boolean)
            .join(" · ") || "–"}
        </dd>
        <dt>{t("offering.lastVerified")}</dt>
        <dd>
          {t("offering.verifiedBy", {
            when: formatDateTime(locale, offering.lastVerifiedAt),
            name: verifiedBy ?? t("offering.unknownPerson"),
          })}
        </dd>
      </dl>
      <CalendarSection
        status={offering.status}
        weeklySlots={offering.weeklySlots}
        hasDates={offering.dates.length > 0}
        feed={feed}
        manage={manage}
        errors={result && !result.ok && result.form === "visit" ? result.errors : null}
        values={(result && !result.ok && result.form === "visit" && result.values) || {}}
        locale={locale}
      />
      {manage ? (
        <section aria-labelledby="manage-title">
          <h2 id="manage-title">{t("offering.manage")}</h2>
          <p>
            <Link
              to={`/offerings/${offering.id}/edit`}
              className="ds-button"
              data-variant="secondary"
            >
              {t("title.offeringEdit")}
            </Link>
          </p>
          <StatusButtons offering={offering} headingLevel={3} />
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
