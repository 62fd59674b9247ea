import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import {
  addCrisisContact,
  addGoal,
  addPlanAction,
  addSubGoal,
  chooseAreas,
  crisisText,
  addContribution,
  entryText,
  readAreaPlan,
  removePlanEntry,
  setCrisisDates,
  setOverview,
  setSubGoalReached,
  readCrisisPlan,
  readOverview,
  setGoal,
  setPlanAction,
  PLAN_PARTS,
} from "../../app/features/plan/document";
import { refusedPlanChange } from "../../app/features/plan/policy";
import { PERSON_REF } from "../../app/features/documents/shapes";

/* The plan's documents (issue 12): structure, defensive reading, and the person's own words. */
const LEADER = "user:7c0a3f5e-1d2b-4c3d-8e9f-0a1b2c3d4e5f";
const NAV = "member:11111111-2222-4333-8444-555555555555";

/** The update `change` makes to a copy of `doc`, as a client would send it. */
function updateFrom(doc: Y.Doc, change: (copy: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(copy);
  change(copy);
  return Y.encodeStateAsUpdate(copy, before);
}

const goalWordsText = (doc: Y.Doc, id: string) =>
  (doc.getMap(PLAN_PARTS.goals).get(id) as Y.Map<unknown>).get("inMyWords") as Y.Text;

describe("an area of the plan", () => {
  it("keeps goals with the person's words, sub-goals, CHIME tags and actions in order", () => {
    const doc = new Y.Doc();
    const first = addGoal(
      doc,
      { inMyWords: "Jeg vil ha min egen leilighet", by: PERSON_REF, chime: ["identity"] },
      1,
    );
    const second = addGoal(doc, { inMyWords: "Ha venner å gå tur med", by: LEADER }, 2);
    addSubGoal(doc, first, "Søke Husbanken om startlån", 3);
    setGoal(doc, second, { chime: { tag: "connectedness", on: true } });
    setGoal(doc, first, { status: "reached" });
    const action = addPlanAction(
      doc,
      { what: "Følge til visning", responsible: NAV, due: "2026-12-10", goalId: first, by: LEADER },
      4,
    );
    setPlanAction(doc, action, { status: "in_progress" });
    const { plan, problems } = readAreaPlan(doc);
    expect(problems).toEqual([]);
    expect(plan.goals.map((g) => [g.inMyWords, g.status, g.chime, g.createdBy])).toEqual([
      ["Jeg vil ha min egen leilighet", "reached", ["identity"], PERSON_REF],
      ["Ha venner å gå tur med", "active", ["connectedness"], LEADER],
    ]);
    expect(plan.goals[0]!.subGoals.map((s) => s.text)).toEqual(["Søke Husbanken om startlån"]);
    expect(plan.actions).toMatchObject([
      {
        what: "Følge til visning",
        responsible: NAV,
        due: "2026-12-10",
        status: "in_progress",
        goalId: first,
      },
    ]);
    expect(() =>
      addPlanAction(doc, {
        what: "x",
        responsible: null,
        due: "10.12.2026",
        goalId: null,
        by: null,
      }),
    ).toThrow(RangeError);
  });

  it("leaves out and names parts of a wrong shape from a modified client, never throws", () => {
    const doc = new Y.Doc();
    const id = addGoal(doc, { inMyWords: "Sove bedre", by: PERSON_REF });
    const goals = doc.getMap(PLAN_PARTS.goals);
    goals.set("not-a-valid-id!", "garbage");
    goals.set("abcdefgh12", new Y.Map([["inMyWords", 42]]) as Y.Map<unknown>);
    const goal = goals.get(id) as Y.Map<unknown>;
    goal.set("status", "cured");
    (goal.get("chime") as Y.Map<unknown>).set("diagnosis", true);
    const actions = doc.getMap(PLAN_PARTS.actions);
    actions.set(
      "zzzzzzzz99",
      new Y.Map([
        ["what", "Ring fastlegen"],
        ["due", "soon"],
        ["goalId", "gone-goal-1"],
        ["responsible", "admin"],
      ]) as Y.Map<unknown>,
    );
    const { plan, problems } = readAreaPlan(doc);
    expect(plan.goals.map((g) => [g.inMyWords, g.status, g.chime])).toEqual([
      ["Sove bedre", "active", []],
    ]);
    // A goal id that does not exist is read as no goal.
    expect(plan.actions).toMatchObject([
      { what: "Ring fastlegen", due: null, goalId: null, responsible: null },
    ]);
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        "actions.zzzzzzzz99.due",
        "actions.zzzzzzzz99.responsible",
        "goals.abcdefgh12.inMyWords",
        `goals.${id}.chime.diagnosis`,
        `goals.${id}.status`,
        "goals.not-a-valid-id!",
      ].sort(),
    );
  });
});

describe("the crisis plan and the overview", () => {
  it("reads the crisis plan's texts and contacts, and the areas the person chose in their order", () => {
    const crisis = new Y.Doc();
    crisisText(crisis, "earlySigns").insert(0, "Jeg slutter å svare på telefonen");
    crisisText(crisis, "whatHelps").insert(0, "Gå en tur med Per");
    addCrisisContact(crisis, "Legevakten", "116 117");
    crisis.getMap(PLAN_PARTS.crisis).set("agreedOn", "2026-11-30");
    expect(readCrisisPlan(crisis)).toEqual({
      crisis: {
        earlySigns: "Jeg slutter å svare på telefonen",
        whatHelps: "Gå en tur med Per",
        whatOthersDo: "",
        contacts: [expect.objectContaining({ name: "Legevakten", how: "116 117" })],
        agreedOn: "2026-11-30",
        revisedOn: null,
      },
      problems: [],
    });

    const overview = new Y.Doc();
    chooseAreas(overview, ["housing", "work_activity", "mental_health"]);
    chooseAreas(overview, ["mental_health", "housing"]);
    overview.getMap(PLAN_PARTS.areas).set("astrology", "a0");
    const read = readOverview(overview);
    expect(read.overview.areas).toEqual(["mental_health", "housing"]);
    expect(read.problems).toEqual([{ path: "areas.astrology", reason: "not a life area" }]);
  });
});

