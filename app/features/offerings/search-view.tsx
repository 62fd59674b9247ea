import { Link } from "@remix-run/react";
import { Fragment } from "react";
import { translator, useT, type Locale, type Translate } from "../../i18n";
import type { MessageKey } from "../../i18n/nb";
import type { MarkedText } from "./highlight";
import { categoryLabel, chimeLabel, formatCost, languageLabel, lifeAreaLabel } from "./labels";
import { whenText } from "./offering-table";
import { formatWeeklySlot } from "./schedule";
import {
  searchWithout,
  type FilterName,
  type SearchFilters,
  type SearchProblem,
} from "./search-params";
import type { SearchHit } from "./search.server";

/*
 * The search page's pieces (ADR 024): highlighted text as text and <mark> elements (React
 * escapes every character of it; no HTML is ever built from user text), the results with
 * why each matches, and the empty result's suggestions.
 */

export const weekdayLabel = {
  1: "search.weekday.1",
  2: "search.weekday.2",
  3: "search.weekday.3",
  4: "search.weekday.4",
  5: "search.weekday.5",
  6: "search.weekday.6",
  7: "search.weekday.7",
} as const satisfies Record<number, MessageKey>;

export const timeOfDayLabel = {
  morning: "search.timeOfDay.morning",
  afternoon: "search.timeOfDay.afternoon",
  evening: "search.timeOfDay.evening",
} as const satisfies Record<string, MessageKey>;

export const filterLabel = {
  category: "offering.category",
  lifeArea: "search.lifeArea",
  chime: "search.chime",
  weekday: "search.weekday",
  timeOfDay: "search.timeOfDay",
  free: "search.free",
  noReferral: "search.noReferral",
  welcomeWhileUsing: "search.welcomeWhileUsing",
  accessible: "search.accessible",
  language: "search.language",
  age: "search.age",
} as const satisfies Record<FilterName, MessageKey>;

const foundInLabel = {
  title: "search.foundIn.title",
  organisation: "search.foundIn.organisation",
  description: "search.foundIn.description",
  place: "search.foundIn.place",
} as const satisfies Record<string, MessageKey>;

/** A filter and its value in words: "Gratis", "Kategori: Kultur", "Personens alder: 30". */
export function filterText(t: Translate, name: FilterName, filters: SearchFilters): string {
  const label = t(filterLabel[name]);
  const value = (() => {
    switch (name) {
      case "category":
        return filters.category && t(categoryLabel[filters.category]);
      case "lifeArea":
        return filters.lifeArea && t(lifeAreaLabel[filters.lifeArea]);
      case "chime":
        return filters.chime && t(chimeLabel[filters.chime]);
      case "weekday":
        return filters.weekday && t(weekdayLabel[filters.weekday as keyof typeof weekdayLabel]);
      case "timeOfDay":
        return filters.timeOfDay && t(timeOfDayLabel[filters.timeOfDay]);
      case "language":
        return filters.language && t(languageLabel[filters.language]);
      case "age":
        return filters.age === null ? null : String(filters.age);
      default:
        return null;
    }
  })();
  return value ? `${label}: ${value}` : label;
}

/** Highlighted text (MarkedText: plain and marked parts in turn), the marked ones in <mark>. */
export function Marked({ text }: { text: MarkedText }) {
  return (
    <>
      {text.map((part, index) =>
        index % 2 === 1 ? (
          <mark key={index}>{part}</mark>
        ) : part === "" ? null : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  );
}

/** What the page shows of one hit: its texts, ready to show (hitView). */
export interface HitView {
  id: string;
  title: MarkedText;
  organisation: MarkedText;
  snippet: MarkedText;
  /** " · category · price · when · paused", after the organisation. */
  facts: string;
  /** Why it matched: where the words were found and which filters it meets (null: nothing). */
  reasons: string | null;
}

/**
 * One search hit as the page shows it, in `locale`: the facts line and the reasons written
 * out here, in the loader, so the page's data holds a few strings per hit, not the slots,
 * dates, prices and filter names to format (less to encode and send on every keystroke).
 * Takes the hit as searchOfferings returns it and the search's filters.
 */
export function hitView(hit: SearchHit, filters: SearchFilters, locale: Locale): HitView {
  const t = translator(locale);
  const parts = [
    t(categoryLabel[hit.category]),
    formatCost(hit.costOre, t("offering.free"), locale),
  ];
  const time = whenText(hit, locale);
  if (time) parts.push(time);
  if (hit.status === "paused") parts.push(t("offering.status.paused"));
  const matched = hit.reasons.filters
    .filter((name) => name !== "weekday" && name !== "timeOfDay")
    .map((name) => filterText(t, name, filters));
  for (const slot of hit.reasons.slots) matched.push(formatWeeklySlot(slot, locale));
  const reasons = [
    hit.reasons.foundIn.length > 0
      ? t("search.foundIn", {
          places: hit.reasons.foundIn.map((p) => t(foundInLabel[p])).join(", "),
        })
      : null,
    matched.length > 0 ? `${t("search.matches")}: ${matched.join(", ")}` : null,
  ]
    .filter(Boolean)
    .join(". ");
  return {
    id: hit.id,
    title: hit.title,
    organisation: hit.organisation,
    snippet: hit.snippet,
    facts: ` · ${parts.join(" · ")}`,
    reasons: reasons || null,
  };
}

/** The results as a list: title (link), organisation, facts, snippet, and why it matched. */
export function SearchHits({
  hits,
  proposeHref,
}: {
  hits: HitView[];
  /** When the search is part of a proposal: the propose page for an offering. */
  proposeHref?: (offeringId: string) => string;
}) {
  const t = useT();
  return (
    <ol className="search-hits">
      {hits.map((hit, index) => (
        <li key={hit.id}>
          <h3>
            <Link to={`/offerings/${hit.id}`} id={`hit-${index + 1}`}>
              <Marked text={hit.title} />
            </Link>
          </h3>
          <p className="search-facts">
            <Marked text={hit.organisation} />
            {hit.facts}
          </p>
          <p>
            <Marked text={hit.snippet} />
          </p>
          {hit.reasons ? <p className="search-reasons">{hit.reasons}</p> : null}
          {proposeHref ? (
            <p>
              <a className="ds-button" data-variant="secondary" href={proposeHref(hit.id)}>
                {t("bridge.proposeThis")}
                <span className="ds-sr-only">{`: ${hit.title.join("")}`}</span>
              </a>
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The empty result: "Ingen treff." and links to the same search without one filter. */
export function NoHits({
  suggestions,
  filters,
  search,
}: {
  suggestions: { without: FilterName | "q"; count: number }[];
  filters: SearchFilters;
  /** The current URL's query string. */
  search: string;
}) {
  const t = useT();
  const params = new URLSearchParams(search);
  if (suggestions.length === 0) return <p>{t("search.noSuggestion")}</p>;
  return (
    <ul className="search-suggestions">
      {suggestions.map(({ without, count }) => (
        <li key={without}>
          <Link to={`?${searchWithout(params, without)}`}>
            {without === "q"
              ? t("search.suggestionQuery", { count })
              : t("search.suggestion", { filter: filterText(t, without, filters), count })}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** The messages for what the URL had that the search could not use as it was. */
export function problemText(t: Translate, problem: SearchProblem): string {
  switch (problem.kind) {
    case "tooLong":
      return t("search.problem.tooLong", { max: problem.max });
    case "tooManyWords":
      return t("search.problem.tooManyWords", { max: problem.max });
    case "unknownValue":
      return t("search.problem.unknownValue", { filter: t(filterLabel[problem.filter]) });
  }
}
