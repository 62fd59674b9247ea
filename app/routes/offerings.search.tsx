import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { chimeElements, lifeAreas } from "../../db/enums";
import { offeringCategories, offeringLanguages } from "../../db/offering-enums";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { Checkbox, SelectField } from "../components/forms";
import { requirePermission } from "../features/accounts/session.server";
import {
  categoryLabel,
  chimeLabel,
  languageLabel,
  lifeAreaLabel,
} from "../features/offerings/labels";
import {
  flagFilters,
  parseSearchParams,
  SEARCH_MAX_SHOWN,
  SEARCH_PAGE,
  searchShowing,
  timesOfDay,
} from "../features/offerings/search-params";
import { searchOfferings } from "../features/offerings/search.server";
import {
  proposalFields,
  proposalFromSearch,
  proposeHrefBase,
} from "../features/bridges/propose-context.server";
import {
  filterLabel,
  hitView,
  NoHits,
  problemText,
  SearchHits,
  timeOfDayLabel,
  weekdayLabel,
} from "../features/offerings/search-view";
import { useT } from "../i18n";
import { getLocale } from "../i18n/locale.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.offeringsSearch");

/** How long typing may pause before the results follow (ms). */
const TYPING_PAUSE_MS = 250;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "offerings.view");
  const params = new URL(request.url).searchParams;
  const { request: search, problems } = parseSearchParams(params);
  // Opened from a goal or action of a person's plan: each hit can be proposed there.
  const proposal = await proposalFromSearch(user, params);
  const [result, locale] = await Promise.all([searchOfferings(user, search), getLocale(request)]);
  return {
    search,
    problems,
    result: { ...result, hits: result.hits.map((hit) => hitView(hit, search.filters, locale)) },
    proposal: proposal && {
      goal: proposal.goal,
      action: proposal.action,
      fields: proposalFields(proposal),
      hrefBase: proposeHrefBase(proposal),
      backHref: `/networks/${proposal.networkId}/plan`,
    },
  };
}

/**
 * The offerings search (issue 13, ADR 024), made for a leader in a meeting: the search field
 * has focus, results follow typing (debounced, the field keeps focus and cursor), the count is
 * announced politely, and without JavaScript it is a plain GET form whose URL can be shared.
 */
