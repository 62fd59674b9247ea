/*
 * One search hit as the page shows it (search-view.tsx hitView): the facts line and the
 * reasons are written in the loader, in the reader's language. Pure: no database.
 */
import { describe, expect, it } from "vitest";
import { parseSearchParams } from "../../app/features/offerings/search-params";
import { hitView } from "../../app/features/offerings/search-view";
import type { SearchHit } from "../../app/features/offerings/search.server";

const hit: SearchHit = {
  id: "o1",
  title: ["", "Quiz", " på kafé"],
  organisation: ["Testvik idrettslag"],
  snippet: ["Hver tirsdag."],
  category: "social_meeting_place",
  status: "paused",
  costOre: 5050,
  weeklySlots: [{ weekday: 2, start: "18:00", end: "20:00" }],
  dates: [],
  reasons: {
    foundIn: ["title", "description"],
    filters: ["free", "weekday"],
    slots: [{ weekday: 2, start: "18:00", end: "20:00" }],
  },
};
const filters = parseSearchParams(new URLSearchParams("q=quiz&free=on&weekday=2")).request.filters;

describe("hitView", () => {
  it("writes the facts and why it matched in bokmål", () => {
    const view = hitView(hit, filters, "nb");
    expect(view.title).toEqual(["", "Quiz", " på kafé"]);
    expect(view.facts).toMatch(/^ · Sosial møteplass · 50,50 kr · .*18[.:]00.* · Satt på pause$/);
    expect(view.reasons).toMatch(/^Treff i .+\. Passer med: Gratis, .*18[.:]00/);
  });

  it("writes them in English for a reader who chose English", () => {
    const view = hitView(hit, filters, "en");
    expect(view.facts).toMatch(/^ · Social meeting place · 50\.50 kr · .* · Paused$/);
    expect(view.reasons).toMatch(/^Found in .+\. Matches: Free, /);
  });

  it("leaves the reasons out when nothing is to be said, and shows dates without slots", () => {
    const view = hitView(
      {
        ...hit,
        status: "active",
        costOre: 0,
        weeklySlots: [],
        dates: ["2026-12-24"],
        reasons: { foundIn: [], filters: [], slots: [] },
      },
      parseSearchParams(new URLSearchParams("")).request.filters,
      "nb",
    );
    expect(view.reasons).toBeNull();
    expect(view.facts).toMatch(/^ · Sosial møteplass · Gratis · .*24.*$/);
    expect(view.facts).not.toContain("pause");
  });
});
