import { describe, expect, it } from "vitest";
import type { AreaPlan, Goal, PlanAction } from "../../app/features/plan/document";
import {
  diffArea,
  diffPlans,
  EMPTY_SNAPSHOT,
  visibleSnapshot,
  type PlanSnapshot,
} from "../../app/features/plan/history";

/* What changed in the plan between two meetings (issue 12, ADR 020): the pure diff. */
const goal = (id: string, inMyWords: string, status: Goal["status"] = "active"): Goal => ({
  id,
  inMyWords,
  status,
  chime: [],
  resources: "",
  subGoals: [],
  createdBy: "person",
  at: 1,
});
const action = (
  id: string,
  what: string,
  due: string | null,
  status: PlanAction["status"] = "open",
): PlanAction => ({
  id,
  what,
  due,
  status,
  responsible: null,
  goalId: null,
  createdBy: null,
  at: 1,
});

const crisis = (earlySigns: string) => ({
  earlySigns,
  whatHelps: "",
  whatOthersDo: "",
  contacts: [],
  agreedOn: null,
  revisedOn: null,
});

describe("diffArea", () => {
  const before: AreaPlan = {
    goals: [goal("goal-aaaa", "Få en jobb"), goal("goal-bbbb", "Gå tur hver dag")],
    actions: [
      action("act-aaaaa", "Ring NAV", "2026-12-01"),
      action("act-bbbbb", "Søke kurs", null),
    ],
  };
  const after: AreaPlan = {
    goals: [
      goal("goal-aaaa", "Få en deltidsjobb"),
      goal("goal-bbbb", "Gå tur hver dag", "reached"),
      goal("goal-cccc", "Lage middag med venner"),
    ],
    actions: [
      action("act-aaaaa", "Ring NAV", "2026-12-15"),
      action("act-bbbbb", "Søke kurs", null, "done"),
      action("act-ccccc", "Besøke frivilligsentralen", "2027-01-10"),
    ],
  };

  it("names goals added, reworded, reached; actions added, done, moved", () => {
    const changes = diffArea("work_activity", before, after);
    expect(changes.goalsAdded.map((g) => g.id)).toEqual(["goal-cccc"]);
    expect(changes.goalsReworded).toEqual([
      { id: "goal-aaaa", inMyWords: "Få en deltidsjobb", before: "Få en jobb" },
    ]);
    expect(changes.goalsReached.map((g) => g.id)).toEqual(["goal-bbbb"]);
    expect(changes.actionsAdded.map((a) => a.id)).toEqual(["act-ccccc"]);
    expect(changes.actionsDone.map((a) => a.id)).toEqual(["act-bbbbb"]);
    expect(changes.actionsMoved).toEqual([
      { id: "act-aaaaa", what: "Ring NAV", due: "2026-12-15", dueBefore: "2026-12-01" },
    ]);
    expect(changes.goalsRemoved).toEqual([]);
    expect(changes.actionsRemoved).toEqual([]);
  });

  it("names what was removed, and finds nothing between equal plans", () => {
    const removed = diffArea("housing", before, { goals: [], actions: [] });
    expect(removed.goalsRemoved.map((g) => g.id)).toEqual(["goal-aaaa", "goal-bbbb"]);
    expect(removed.actionsRemoved.map((a) => a.id)).toEqual(["act-aaaaa", "act-bbbbb"]);
    const same = diffArea("housing", before, structuredClone(before));
    expect(Object.values(same).filter(Array.isArray).flat()).toEqual([]);
  });

  it("counts an area that did not exist as empty; a goal reached at once is added and reached", () => {
    const changes = diffArea("economy", undefined, {
      goals: [goal("goal-dddd", "Betale regningene", "reached")],
      actions: [action("act-ddddd", "Lage budsjett", null, "done")],
    });
    expect(changes.goalsAdded).toHaveLength(1);
    expect(changes.goalsReached).toHaveLength(1);
    expect(changes.actionsDone).toHaveLength(1);
  });

  it("does not count a change of spaces around the words as rewording", () => {
    const changes = diffArea(
      "housing",
      { goals: [goal("goal-eeee", "Egen leilighet")], actions: [] },
      { goals: [goal("goal-eeee", "Egen leilighet ")], actions: [] },
    );
    expect(changes.goalsReworded).toEqual([]);
  });
});

describe("diffPlans", () => {
  const before: PlanSnapshot = {
    overview: null,
    areas: { work_activity: { goals: [], actions: [] } },
    crisis: crisis("Sover dårlig"),
  };
  const after: PlanSnapshot = {
    overview: null,
    areas: {
      work_activity: { goals: [goal("goal-ffff", "Praksisplass")], actions: [] },
      mental_health: { goals: [goal("goal-gggg", "Roligere kvelder")], actions: [] },
    },
    crisis: crisis("Sover dårlig, trekker meg unna"),
  };

  it("shows leaders every area that changed and whether the crisis plan changed", () => {
    const changes = diffPlans(before, after, "all");
    expect(changes.areas.map((a) => a.area)).toEqual(["mental_health", "work_activity"]);
    expect(changes.crisisChanged).toBe(true);
    expect(diffPlans(after, after, "all")).toEqual({ areas: [], crisisChanged: false });
  });

  it("never compares a part the reader may not see", () => {
    const changes = diffPlans(before, after, new Set(["work_activity", "economy"] as const));
    expect(changes.areas.map((a) => a.area)).toEqual(["work_activity"]);
    expect(changes.crisisChanged).toBeNull();
    expect(JSON.stringify(changes)).not.toContain("Roligere");
    expect(JSON.stringify(changes)).not.toContain("trekker");
  });

  it("compares the first snapshot with an empty plan", () => {
    const changes = diffPlans(EMPTY_SNAPSHOT, after, "all");
    expect(changes.areas.flatMap((a) => a.goalsAdded.map((g) => g.id)).sort()).toEqual([
      "goal-ffff",
      "goal-gggg",
    ]);
  });
});

describe("visibleSnapshot", () => {
  it("keeps only the parts in force; the overview goes with any part", () => {
    const snapshot: PlanSnapshot = {
      overview: {
        areas: ["housing", "economy"],
        coordinator: null,
        periodFrom: null,
        periodTo: null,
        personConsentOn: null,
        contributions: [],
      },
      areas: { housing: { goals: [], actions: [] }, economy: { goals: [], actions: [] } },
      crisis: crisis("x"),
    };
    const economy = visibleSnapshot(snapshot, new Set(["economy"] as const));
    expect(Object.keys(economy.areas)).toEqual(["economy"]);
    expect(economy.crisis).toBeNull();
    expect(economy.overview).not.toBeNull();
    expect(visibleSnapshot(snapshot, new Set()).overview).toBeNull();
    expect(visibleSnapshot(snapshot, "all")).toBe(snapshot);
  });
});
