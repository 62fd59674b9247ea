import { lifeAreas, type LifeArea, type PlanPart } from "../../../db/enums";
import type { AreaPlan, CrisisPlan, Goal, PlanAction, PlanOverview } from "./document";

/*
 * The plan's history (issue 12, ADR 020): what the plan looked like when a meeting's minutes
 * were locked, and what changed between two such moments. Pure functions shared by the server
 * and the page; plan-history.server.ts stores and reads the snapshots.
 */

/** The plain data of every part of a plan at one moment (as stored in plan_snapshots.plan). */
export interface PlanSnapshot {
  overview: PlanOverview | null;
  /** The life areas' goals and actions, keyed by area; an area without a document is absent. */
  areas: Partial<Record<LifeArea, AreaPlan>>;
  crisis: CrisisPlan | null;
}

/** A goal as the history shows it: its id and the person's words. */
export interface GoalLine {
  id: string;
  inMyWords: string;
}
export interface GoalReworded extends GoalLine {
  before: string;
}
/** An action as the history shows it. */
export interface ActionLine {
  id: string;
  what: string;
  due: string | null;
}
export interface ActionMoved extends ActionLine {
  dueBefore: string | null;
}

/** What changed in one life area between two snapshots. */
export interface AreaChanges {
  area: LifeArea;
  goalsAdded: GoalLine[];
  goalsReworded: GoalReworded[];
  goalsReached: GoalLine[];
  goalsRemoved: GoalLine[];
  actionsAdded: ActionLine[];
  actionsDone: ActionLine[];
  /** Due date changed (set, moved or cleared). */
  actionsMoved: ActionMoved[];
  actionsRemoved: ActionLine[];
}

export interface PlanChanges {
  /** Only areas where something changed, in the order of db/enums.ts lifeAreas. */
  areas: AreaChanges[];
  /** Whether any text, contact or date of the crisis plan changed; null when not shown. */
  crisisChanged: boolean | null;
}

/** An empty snapshot: the plan before anything was written. */
export const EMPTY_SNAPSHOT: PlanSnapshot = { overview: null, areas: {}, crisis: null };

const goalLine = (goal: Goal): GoalLine => ({ id: goal.id, inMyWords: goal.inMyWords });
const actionLine = (action: PlanAction): ActionLine => ({
  id: action.id,
  what: action.what,
  due: action.due,
});

/** What changed in one area from `before` to `after` (either may be absent: no goals). */
export function diffArea(
  area: LifeArea,
  before: AreaPlan | undefined,
  after: AreaPlan | undefined,
): AreaChanges {
  const oldGoals = new Map((before?.goals ?? []).map((goal) => [goal.id, goal]));
  const newGoals = new Map((after?.goals ?? []).map((goal) => [goal.id, goal]));
  const oldActions = new Map((before?.actions ?? []).map((action) => [action.id, action]));
  const newActions = new Map((after?.actions ?? []).map((action) => [action.id, action]));
  const changes: AreaChanges = {
    area,
    goalsAdded: [],
    goalsReworded: [],
    goalsReached: [],
    goalsRemoved: [],
    actionsAdded: [],
    actionsDone: [],
    actionsMoved: [],
    actionsRemoved: [],
  };
  for (const goal of newGoals.values()) {
    const old = oldGoals.get(goal.id);
    if (!old) {
      changes.goalsAdded.push(goalLine(goal));
      if (goal.status === "reached") changes.goalsReached.push(goalLine(goal));
      continue;
    }
    if (old.inMyWords.trim() !== goal.inMyWords.trim())
      changes.goalsReworded.push({ ...goalLine(goal), before: old.inMyWords });
    if (old.status !== "reached" && goal.status === "reached")
      changes.goalsReached.push(goalLine(goal));
  }
  for (const goal of oldGoals.values())
    if (!newGoals.has(goal.id)) changes.goalsRemoved.push(goalLine(goal));
  for (const action of newActions.values()) {
    const old = oldActions.get(action.id);
    if (!old) {
      changes.actionsAdded.push(actionLine(action));
      if (action.status === "done") changes.actionsDone.push(actionLine(action));
      continue;
    }
    if (old.status !== "done" && action.status === "done")
      changes.actionsDone.push(actionLine(action));
    if (old.due !== action.due)
      changes.actionsMoved.push({ ...actionLine(action), dueBefore: old.due });
  }
  for (const action of oldActions.values())
    if (!newActions.has(action.id)) changes.actionsRemoved.push(actionLine(action));
  return changes;
}

/** Whether an area's changes hold anything at all. */
export function areaChanged(changes: AreaChanges): boolean {
  return (
    changes.goalsAdded.length +
      changes.goalsReworded.length +
      changes.goalsReached.length +
      changes.goalsRemoved.length +
      changes.actionsAdded.length +
      changes.actionsDone.length +
      changes.actionsMoved.length +
      changes.actionsRemoved.length >
    0
  );
}

function crisisEqual(a: CrisisPlan | null, b: CrisisPlan | null): boolean {
  const plain = (crisis: CrisisPlan | null) =>
    JSON.stringify(
      crisis
        ? {
            earlySigns: crisis.earlySigns,
            whatHelps: crisis.whatHelps,
            whatOthersDo: crisis.whatOthersDo,
            agreedOn: crisis.agreedOn,
            revisedOn: crisis.revisedOn,
            contacts: crisis.contacts.map((c) => [c.id, c.name, c.how]),
          }
        : null,
    );
  return plain(a) === plain(b);
}

/**
 * What changed from `before` to `after`, limited to the parts `visible` (a partner's parts in
 * force, or "all" for leaders and the person): a part outside it is never compared, so nothing
 * of it reaches the page. Areas in the order of lifeAreas; only those with a change.
 */
export function diffPlans(
  before: PlanSnapshot,
  after: PlanSnapshot,
  visible: ReadonlySet<PlanPart> | "all",
): PlanChanges {
  const sees = (part: PlanPart) => visible === "all" || visible.has(part);
  const areas = lifeAreas
    .filter((area) => sees(area))
    .map((area) => diffArea(area, before.areas[area], after.areas[area]))
    .filter(areaChanged);
  return {
    areas,
    crisisChanged: sees("crisis_plan") ? !crisisEqual(before.crisis, after.crisis) : null,
  };
}

/**
 * A snapshot with only the parts in `visible`: what may be handed to a page for a partner.
 * The overview goes with any part (ADR 017).
 */
export function visibleSnapshot(
  snapshot: PlanSnapshot,
  visible: ReadonlySet<PlanPart> | "all",
): PlanSnapshot {
  if (visible === "all") return snapshot;
  const areas: PlanSnapshot["areas"] = {};
  for (const area of lifeAreas) {
    const plan = snapshot.areas[area];
    if (plan && visible.has(area)) areas[area] = plan;
  }
  return {
    overview: visible.size > 0 ? snapshot.overview : null,
    areas,
    crisis: visible.has("crisis_plan") ? snapshot.crisis : null,
  };
}
