import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { offerings, organisations, type WeeklySlot } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import {
  markedText,
  matchRanges,
  segmentsOf,
  snippet,
  type MarkedText,
  type SearchTerm,
} from "./highlight";
import { collator } from "./offerings.server";
import {
  activeFilters,
  type FilterName,
  type SearchFilters,
  type SearchRequest,
  type TimeOfDay,
} from "./search-params";

/*
 * The offerings search (issue 13, ADR 024): the rules of what matches, in one place.
 *
 * A word matches an offering when one of these holds, and every word must match:
 * - its norwegian stem is in the offering's weighted tsvector (title A, organisation B,
 *   description C, place D), so "møter" finds "møte" and "turer" finds "tur";
 * - (three letters or more) it is part of a word of the offering's text, so "møte" finds
 *   "ansvarsgruppemøte", which stemming alone does not, and "fotbal" finds "fotball";
 * - only when the words as written find fewer than TYPO_BELOW offerings: (three letters or
 *   more) a word of the text is similar to it by trigrams (pg_trgm's `<%`, word similarity
 *   ≥ 0.6), so "ansvarsgrupemøte" finds "ansvarsgruppemøte". That test costs ~80 µs per row
 *   without its index, which the planner underrates (ADR 024), so it runs as a second pass.
 * Stop words ("og", "for") are left out. The tsvector and the trigram text have GIN indexes.
 * Every filter must hold too. Only the user's municipality; retired offerings never, paused
 * ones only when asked for. With words, results sort by relevance, equal ones by title in the
 * database's order, then id: one total order in SQL, so showing ten more never reorders the
 * first ten. Without words, by title in Norwegian order (Intl.Collator, firstByTitle).
 */

/** Typos are looked for when the words as written find fewer offerings than this. */
export const TYPO_BELOW = 3;

/** Weekly slots starting before 12:00 are morning, before 17:00 afternoon, then evening. */
const TIME_OF_DAY: Record<TimeOfDay, [string, string]> = {
  morning: ["00:00", "12:00"],
  afternoon: ["12:00", "17:00"],
  evening: ["17:00", "24:00"],
};

/** Does a weekly slot fall on `weekday` (if given) and in `timeOfDay` (if given)? */
export function slotMatches(
  slot: WeeklySlot,
  weekday: number | null,
  timeOfDay: TimeOfDay | null,
): boolean {
  if (weekday !== null && slot.weekday !== weekday) return false;
  if (timeOfDay === null) return true;
  const [from, to] = TIME_OF_DAY[timeOfDay];
  return slot.start >= from && slot.start < to;
}

/**
 * How a value goes into a query: as itself (a parameter of this one query), or as a named
 * placeholder of a prepared query whose values are given when it runs (firstPass).
 */
type Bind = (name: string, value: unknown) => unknown;
const asValue: Bind = (_name, value) => value;
const asPlaceholder: Bind = (name) => sql.placeholder(name);

