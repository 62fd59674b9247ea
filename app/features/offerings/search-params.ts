import { chimeElements, lifeAreas, type ChimeElement, type LifeArea } from "../../../db/enums";
import {
  offeringCategories,
  offeringLanguages,
  type OfferingCategory,
  type OfferingLanguage,
} from "../../../db/offering-enums";

/*
 * The offerings search's request as it stands in the URL (a plain GET form, so a search can be
 * shared and bookmarked), read in one place for server and page. No zod: the page imports it.
 * ADR 024.
 */

/** A query longer than this many characters is cut to it (and the page says so). */
export const SEARCH_MAX_LENGTH = 200;
/** At most this many words of a query are searched for (and the page says so). */
export const SEARCH_MAX_TERMS = 8;
/** Results shown at first, and how many more "Vis flere treff" adds. */
export const SEARCH_PAGE = 10;
/** At most this many results are shown; the page asks for more words or filters beyond it. */
export const SEARCH_MAX_SHOWN = 100;

export const timesOfDay = ["morning", "afternoon", "evening"] as const;
export type TimeOfDay = (typeof timesOfDay)[number];

/** The yes/no filters, each a checkbox named after it. */
export const flagFilters = ["free", "noReferral", "welcomeWhileUsing", "accessible"] as const;
export type FlagFilter = (typeof flagFilters)[number];

/** Every filter, in the order the form shows them; each is one URL parameter of that name. */
export const filterNames = [
  "category",
  "lifeArea",
  "chime",
  "weekday",
  "timeOfDay",
  ...flagFilters,
  "language",
  "age",
] as const;
export type FilterName = (typeof filterNames)[number];

export interface SearchFilters {
  category: OfferingCategory | null;
  lifeArea: LifeArea | null;
  chime: ChimeElement | null;
  /** ISO weekday, 1 = Monday. */
  weekday: number | null;
  timeOfDay: TimeOfDay | null;
  free: boolean;
  noReferral: boolean;
  welcomeWhileUsing: boolean;
  accessible: boolean;
  language: OfferingLanguage | null;
  /** The person's age in years (0–130): offerings whose age range includes it. */
  age: number | null;
}

export interface SearchRequest {
  /** The query as typed (cut to SEARCH_MAX_LENGTH). */
  q: string;
  /** The words searched for: lower-case letters and digits only, at least two characters. */
  terms: string[];
  filters: SearchFilters;
  /** Paused offerings too (retired ones are never search results). */
  includePaused: boolean;
  /** How many results to show: SEARCH_PAGE, or more after "Vis flere treff". */
  shown: number;
}

/** Something in the URL the search could not use as it was; the page shows each one. */
export type SearchProblem =
  | { kind: "tooLong"; max: number }
  | { kind: "tooManyWords"; max: number }
  | { kind: "unknownValue"; filter: FilterName };

const oneOf = <T extends string>(list: readonly T[], value: string | null): T | null =>
  value !== null && (list as readonly string[]).includes(value) ? (value as T) : null;

const FLAG_ON = new Set(["on", "true", "1", "ja", "yes"]);

/**
 * The words of a query: split at everything that is not a letter or digit (so SQL, regular
 * expression and quote characters never reach the database as syntax), lower-cased in
 * Norwegian, æ/ø/å kept, at least two characters, each once, at most SEARCH_MAX_TERMS.
 */
export function queryTerms(q: string): { terms: string[]; cut: boolean } {
  const words =
    q
      .normalize("NFC")
      .toLocaleLowerCase("nb")
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words.filter((word) => word.length >= 2))];
  return { terms: terms.slice(0, SEARCH_MAX_TERMS), cut: terms.length > SEARCH_MAX_TERMS };
}

/**
 * Reads the search from URL parameters. Never throws: an overlong query is cut, a value that
 * is not one of a filter's choices is ignored, and each such case is listed in `problems`.
 */
export function parseSearchParams(params: URLSearchParams): {
  request: SearchRequest;
  problems: SearchProblem[];
} {
  const problems: SearchProblem[] = [];
  let q = (params.get("q") ?? "").trim();
  if (q.length > SEARCH_MAX_LENGTH) {
    q = q.slice(0, SEARCH_MAX_LENGTH);
    problems.push({ kind: "tooLong", max: SEARCH_MAX_LENGTH });
  }
  const { terms, cut } = queryTerms(q);
  if (cut) problems.push({ kind: "tooManyWords", max: SEARCH_MAX_TERMS });

  const given = (name: FilterName) => {
    const value = params.get(name);
    return value === null || value.trim() === "" ? null : value.trim();
  };
  const choice = <T extends string>(name: FilterName, list: readonly T[]): T | null => {
    const value = given(name);
    const known = oneOf(list, value);
    if (value !== null && known === null) problems.push({ kind: "unknownValue", filter: name });
    return known;
  };
  const whole = (name: FilterName, min: number, max: number): number | null => {
    const value = given(name);
    if (value === null) return null;
    const number = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      problems.push({ kind: "unknownValue", filter: name });
      return null;
    }
    return number;
  };
  const flag = (name: FlagFilter) => {
    const value = given(name);
    if (value === null) return false;
    if (FLAG_ON.has(value.toLowerCase())) return true;
    problems.push({ kind: "unknownValue", filter: name });
    return false;
  };

  const filters: SearchFilters = {
    category: choice("category", offeringCategories),
    lifeArea: choice("lifeArea", lifeAreas),
    chime: choice("chime", chimeElements),
    weekday: whole("weekday", 1, 7),
    timeOfDay: choice("timeOfDay", timesOfDay),
    free: flag("free"),
    noReferral: flag("noReferral"),
    welcomeWhileUsing: flag("welcomeWhileUsing"),
    accessible: flag("accessible"),
    language: choice("language", offeringLanguages),
    age: whole("age", 0, 130),
  };
  const includePaused = FLAG_ON.has((params.get("includePaused") ?? "").toLowerCase());
  return { request: { q, terms, filters, includePaused, shown: shownOf(params) }, problems };
}

/**
 * The `shown` parameter (set by the "more" link, never typed): a whole number, rounded up to
 * whole pages of SEARCH_PAGE, at most SEARCH_MAX_SHOWN; SEARCH_PAGE when missing or not a number.
 */
function shownOf(params: URLSearchParams): number {
  const value = params.get("shown") ?? "";
  const number = /^\d{1,4}$/.test(value) ? Number(value) : SEARCH_PAGE;
  const pages = Math.max(1, Math.ceil(number / SEARCH_PAGE));
  return Math.min(pages * SEARCH_PAGE, SEARCH_MAX_SHOWN);
}

/** The same search showing `shown` results (the "Vis flere treff" link), as URL parameters. */
export function searchShowing(params: URLSearchParams, shown: number): string {
  const next = new URLSearchParams(params);
  next.set("shown", String(shown));
  return next.toString();
}

/** The filters that are set (a flag that is on, a choice that is made), in form order. */
export function activeFilters(filters: SearchFilters): FilterName[] {
  return filterNames.filter((name) => {
    const value = filters[name];
    return typeof value === "boolean" ? value : value !== null;
  });
}

/** The same search without one filter (or without the query, "q"), as URL parameters. */
export function searchWithout(params: URLSearchParams, name: FilterName | "q"): string {
  const next = new URLSearchParams(params);
  next.delete(name);
  next.delete("shown");
  return next.toString();
}
