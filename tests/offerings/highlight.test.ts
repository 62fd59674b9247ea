/*
 * The marks that say why a search result matched (app/features/offerings/highlight.ts) and
 * the price text on a result: pure functions, no database.
 */
import { describe, expect, it } from "vitest";
import {
  markedParts,
  markedText,
  matchRanges,
  segmentsOf,
  snippet,
} from "../../app/features/offerings/highlight";
import { formatCost } from "../../app/features/offerings/labels";

const marked = (text: string, ranges: [number, number][]) =>
  segmentsOf(text, ranges)
    .filter((s) => s.mark)
    .map((s) => s.text);

describe("markedText", () => {
  it("gives plain and marked parts in turn, starting plain", () => {
    expect(markedText(segmentsOf("Tur og prat", [[0, 3]]))).toEqual(["", "Tur", " og prat"]);
    expect(
      markedText(
        segmentsOf("Kor og korps", [
          [0, 3],
          [7, 10],
        ]),
      ),
    ).toEqual(["", "Kor", " og ", "kor", "ps"]);
    expect(markedText(segmentsOf("Strikkekafé", []))).toEqual(["Strikkekafé"]);
    expect(markedText([])).toEqual([""]);
  });

  it("joins adjacent plain parts (a snippet's ellipses) and keeps the marks", () => {
    const text = `${"lang tekst ".repeat(30)}med korps til slutt`;
    const parts = markedText(snippet(text, matchRanges(text, [{ term: "korps", stem: "korps" }])));
    expect(parts[0]!.startsWith("… ")).toBe(true);
    expect(markedParts(parts)).toEqual(["korps"]);
    expect(parts.join("")).toContain("med korps til slutt");
  });
});

describe("matchRanges", () => {
  it("marks a word by its stem, and a part of a compound word", () => {
    const terms = [{ term: "møte", stem: "møt" }];
    expect(
      marked("Møter i ansvarsgruppemøte", matchRanges("Møter i ansvarsgruppemøte", terms)),
    ).toEqual(["Møter", "møte"]);
  });

  it("marks the whole word when only a short ending follows the term", () => {
    const terms = [{ term: "fotbal", stem: "fotbal" }];
    expect(marked("Gåfotball på tirsdager", matchRanges("Gåfotball på tirsdager", terms))).toEqual([
      "fotball",
    ]);
  });

  it("marks a word with a typo only when the search used typos", () => {
    const terms = [{ term: "bærplukkng", stem: "bærplukkng" }];
    const text = "Bærplukking i skogen";
    expect(matchRanges(text, terms)).toEqual([]);
    expect(marked(text, matchRanges(text, terms, true))).toEqual(["Bærplukking"]);
    // Two typos are allowed in a long word, not three; none in a short one.
    const two = [{ term: "bærplukkig", stem: "x" }];
    expect(marked("bærplukking", matchRanges("bærplukking", two, true))).toEqual(["bærplukking"]);
    expect(matchRanges("bærplakkong", [{ term: "bærplukkig", stem: "x" }], true)).toEqual([]);
    expect(matchRanges("kor", [{ term: "kar", stem: "kar" }], true)).toEqual([]);
  });

  it("keeps æ, ø and å apart and keeps offsets when lower-casing", () => {
    const terms = [{ term: "bær", stem: "bær" }];
    expect(matchRanges("Quiz på Bar 13", terms)).toEqual([]);
    expect(marked("ÆRE og BÆR", matchRanges("ÆRE og BÆR", terms))).toEqual(["BÆR"]);
    // A letter whose lower case is longer ("İ") does not shift the marks of the others.
    const text = "İstanbul-kor og bær";
    expect(marked(text, matchRanges(text, terms))).toEqual(["bær"]);
  });

  it("leaves out stop words and marks nothing without terms", () => {
    expect(matchRanges("kaffe og kaker", [{ term: "og", stem: "" }])).toEqual([]);
    expect(matchRanges("kaffe og kaker", [])).toEqual([]);
    expect(matchRanges("", [{ term: "kaffe", stem: "kaff" }])).toEqual([]);
  });
});

describe("snippet", () => {
  it("cuts a long text around the first match at spaces, with ellipses", () => {
    const text = `${"Lang innledning om ingenting. ".repeat(10)}Her er turgruppa som går hver torsdag. ${"Mer tekst etterpå. ".repeat(10)}`;
    const ranges = matchRanges(text, [{ term: "turgruppa", stem: "turgrupp" }]);
    const segments = snippet(text, ranges, 80);
    expect(segments[0]).toEqual({ text: "… " });
    expect(segments.at(-1)).toEqual({ text: " …" });
    expect(segments.filter((s) => s.mark).map((s) => s.text)).toEqual(["turgruppa"]);
    const inner = segments
      .slice(1, -1)
      .map((s) => s.text)
      .join("");
    expect(inner.length).toBeLessThanOrEqual(80);
    expect(inner.startsWith(" ") || inner.endsWith(" ")).toBe(false);
  });

  it("keeps a short text whole", () => {
    const text = "Kor for alle";
    expect(snippet(text, matchRanges(text, [{ term: "kor", stem: "kor" }]))).toEqual([
      { text: "Kor", mark: true },
      { text: " for alle" },
    ]);
  });
});

describe("formatCost", () => {
  it("writes free, whole kroner and øre in each language", () => {
    expect(formatCost(0, "Gratis", "nb")).toBe("Gratis");
    expect(formatCost(5000, "Gratis", "nb")).toBe("50 kr");
    expect(formatCost(4950, "Gratis", "nb")).toBe("49,50 kr");
    expect(formatCost(4950, "Free", "en")).toBe("49.50 kr");
    expect(formatCost(5000, "Gratis", "nb")).toBe("50 kr");
    expect(formatCost(150000, "Free", "en")).toBe("1,500 kr");
    expect(formatCost(150000, "Gratis", "nb")).toBe("1\u00a0500 kr");
  });
});