describe("the person's own words", () => {
  const withGoals = () => {
    const doc = new Y.Doc();
    const persons = addGoal(doc, { inMyWords: "Jeg vil tilbake til jobb", by: PERSON_REF });
    const empty = addGoal(doc, { inMyWords: "", by: LEADER });
    return { doc, persons, empty };
  };

  it("others may not rewrite them, nor remove a goal the person wrote", () => {
    const { doc, persons } = withGoals();
    const rewrite = updateFrom(doc, (copy) => goalWordsText(copy, persons).insert(0, "Kanskje: "));
    expect(refusedPlanChange(doc, rewrite, LEADER)).toBe("the person's own words");
    expect(refusedPlanChange(doc, rewrite, NAV)).toBe("the person's own words");
    const remove = updateFrom(doc, (copy) => copy.getMap(PLAN_PARTS.goals).delete(persons));
    expect(refusedPlanChange(doc, remove, LEADER)).toBe("a goal the person wrote");
    expect(refusedPlanChange(doc, new Uint8Array([1, 2, 3]), LEADER)).toBe("unreadable update");
  });

  it("the person may; a leader writes down a new goal, fills an empty one, and sets status and tags", () => {
    const { doc, persons, empty } = withGoals();
    const rewrite = updateFrom(doc, (copy) => goalWordsText(copy, persons).insert(0, "Snart: "));
    expect(refusedPlanChange(doc, rewrite, PERSON_REF)).toBeNull();
    const fill = updateFrom(doc, (copy) =>
      goalWordsText(copy, empty).insert(0, "Flytte nærmere mamma"),
    );
    expect(refusedPlanChange(doc, fill, LEADER)).toBeNull();
    const added = updateFrom(doc, (copy) =>
      addGoal(copy, { inMyWords: "Lære å kjøre bil", by: LEADER }),
    );
    expect(refusedPlanChange(doc, added, LEADER)).toBeNull();
    const status = updateFrom(doc, (copy) =>
      setGoal(copy, persons, { status: "reached", chime: { tag: "hope_optimism", on: true } }),
    );
    expect(refusedPlanChange(doc, status, LEADER)).toBeNull();
    // The check never changes the document it judges.
    expect(goalWordsText(doc, persons).toString()).toBe("Jeg vil tilbake til jobb");
  });
});

describe("the changes the plan page makes", () => {
  it("sets the overview and the crisis plan's dates, adds contributions, marks sub-goals, removes entries", () => {
    const overview = new Y.Doc();
    setOverview(overview, { coordinator: LEADER, periodFrom: "2026-01-01", periodTo: null });
    expect(() => setOverview(overview, { periodTo: "1.1.2027" })).toThrow(RangeError);
    const contribution = addContribution(overview, PERSON_REF, "Jeg kommer på møtene");
    let read = readOverview(overview).overview;
    expect(read).toMatchObject({ coordinator: LEADER, periodFrom: "2026-01-01", periodTo: null });
    expect(read.contributions.map((c) => c.text)).toEqual(["Jeg kommer på møtene"]);
    entryText(overview, PLAN_PARTS.contributions, contribution, "text")!.insert(0, "Ja. ");
    expect(readOverview(overview).overview.contributions[0]!.text).toBe("Ja. Jeg kommer på møtene");
    removePlanEntry(overview, "contributions", contribution);
    read = readOverview(overview).overview;
    expect(read.contributions).toEqual([]);

    const crisis = new Y.Doc();
    setCrisisDates(crisis, { agreedOn: "2026-02-03" });
    expect(() => setCrisisDates(crisis, { revisedOn: "soon" })).toThrow(RangeError);
    const contact = addCrisisContact(crisis, "Mamma", "ring henne");
    expect(readCrisisPlan(crisis).crisis).toMatchObject({
      agreedOn: "2026-02-03",
      revisedOn: null,
    });
    removePlanEntry(crisis, "contacts", contact);
    expect(readCrisisPlan(crisis).crisis.contacts).toEqual([]);

    const area = new Y.Doc();
    const goal = addGoal(area, { inMyWords: "Sove bedre", by: PERSON_REF });
    const sub = addSubGoal(area, goal, "Legge meg før midnatt")!;
    expect(setSubGoalReached(area, goal, sub, true)).toBe(true);
    expect(setSubGoalReached(area, goal, "no-such-sub-goal", true)).toBe(false);
    const action = addPlanAction(area, {
      what: "Prøve en fast kveldsrutine",
      responsible: PERSON_REF,
      due: null,
      goalId: goal,
      by: LEADER,
    });
    expect(readAreaPlan(area).plan.goals[0]!.subGoals[0]!.reached).toBe(true);
    // A leader may not remove the goal the person wrote; the person may.
    const removal = updateFrom(area, (copy) => removePlanEntry(copy, "goals", goal));
    expect(refusedPlanChange(area, removal, LEADER)).toBe("a goal the person wrote");
    expect(refusedPlanChange(area, removal, PERSON_REF)).toBeNull();
    removePlanEntry(area, "goals", goal);
    const after = readAreaPlan(area).plan;
    expect(after.goals).toEqual([]);
    expect(after.actions.find((a) => a.id === action)?.goalId).toBeNull();
  });
});
