/*
 * Where a search's words are in a text, for showing why an offering matched (ADR 024). The
 * database decides what matches; this only finds the places to mark, with the same three
 * ideas: the word's stem (as PostgreSQL's norwegian stemmer gave it), the word inside a longer
 * (compound) word, and a small typo. Pure functions, no HTML: the page renders the segments
 * as text and <mark>, so nothing here is ever inserted as markup.
 */

/** A search word and its stem ("" for a stop word such as "og"). */
export interface SearchTerm {
  term: string;
  stem: string;
}

/** A piece of text, marked when it is (part of) a match. */
export interface Segment {
  text: string;
  mark?: true;
}

/*
 * Strings are compared by UTF-16 code unit: every letter of Norwegian, Sami and the other
 * languages of the catalogue is one unit, and no array of letters is built for each word
 * (this runs for every word of twenty results on every keystroke).
 */
let previousRow = new Uint16Array(64);
let currentRow = new Uint16Array(64);

/** Edit distance between two short strings, stopping early past `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (b.length + 1 > previousRow.length) {
    previousRow = new Uint16Array(b.length + 1);
    currentRow = new Uint16Array(b.length + 1);
  }
  let previous = previousRow;
  let current = currentRow;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let best = i;
    const letter = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = letter === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

/** Typos allowed in a word of this many letters: none below 4, one up to 6, then two. */
const typosFor = (length: number) => (length < 4 ? 0 : length < 7 ? 1 : 2);

/**
 * The part of `word` (lower-case) that matches one of the terms, as [start, end), or null.
 * Small typos count only when `typos` is set: when the database found the offering by
 * trigram similarity; otherwise the stem or the word itself is what matched.
 */
function matchInWord(
  word: string,
  terms: readonly SearchTerm[],
  typos: boolean,
): [number, number] | null {
  for (const { term, stem } of terms) {
    if (stem === "") continue; // a stop word: the search left it out too
    if (stem.length >= 2 && word.startsWith(stem)) return [0, word.length];
    const at = term.length >= 3 ? word.indexOf(term) : word === term ? 0 : -1;
    // Inside a compound word only the part ("møte" in "ansvarsgruppemøte"), through an
    // ending of up to two letters ("fotbal" in "gåfotball" marks "fotball").
    if (at >= 0) {
      const end = word.length - (at + term.length) <= 2 ? word.length : at + term.length;
      return [at, end];
    }
  }
  if (!typos) return null;
  for (const { term, stem } of terms) {
    const allowed = stem === "" ? 0 : typosFor(term.length);
    if (allowed === 0) continue;
    if (
      editDistance(word, term, allowed) <= allowed ||
      editDistance(word.slice(0, term.length), term, 1) <= 1
    )
      return [0, word.length];
  }
  return null;
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The [start, end) ranges of `text` that match the terms, in order, not overlapping. With
 * `typos`, a word within a small edit distance of a term matches too (the search's second
 * pass, ADR 024).
 */
export function matchRanges(
  text: string,
  terms: readonly SearchTerm[],
  typos = false,
): [number, number][] {
  if (terms.length === 0 || text === "") return [];
  const ranges: [number, number][] = [];
  // Lower-casing keeps the length of Norwegian letters, so offsets carry over; a text where
  // it does not (a rare letter such as "İ") is lower-cased word by word and such words skipped.
  // toLowerCase, not toLocaleLowerCase("nb"): the same for every Norwegian letter, and it does
  // not look up locale data for every call.
  const lower = text.toLowerCase();
  const whole = lower.length === text.length;
  for (const found of (whole ? lower : text).matchAll(WORD)) {
    const word = whole ? found[0] : found[0].toLowerCase();
    const hit = word.length === found[0].length ? matchInWord(word, terms, typos) : null;
    if (hit) ranges.push([found.index + hit[0], found.index + hit[1]]);
  }
  return ranges;
}

/** `text` cut into plain and marked segments at `ranges` (from matchRanges). */
export function segmentsOf(text: string, ranges: readonly [number, number][]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) segments.push({ text: text.slice(at, start) });
    segments.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at) });
  return segments;
}

/**
 * Segments as the page gets them: one array of strings, plain and marked in turn (even
 * indexes plain, odd ones marked; a text that starts with a match starts with ""). One string
 * per segment instead of an object per segment: the search page's data for ten hits had
 * ~100 such objects to encode, send and decode on every keystroke (ADR 024).
 */
export type MarkedText = string[];

/** Segments as MarkedText (adjacent plain segments joined). */
export function markedText(segments: readonly Segment[]): MarkedText {
  const parts: MarkedText = [""];
  for (const segment of segments) {
    const marked = parts.length % 2 === 0; // the last part is marked
    if (Boolean(segment.mark) === marked) parts[parts.length - 1] += segment.text;
    else parts.push(segment.text);
  }
  return parts;
}

/** The marked parts of a MarkedText, in order. */
export function markedParts(text: MarkedText): string[] {
  return text.filter((_, index) => index % 2 === 1);
}

/**
 * A window of about `length` characters of `text` around its first match (or its start), cut
 * at spaces, with "…" where text was left out, as segments. `ranges` are the text's matches
 * (from matchRanges).
 */
export function snippet(
  text: string,
  ranges: readonly [number, number][],
  length = 180,
): Segment[] {
  if (text.length <= length) return segmentsOf(text, ranges);
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(length / 3));
  if (start > 0) {
    const space = text.indexOf(" ", start);
    start = space >= 0 && space < first ? space + 1 : start;
  }
  let end = Math.min(text.length, start + length);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    end = space > start ? space : end;
  }
  const inside = ranges
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s - start, e - start] as [number, number]);
  const segments = segmentsOf(text.slice(start, end), inside);
  if (start > 0) segments.unshift({ text: "… " });
  if (end < text.length) segments.push({ text: " …" });
  return segments;
}