/** One SQL condition per active filter, by name (so one can be left out for a suggestion). */
function filterConditions(filters: SearchFilters, bind: Bind = asValue): Map<FilterName, SQL> {
  const conditions = new Map<FilterName, SQL>();
  if (filters.category)
    conditions.set("category", sql`${offerings.category} = ${bind("category", filters.category)}`);
  if (filters.lifeArea)
    conditions.set(
      "lifeArea",
      sql`${bind("lifeArea", filters.lifeArea)} = any(${offerings.lifeAreas})`,
    );
  if (filters.chime)
    conditions.set("chime", sql`${bind("chime", filters.chime)} = any(${offerings.chime})`);
  if (filters.language)
    conditions.set(
      "language",
      sql`${bind("language", filters.language)} = any(${offerings.languages})`,
    );
  // Weekday and time of day must hold for the same slot: one condition each, both on it.
  const slotCondition = (weekday: number | null, timeOfDay: TimeOfDay | null) => {
    const parts: SQL[] = [];
    if (weekday !== null) parts.push(sql`(slot->>'weekday')::int = ${bind("weekday", weekday)}`);
    if (timeOfDay !== null) {
      const [from, to] = TIME_OF_DAY[timeOfDay];
      parts.push(
        sql`slot->>'start' >= ${bind("from", from)} and slot->>'start' < ${bind("to", to)}`,
      );
    }
    return sql`exists (select 1 from jsonb_array_elements(${offerings.weeklySlots}) as slot where ${sql.join(parts, sql` and `)})`;
  };
  if (filters.weekday !== null)
    conditions.set("weekday", slotCondition(filters.weekday, filters.timeOfDay));
  if (filters.timeOfDay !== null)
    conditions.set("timeOfDay", slotCondition(filters.weekday, filters.timeOfDay));
  if (filters.free) conditions.set("free", sql`${offerings.costOre} = 0`);
  if (filters.noReferral) conditions.set("noReferral", sql`${offerings.noReferral} = true`);
  if (filters.welcomeWhileUsing)
    conditions.set("welcomeWhileUsing", sql`${offerings.welcomeWhileUsing} = true`);
  if (filters.accessible)
    conditions.set("accessible", sql`${offerings.wheelchairAccessible} = true`);
  if (filters.age !== null) {
    const age = bind("age", filters.age);
    conditions.set(
      "age",
      sql`(${offerings.ageMin} is null or ${offerings.ageMin} <= ${age}) and (${offerings.ageMax} is null or ${offerings.ageMax} >= ${age})`,
    );
  }
  return conditions;
}

/**
 * The condition that a word matches (see the module comment), with or without the typo test,
 * or null for a stop word.
 */
function termCondition(
  { term, stem }: SearchTerm,
  typos: boolean,
  index: number,
  bind: Bind = asValue,
): SQL | null {
  if (stem === "") return null;
  const word = bind(`t${index}`, term);
  const stemmed = sql`${offerings.searchVector} @@ plainto_tsquery('norwegian', ${word})`;
  if (term.length < 3) return stemmed;
  const similar = typos ? sql` or ${word} <% ${offerings.searchText}` : sql``;
  return sql`(${stemmed} or ${offerings.searchText} like ${bind(`p${index}`, likePattern(term))}${similar})`;
}

/** `%term%` for LIKE. Terms are letters and digits only (search-params.ts); escaped anyway. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/*
 * Stems by word, as PostgreSQL's norwegian stemmer gave them: the stemmer never changes while
 * the process runs, and the same words come again and again (a query grows as it is typed).
 * Bounded: emptied when full.
 */
const stemCache = new Map<string, string>();
const STEM_CACHE_SIZE = 5000;

/** Each word with its norwegian stem, from PostgreSQL's own stemmer ("" for stop words). */
async function stemsOf(terms: readonly string[]): Promise<SearchTerm[]> {
  const unknown = terms.filter((term) => !stemCache.has(term));
  if (unknown.length > 0) {
    const list = sql.join(
      unknown.map((term) => sql`${term}::text`),
      sql`, `,
    );
    const result = await getDatabase().db.execute(
      sql`select plainto_tsquery('norwegian', term)::text as query from unnest(array[${list}]) with ordinality as t(term, n) order by n`,
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      query: string;
    }[];
    if (stemCache.size + unknown.length > STEM_CACHE_SIZE) stemCache.clear();
    unknown.forEach((term, index) => {
      const lexeme = /'((?:[^']|'')*)'/.exec(rows[index]?.query ?? "");
      stemCache.set(term, lexeme ? lexeme[1]!.replace(/''/g, "'") : "");
    });
  }
  return terms.map((term) => ({ term, stem: stemCache.get(term) ?? "" }));
}

/** Why a result is in the list: where its words were found, and what the filters matched. */
export interface MatchReasons {
  /** The parts of the offering the words were found in. */
  foundIn: ("title" | "organisation" | "description" | "place")[];
  /** The filters set, each of which this offering meets. */
  filters: FilterName[];
  /** The weekly slots that meet the weekday and time-of-day filters (when those are set). */
  slots: WeeklySlot[];
}