export default function OfferingsSearch() {
  const { search, problems, result, proposal } = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const navigation = useNavigation();
  const submit = useSubmit();
  const field = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const { filters } = search;
  const busy = navigation.state === "loading" && navigation.location.pathname === location.pathname;

  useEffect(() => {
    const input = field.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);

  // One search at a time: a change made while the last one loads is sent when it has come
  // (sending at once would abort that load, which the router reports as an error).
  const loading = useRef(false);
  loading.current = navigation.state !== "idle";
  const queued = useRef<HTMLFormElement | null>(null);
  const send = (form: HTMLFormElement) => {
    if (loading.current) queued.current = form;
    else submit(form, { replace: true, preventScrollReset: true });
  };
  useEffect(() => {
    if (navigation.state !== "idle" || !queued.current) return;
    const form = queued.current;
    queued.current = null;
    submit(form, { replace: true, preventScrollReset: true });
  }, [navigation.state, submit]);

  const follow = (event: React.FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    clearTimeout(timer.current);
    if (event.target === field.current)
      timer.current = setTimeout(() => send(form), TYPING_PAUSE_MS);
    else send(form);
  };

  const status =
    result.total === 0
      ? t("search.none")
      : result.total > result.hits.length
        ? t(result.ranked ? "search.countShown" : "search.countShownFirst", {
            count: result.total,
            shown: result.hits.length,
          })
        : t("search.count", { count: result.total });
  const anyFilter = flagFilters.some((name) => filters[name]) || search.includePaused;
  const anyChoice =
    filters.category ||
    filters.lifeArea ||
    filters.chime ||
    filters.weekday ||
    filters.timeOfDay ||
    filters.language ||
    filters.age !== null;

  return (
    <>
      <h1>{t("title.offeringsSearch")}</h1>
      {proposal ? (
        <div className="ds-alert" data-color="info">
          <p>
            {t("bridge.searchFor")}{" "}
            {proposal.goal ? <q>{proposal.goal}</q> : (proposal.action ?? t("bridge.forPerson"))}
          </p>
          <p>
            <a href={proposal.backHref}>{t("bridge.back")}</a>
          </p>
        </div>
      ) : null}
      <Form
        method="get"
        action="/offerings/search"
        role="search"
        className="search-form"
        onChange={follow}
      >
        {Object.entries(proposal?.fields ?? {}).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <div className="ds-field search-field">
          <label className="ds-label" htmlFor="q">
            {t("search.label")}
          </label>
          <p className="ds-paragraph" data-size="sm" id="q-hint">
            {t("search.hint")}
          </p>
          <div className="search-row">
            <input
              ref={field}
              id="q"
              name="q"
              type="search"
              className="ds-input"
              defaultValue={search.q}
              maxLength={1000}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="q-hint"
            />
            <button type="submit" className="ds-button" data-variant="primary">
              {t("search.submit")}
            </button>
          </div>
        </div>
        <details className="search-filters" open={Boolean(anyFilter || anyChoice) || undefined}>
          <summary>{t("search.filters")}</summary>
          <div className="filters">
            <SelectField
              name="category"
              label={t("offering.category")}
              defaultValue={filters.category ?? ""}
              emptyLabel={t("search.any")}
              options={offeringCategories.map((c) => ({ value: c, label: t(categoryLabel[c]) }))}
            />
            <SelectField
              name="lifeArea"
              label={t("search.lifeArea")}
              defaultValue={filters.lifeArea ?? ""}
              emptyLabel={t("search.any")}
              options={lifeAreas.map((a) => ({ value: a, label: t(lifeAreaLabel[a]) }))}
            />
            <SelectField
              name="chime"
              label={t("search.chime")}
              defaultValue={filters.chime ?? ""}
              emptyLabel={t("search.any")}
              options={chimeElements.map((c) => ({ value: c, label: t(chimeLabel[c]) }))}
            />
            <SelectField
              name="weekday"
              label={t("search.weekday")}
              defaultValue={filters.weekday ? String(filters.weekday) : ""}
              emptyLabel={t("search.any")}
              options={([1, 2, 3, 4, 5, 6, 7] as const).map((d) => ({
                value: String(d),
                label: t(weekdayLabel[d]),
              }))}
            />
            <SelectField
              name="timeOfDay"
              label={t("search.timeOfDay")}
              defaultValue={filters.timeOfDay ?? ""}
              emptyLabel={t("search.any")}
              options={timesOfDay.map((p) => ({ value: p, label: t(timeOfDayLabel[p]) }))}
            />
            <SelectField
              name="language"
              label={t("search.language")}
              defaultValue={filters.language ?? ""}
              emptyLabel={t("search.any")}
              options={offeringLanguages.map((l) => ({ value: l, label: t(languageLabel[l]) }))}
            />
            <div className="ds-field">
              <label className="ds-label" htmlFor="age">
                {t("search.age")}
              </label>
              <input
                id="age"
                name="age"
                type="number"
                inputMode="numeric"
                min={0}
                max={130}
                className="ds-input"
                defaultValue={filters.age ?? ""}
              />
            </div>
          </div>
          <fieldset className="ds-fieldset search-flags">
            <legend className="ds-sr-only">{t("search.filters")}</legend>
            {flagFilters.map((name) => (
              <Checkbox
                key={name}
                id={`flag-${name}`}
                name={name}
                label={t(filterLabel[name])}
                defaultChecked={filters[name]}
              />
            ))}
            <Checkbox
              id="includePaused"
              name="includePaused"
              label={t("search.includePaused")}
              defaultChecked={search.includePaused}
            />
          </fieldset>
        </details>
      </Form>
      {problems.length > 0 ? (
        <div className="ds-alert" data-color="warning">
          <ul>
            {problems.map((problem) => (
              <li key={`${problem.kind}-${"filter" in problem ? problem.filter : ""}`}>
                {problemText(t, problem)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <section aria-labelledby="results-heading" aria-busy={busy || undefined}>
        <h2 id="results-heading" className="ds-sr-only">
          {t("search.results")}
        </h2>
        <p role="status" id="search-status" className="search-status">
          {status}
        </p>
        {result.total === 0 ? (
          <NoHits suggestions={result.suggestions} filters={filters} search={location.search} />
        ) : (
          <>
            <SearchHits
              hits={result.hits}
              proposeHref={proposal ? (id) => `${proposal.hrefBase}${id}` : undefined}
            />
            {/* The fragment names the first new result: the route announcer moves focus to it. */}
            {result.total <= result.hits.length ? null : search.shown < SEARCH_MAX_SHOWN ? (
              <p>
                <Link
                  to={`?${searchShowing(new URLSearchParams(location.search), search.shown + SEARCH_PAGE)}#hit-${search.shown + 1}`}
                  replace
                  className="ds-button"
                  data-variant="secondary"
                >
                  {t("search.more")}
                </Link>
              </p>
            ) : (
              <p>
                {t(result.ranked ? "search.moreLimit" : "search.moreLimitFirst", {
                  max: SEARCH_MAX_SHOWN,
                })}
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