export interface SearchHit {
  id: string;
  title: MarkedText;
  organisation: MarkedText;
  /** Part of the description around the first match. */
  snippet: MarkedText;
  category: (typeof offerings.$inferSelect)["category"];
  status: (typeof offerings.$inferSelect)["status"];
  costOre: number;
  weeklySlots: WeeklySlot[];
  /** The first dates, when there are no weekly slots (the page shows at most three). */
  dates: string[];
  reasons: MatchReasons;
}

/** "Without this filter (or without the words, "q") there would be `count` results." */
export interface Suggestion {
  without: FilterName | "q";
  count: number;
}

export interface SearchResult {
  /** How many offerings match in all (at most `shown` of the request are in `hits`). */
  total: number;
  hits: SearchHit[];
  /** When nothing matches: what to leave out to get results, most results first (≤ 3). */
  suggestions: Suggestion[];
  /** Whether the hits are in order of relevance (there were words), not of title. */
  ranked: boolean;
}

/**
 * Searches the catalogue of the user's municipality (anyone with "offerings.view"; the route
 * checks that). Parameters only: the words and filter values are never part of the SQL text.
 * Returns the best `request.shown` hits with highlighted words and the reasons they match, the
 * total count, and, when nothing matches, which filters to relax. Throws only on database
 * failure.
 */
export async function searchOfferings(
  user: SessionUser,
  request: SearchRequest,
): Promise<SearchResult> {
  const terms = await stemsOf(request.terms);
  const filters = filterConditions(request.filters);
  const base = baseConditions(user, request);
  const db = getDatabase().db;
  const conditionsOf = (typos: boolean) =>
    terms.map((t, i) => termCondition(t, typos, i)).filter((c): c is SQL => c !== null);
  let termConditions = conditionsOf(false);
  const { shown } = request;
  let rows =
    termConditions.length > 0
      ? await firstPass(db, user, request, terms, filters.keys())
      : await firstByTitle(db, and(...base, ...filters.values()), shown);
  let suggestions: Suggestion[] = [];
  let typos = false;
  const canTypo = terms.some((t) => t.stem !== "" && t.term.length >= 3);
  if (canTypo && Number(rows[0]?.total ?? 0) < TYPO_BELOW) {
    // The second pass, with the trigram test. Without an index PostgreSQL would test every
    // row (~0.3 s for 5,000), and its planner prefers that: the indexes are required here.
    termConditions = conditionsOf(true);
    typos = true;
    [rows, suggestions] = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const found = await rankedRows(
        tx,
        termConditions,
        base,
        filters,
        scoreOf(terms, true),
        shown,
      );
      const total = Number(found[0]?.total ?? 0);
      return [
        found,
        total === 0 ? await suggest(tx, base, termConditions, filters, request.filters) : [],
      ] as const;
    });
  } else if (rows.length === 0) {
    suggestions = await suggest(db, base, termConditions, filters, request.filters);
  }
  const total = Number(rows[0]?.total ?? 0);
  const active = activeFilters(request.filters);
  const hits = rows.slice(0, shown).map((row): SearchHit => {
    const title = matchRanges(row.title, terms, typos);
    const organisation = matchRanges(row.organisation, terms, typos);
    const description = matchRanges(row.description, terms, typos);
    const place = matchRanges(`${row.address ?? ""} ${row.accessibilityNotes ?? ""}`, terms, typos);
    const foundIn: MatchReasons["foundIn"] = [];
    if (title.length) foundIn.push("title");
    if (organisation.length) foundIn.push("organisation");
    if (description.length) foundIn.push("description");
    if (place.length) foundIn.push("place");
    const { weekday, timeOfDay } = request.filters;
    return {
      id: row.id,
      title: markedText(segmentsOf(row.title, title)),
      organisation: markedText(segmentsOf(row.organisation, organisation)),
      snippet: markedText(snippet(row.description, description)),
      category: row.category,
      status: row.status,
      costOre: row.costOre,
      weeklySlots: row.weeklySlots,
      dates: row.weeklySlots.length > 0 ? [] : row.dates.slice(0, 3),
      reasons: {
        foundIn,
        filters: active,
        slots:
          weekday !== null || timeOfDay !== null
            ? row.weeklySlots.filter((slot) => slotMatches(slot, weekday, timeOfDay))
            : [],
      },
    };
  });
  return { total, hits, suggestions, ranked: termConditions.length > 0 };
}

/**
 * How well an offering matches one word: its text rank (title weighs most), plus 1 when the
 * title holds the word as written. In the typo pass, the title's trigram word similarity
 * instead (1 for the word as written, less for a near miss). Every match is scored, so this
 * runs for hundreds of rows: word_similarity costs ~4 µs a row, strpos next to nothing.
 */
function termScore({ term }: SearchTerm, typos: boolean, index: number, bind: Bind): SQL {
  const word = bind(`t${index}`, term);
  const rank = sql`ts_rank(${offerings.searchVector}, plainto_tsquery('norwegian', ${word}))`;
  return typos
    ? sql`${rank} + word_similarity(${word}, lower(${offerings.title}))`
    : sql`${rank} + (strpos(lower(${offerings.title}), ${word}) > 0)::int`;
}

/** The score of a text search: the sum of its words' scores (termScore). */
function scoreOf(terms: readonly SearchTerm[], typos: boolean, bind: Bind = asValue): SQL<number> {
  const scores = terms.flatMap((t, i) => (t.stem === "" ? [] : [termScore(t, typos, i, bind)]));
  return sql<number>`(${sql.join(scores, sql` + `)})::float8`;
}

/** The user's municipality and the statuses searched (active, and paused when asked for). */
function baseConditions(user: SessionUser, request: SearchRequest, bind: Bind = asValue): SQL[] {
  return [
    sql`${offerings.municipalityId} = ${bind("municipality", user.municipalityId)}`,
    request.includePaused
      ? inArray(offerings.status, ["active", "paused"])
      : eq(offerings.status, "active"),
  ];
}

/** The columns a result is shown with. */
const hitColumns = {
  id: offerings.id,
  title: offerings.title,
  organisation: organisations.name,
  description: offerings.description,
  address: offerings.address,
  accessibilityNotes: offerings.accessibilityNotes,
  category: offerings.category,
  status: offerings.status,
  costOre: offerings.costOre,
  weeklySlots: offerings.weeklySlots,
  dates: offerings.dates,
};

/** The best `shown` matching rows by the database's rank (then title, then id), with the count. */
function rankedRows(
  db: Database,
  termConditions: SQL[],
  base: SQL[],
  filters: Map<FilterName, SQL>,
  score: SQL<number>,
  shown: unknown,
) {
  return db
    .select({ ...hitColumns, score, total: sql<number>`(count(*) over ())::int` })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(and(...base, ...termConditions, ...filters.values()))
    .orderBy(sql`${score} desc`, offerings.title, offerings.id)
    .limit(shown as number);
}

type FirstPass = ReturnType<ReturnType<typeof rankedRows>["prepare"]>;

/*
 * The first pass (words as written) as prepared queries, one per shape of search: which words
 * are stop words or short, which filters are set, paused or not. Building the query with
 * drizzle cost about a fifth of a millisecond per search (ADR 024, Figures); a search of a shape
 * seen before only fills in its values. Per database handle; bounded (emptied when full).
 */
const firstPasses = new WeakMap<Database, Map<string, FirstPass>>();
const FIRST_PASS_SHAPES = 500;
let firstPassesMade = 0;

/** The first pass's rows for words that are not all stop words (see searchOfferings). */
async function firstPass(
  db: Database,
  user: SessionUser,
  request: SearchRequest,
  terms: readonly SearchTerm[],
  /** The filters that have a condition (the keys of filterConditions for this request). */
  filterNames: Iterable<FilterName>,
) {
  const filters = request.filters;
  const shape = [
    request.includePaused ? "paused" : "active",
    terms.map((t) => (t.stem === "" ? "-" : t.term.length < 3 ? "s" : "w")).join(""),
    [...filterNames].join(","),
  ].join("|");
  let cache = firstPasses.get(db);
  if (!cache) firstPasses.set(db, (cache = new Map()));
  let query = cache.get(shape);
  if (!query) {
    const bind = asPlaceholder;
    const termConditions = terms
      .map((t, i) => termCondition(t, false, i, bind))
      .filter((c): c is SQL => c !== null);
    query = rankedRows(
      db,
      termConditions,
      baseConditions(user, request, bind),
      filterConditions(filters, bind),
      scoreOf(terms, false, bind),
      bind("shown", request.shown),
    ).prepare(`offerings_search_${++firstPassesMade}`);
    if (cache.size >= FIRST_PASS_SHAPES) cache.clear();
    cache.set(shape, query);
  }
  const values: Record<string, unknown> = {
    municipality: user.municipalityId,
    shown: request.shown,
    category: filters.category,
    lifeArea: filters.lifeArea,
    chime: filters.chime,
    language: filters.language,
    weekday: filters.weekday,
    age: filters.age,
  };
  if (filters.timeOfDay !== null) [values.from, values.to] = TIME_OF_DAY[filters.timeOfDay];
  terms.forEach(({ term }, i) => {
    values[`t${i}`] = term;
    values[`p${i}`] = likePattern(term);
  });
  return query.execute(values);
}

/**
 * Without words every match is as good as the next: the first `shown` in Norwegian title order.
 * PGlite has no Norwegian collation, so only ids and titles of all matches are read and sorted
 * here, and then only the rows shown are read whole (a filter alone can match thousands).
 */
async function firstByTitle(db: Database, where: SQL | undefined, shown: number) {
  const titles = await db
    .select({ id: offerings.id, title: offerings.title })
    .from(offerings)
    .where(where);
  titles.sort((a, b) => collator.compare(a.title, b.title) || (a.id < b.id ? -1 : 1));
  const ids = titles.slice(0, shown).map((row) => row.id);
  if (ids.length === 0) return [];
  const rows = await db
    .select(hitColumns)
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(inArray(offerings.id, ids));
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows
    .sort((a, b) => order.get(a.id)! - order.get(b.id)!)
    .map((row) => ({ ...row, score: 0, total: titles.length }));
}

/**
 * For an empty result: how many offerings each active filter (and the words, if any) keeps
 * out, counted with all the other conditions. Weekday and time of day are one pair: leaving
 * out the weekday keeps the time of day. The three that free most results, best first.
 */
async function suggest(
  db: Database,
  base: SQL[],
  termConditions: SQL[],
  filters: Map<FilterName, SQL>,
  values: SearchFilters,
): Promise<Suggestion[]> {
  const count = async (conditions: SQL[]) => {
    const [row] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(offerings)
      .where(and(...base, ...conditions));
    return Number(row?.count ?? 0);
  };
  const found: Suggestion[] = [];
  for (const name of filters.keys()) {
    const others = new Map(filters);
    others.delete(name);
    // The pair shares one slot test: without the weekday, test the time of day alone.
    if (name === "weekday" && values.timeOfDay !== null)
      others.set("timeOfDay", filterConditions({ ...values, weekday: null }).get("timeOfDay")!);
    if (name === "timeOfDay" && values.weekday !== null)
      others.set("weekday", filterConditions({ ...values, timeOfDay: null }).get("weekday")!);
    const n = await count([...termConditions, ...others.values()]);
    if (n > 0) found.push({ without: name, count: n });
  }
  if (termConditions.length > 0 && filters.size > 0) {
    const n = await count([...filters.values()]);
    if (n > 0) found.push({ without: "q", count: n });
  }
  return found.sort((a, b) => b.count - a.count).slice(0, 3);
}
