import { generateKeyBetween } from "fractional-indexing";
import * as Y from "yjs";
import { chimeElements, lifeAreas, type ChimeElement, type LifeArea } from "../../../db/enums";
import {
  DATE,
  date,
  entries,
  ID,
  newId,
  note,
  oneOf,
  ref,
  text,
  time,
  type Problem,
  type Ref,
} from "../documents/shapes";

/*
 * The person's plan as live documents (ADR 017): the overview `plan:<networkId>`, one document
 * per life area `plan:<networkId>:<area>` and the crisis plan `plan:<networkId>:crisis_plan`.
 * Their structure, the only functions that change them, and the readers that turn them into
 * plain data, leaving out and naming parts of a wrong shape. Browser and server share this
 * file; docs/documents.md describes the structure. Goals, actions, sub-goals, contacts and
 * contributions are Y.Maps keyed by id with a fractional `order`, as in the agenda (ADR 014).
 */

// One list for plans and offerings (db/enums.ts); re-exported where plans have always found it.
export { chimeElements, type ChimeElement };
export const goalStatuses = ["active", "reached", "paused"] as const;
export type GoalStatus = (typeof goalStatuses)[number];
/** An action's status between meetings (issue 12: done, in progress or blocked). */
export const planActionStatuses = ["open", "in_progress", "blocked", "done"] as const;
export type PlanActionStatus = (typeof planActionStatuses)[number];

/** Top-level parts of each kind of plan document. */
export const PLAN_PARTS = {
  /** Area documents: Y.Map<goalId, Y.Map>. */
  goals: "goals",
  /** Area documents: Y.Map<actionId, Y.Map> (tiltak). */
  actions: "actions",
  /** The crisis plan: Y.Map with the texts and the dates it was agreed and revised. */
  crisis: "crisis",
  /** The crisis plan: Y.Map<contactId, Y.Map> (who to contact and how). */
  contacts: "contacts",
  /** The overview: Y.Map with coordinator, period and the person's consent to the plan. */
  overview: "overview",
  /** The overview: Y.Map<LifeArea, order key>, the areas the person chose. */
  areas: "areas",
  /** The overview: Y.Map<id, Y.Map>: what the person, services and relatives contribute. */
  contributions: "contributions",
} as const;

/** Limits for one field; longer values from a modified client are cut when read. */
export const PLAN_LIMITS = { line: 1000, words: 5000, entries: 200 } as const;

export interface SubGoal {
  id: string;
  text: string;
  reached: boolean;
  at: number;
}
export interface Goal {
  id: string;
  /** The goal as the person puts it: first-class, never rewritten by others (policy.ts). */
  inMyWords: string;
  status: GoalStatus;
  chime: ChimeElement[];
  /** The resources the person brings to it, in their words. */
  resources: string;
  subGoals: SubGoal[];
  createdBy: Ref | null;
  at: number;
}
export interface PlanAction {
  id: string;
  what: string;
  responsible: Ref | null;
  /** Oslo calendar date YYYY-MM-DD, or null. */
  due: string | null;
  status: PlanActionStatus;
  /** The goal it serves (in the same area), or null. */
  goalId: string | null;
  createdBy: Ref | null;
  at: number;
}
export interface AreaPlan {
  goals: Goal[];
  actions: PlanAction[];
}
export interface CrisisContact {
  id: string;
  name: string;
  /** How to reach them (phone number, "ring mamma", …). */
  how: string;
  at: number;
}
export interface CrisisPlan {
  earlySigns: string;
  whatHelps: string;
  whatOthersDo: string;
  contacts: CrisisContact[];
  /** When it was agreed with the person, and last revised together (YYYY-MM-DD). */
  agreedOn: string | null;
  revisedOn: string | null;
}
export interface Contribution {
  id: string;
  who: Ref;
  text: string;
  at: number;
}
export interface PlanOverview {
  areas: LifeArea[];
  coordinator: Ref | null;
  periodFrom: string | null;
  periodTo: string | null;
  /** When the person consented to the plan (YYYY-MM-DD), or null. */
  personConsentOn: string | null;
  contributions: Contribution[];
}

export const CRISIS_TEXTS = ["earlySigns", "whatHelps", "whatOthersDo"] as const;
export type CrisisText = (typeof CRISIS_TEXTS)[number];

// ---- reading ---------------------------------------------------------------------------------

/** One life area's goals and actions as plain data; wrong shapes left out and named. */
export function readAreaPlan(doc: Y.Doc): { plan: AreaPlan; problems: Problem[] } {
  const problems: Problem[] = [];
  const goals = entries(
    doc.getMap(PLAN_PARTS.goals),
    "goals",
    problems,
    readGoal,
    PLAN_LIMITS.entries,
  );
  const goalIds = new Set(goals.map((goal) => goal.id));
  const actions = entries(
    doc.getMap(PLAN_PARTS.actions),
    "actions",
    problems,
    readAction,
    PLAN_LIMITS.entries,
  ).map((action) =>
    action.goalId && !goalIds.has(action.goalId) ? { ...action, goalId: null } : action,
  );
  return { plan: { goals, actions }, problems };
}

function readGoal(
  id: string,
  map: Y.Map<unknown>,
  path: string,
  problems: Problem[],
): Goal | undefined {
  const words = text(map.get("inMyWords"), PLAN_LIMITS.words);
  if (words === null) return void problems.push({ path: `${path}.inMyWords`, reason: "not text" });
  const chime: ChimeElement[] = [];
  const rawChime = map.get("chime");
  if (rawChime instanceof Y.Map) {
    for (const [tag, on] of (rawChime as Y.Map<unknown>).entries()) {
      if ((chimeElements as readonly string[]).includes(tag) && on === true)
        chime.push(tag as ChimeElement);
      else if (on !== false)
        problems.push({ path: `${path}.chime.${tag}`, reason: "not a CHIME element" });
    }
  } else note(rawChime === undefined, `${path}.chime`, problems);
  chime.sort((a, b) => chimeElements.indexOf(a) - chimeElements.indexOf(b));
  return {
    id,
    inMyWords: words,
    status: oneOf(map.get("status"), goalStatuses, "active", `${path}.status`, problems),
    chime,
    resources: text(map.get("resources"), PLAN_LIMITS.words) ?? "",
    subGoals: entries(
      map.get("subGoals"),
      `${path}.subGoals`,
      problems,
      readSubGoal,
      PLAN_LIMITS.entries,
    ),
    createdBy: ref(map.get("createdBy"), `${path}.createdBy`, problems),
    at: time(map),
  };
}

function readSubGoal(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) {
  const value = text(map.get("text"), PLAN_LIMITS.line);
  if (value === null) return void problems.push({ path: `${path}.text`, reason: "not text" });
  return { id, text: value, reached: map.get("reached") === true, at: time(map) };
}

function readAction(id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) {
  const what = text(map.get("what"), PLAN_LIMITS.line);
  if (what === null) return void problems.push({ path: `${path}.what`, reason: "not text" });
  const goalId = map.get("goalId");
  return {
    id,
    what,
    responsible: ref(map.get("responsible"), `${path}.responsible`, problems),
    due: date(map.get("due"), `${path}.due`, problems),
    status: oneOf(map.get("status"), planActionStatuses, "open", `${path}.status`, problems),
    goalId:
      typeof goalId === "string" && ID.test(goalId)
        ? goalId
        : note(goalId === undefined || goalId === null, `${path}.goalId`, problems),
    createdBy: ref(map.get("createdBy"), `${path}.createdBy`, problems),
    at: time(map),
  };
}

/** The crisis plan as plain data; wrong shapes left out and named. */
export function readCrisisPlan(doc: Y.Doc): { crisis: CrisisPlan; problems: Problem[] } {
  const problems: Problem[] = [];
  const map = doc.getMap(PLAN_PARTS.crisis);
  const texts = Object.fromEntries(
    CRISIS_TEXTS.map((key) => {
      const value = map.get(key);
      const read = text(value, PLAN_LIMITS.words);
      if (read === null) note(value === undefined, `crisis.${key}`, problems);
      return [key, read ?? ""];
    }),
  ) as Record<CrisisText, string>;
  const contacts = entries(
    doc.getMap(PLAN_PARTS.contacts),
    "contacts",
    problems,
    (id, contact, path, found) => {
      const name = text(contact.get("name"), PLAN_LIMITS.line);
      if (name === null) return void found.push({ path: `${path}.name`, reason: "not text" });
      return { id, name, how: text(contact.get("how"), PLAN_LIMITS.line) ?? "", at: time(contact) };
    },
    PLAN_LIMITS.entries,
  );
  return {
    crisis: {
      ...texts,
      contacts,
      agreedOn: date(map.get("agreedOn"), "crisis.agreedOn", problems),
      revisedOn: date(map.get("revisedOn"), "crisis.revisedOn", problems),
    },
    problems,
  };
}

/** The plan's overview as plain data; wrong shapes left out and named. */
export function readOverview(doc: Y.Doc): { overview: PlanOverview; problems: Problem[] } {
  const problems: Problem[] = [];
  const map = doc.getMap(PLAN_PARTS.overview);
  const areas: { order: string; item: { id: LifeArea } }[] = [];
  for (const [area, order] of doc.getMap(PLAN_PARTS.areas).entries()) {
    if ((lifeAreas as readonly string[]).includes(area) && typeof order === "string") {
      areas.push({ order, item: { id: area as LifeArea } });
    } else if (order !== null) problems.push({ path: `areas.${area}`, reason: "not a life area" });
  }
  areas.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  return {
    overview: {
      areas: areas.map((entry) => entry.item.id),
      coordinator: ref(map.get("coordinator"), "overview.coordinator", problems),
      periodFrom: date(map.get("periodFrom"), "overview.periodFrom", problems),
      periodTo: date(map.get("periodTo"), "overview.periodTo", problems),
      personConsentOn: date(map.get("personConsentOn"), "overview.personConsentOn", problems),
      contributions: entries(
        doc.getMap(PLAN_PARTS.contributions),
        "contributions",
        problems,
        (id, entry, path, found) => {
          const who = ref(entry.get("who"), `${path}.who`, found);
          const value = text(entry.get("text"), PLAN_LIMITS.words);
          if (!who || value === null)
            return void found.push({ path, reason: "needs who and text" });
          return { id, who, text: value, at: time(entry) };
        },
        PLAN_LIMITS.entries,
      ),
    },
    problems,
  };
}

// ---- changing --------------------------------------------------------------------------------

function lastOrder(map: Y.Map<unknown>): string | null {
  let last: string | null = null;
  for (const value of map.values()) {
    const order = value instanceof Y.Map ? value.get("order") : null;
    if (typeof order === "string" && (last === null || order > last)) last = order;
  }
  return last;
}

function textOf(value: string): Y.Text {
  const shared = new Y.Text();
  shared.insert(0, value);
  return shared;
}

function entryMap(doc: Y.Doc, part: string, id: string): Y.Map<unknown> | null {
  const value = doc.getMap(part).get(id);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

/**
 * Adds a goal at the end of an area document: the person's words, and optionally CHIME tags
 * and resources. Returns its id.
 */
export function addGoal(
  doc: Y.Doc,
  input: { inMyWords: string; chime?: ChimeElement[]; resources?: string; by: Ref | null },
  at = Date.now(),
): string {
  const id = newId();
  doc.transact(() => {
    const goals = doc.getMap(PLAN_PARTS.goals);
    const goal = new Y.Map<unknown>();
    goal.set("order", generateKeyBetween(lastOrder(goals), null));
    goal.set("inMyWords", textOf(input.inMyWords.slice(0, PLAN_LIMITS.words)));
    goal.set("status", "active");
    const chime = new Y.Map<unknown>();
    for (const tag of input.chime ?? []) chime.set(tag, true);
    goal.set("chime", chime);
    goal.set("resources", textOf((input.resources ?? "").slice(0, PLAN_LIMITS.words)));
    goal.set("subGoals", new Y.Map());
    goal.set("createdBy", input.by);
    goal.set("at", at);
    goals.set(id, goal);
  });
  return id;
}

/** Sets a goal's status or one CHIME tag. False when there is no such goal. */
export function setGoal(
  doc: Y.Doc,
  goalId: string,
  change: { status?: GoalStatus; chime?: { tag: ChimeElement; on: boolean } },
): boolean {
  const goal = entryMap(doc, PLAN_PARTS.goals, goalId);
  if (!goal) return false;
  doc.transact(() => {
    if (change.status) goal.set("status", change.status);
    if (change.chime) {
      let chime = goal.get("chime");
      if (!(chime instanceof Y.Map)) goal.set("chime", (chime = new Y.Map()));
      (chime as Y.Map<unknown>).set(change.chime.tag, change.chime.on);
    }
  });
  return true;
}

/** Adds a sub-goal to a goal. Returns its id, or null when there is no such goal. */
export function addSubGoal(
  doc: Y.Doc,
  goalId: string,
  value: string,
  at = Date.now(),
): string | null {
  const goal = entryMap(doc, PLAN_PARTS.goals, goalId);
  if (!goal) return null;
  const id = newId();
  doc.transact(() => {
    let subGoals = goal.get("subGoals");
    if (!(subGoals instanceof Y.Map)) goal.set("subGoals", (subGoals = new Y.Map()));
    const map = subGoals as Y.Map<unknown>;
    const sub = new Y.Map<unknown>();
    sub.set("order", generateKeyBetween(lastOrder(map), null));
    sub.set("text", textOf(value.slice(0, PLAN_LIMITS.line)));
    sub.set("reached", false);
    sub.set("at", at);
    map.set(id, sub);
  });
  return id;
}

/** Adds an action (tiltak) to an area document. Returns its id. */
export function addPlanAction(
  doc: Y.Doc,
  input: {
    what: string;
    responsible: Ref | null;
    due: string | null;
    goalId: string | null;
    by: Ref | null;
  },
  at = Date.now(),
): string {
  if (input.due !== null && !DATE.test(input.due)) throw new RangeError("due must be YYYY-MM-DD");
  const id = newId();
  doc.transact(() => {
    const actions = doc.getMap(PLAN_PARTS.actions);
    const action = new Y.Map<unknown>();
    action.set("order", generateKeyBetween(lastOrder(actions), null));
    action.set("what", textOf(input.what.slice(0, PLAN_LIMITS.line)));
    action.set("responsible", input.responsible);
    action.set("due", input.due);
    action.set("status", "open");
    action.set("goalId", input.goalId);
    action.set("createdBy", input.by);
    action.set("at", at);
    actions.set(id, action);
  });
  return id;
}

/** Sets an action's status, responsible or due date. False when there is no such action. */
export function setPlanAction(
  doc: Y.Doc,
  actionId: string,
  change: { status?: PlanActionStatus; responsible?: Ref | null; due?: string | null },
): boolean {
  const action = entryMap(doc, PLAN_PARTS.actions, actionId);
  if (!action) return false;
  if (change.due && !DATE.test(change.due)) throw new RangeError("due must be YYYY-MM-DD");
  doc.transact(() => {
    for (const [key, value] of Object.entries(change))
      if (value !== undefined) action.set(key, value);
  });
  return true;
}

/** Chooses which life areas the plan has (the person decides), keeping the order of `areas`. */
export function chooseAreas(doc: Y.Doc, areas: LifeArea[]): void {
  doc.transact(() => {
    const map = doc.getMap(PLAN_PARTS.areas);
    for (const area of [...map.keys()]) if (!areas.includes(area as LifeArea)) map.delete(area);
    let previous: string | null = null;
    for (const area of areas) {
      const order = generateKeyBetween(previous, null);
      if (map.get(area) !== order) map.set(area, order);
      previous = order;
    }
  });
}

/** The Y.Text of one of the crisis plan's texts, created on first use. */
export function crisisText(doc: Y.Doc, key: CrisisText): Y.Text {
  const map = doc.getMap(PLAN_PARTS.crisis);
  const value = map.get(key);
  if (value instanceof Y.Text) return value;
  const created = new Y.Text();
  map.set(key, created);
  return created;
}

/** Adds someone to contact in a crisis, and how. Returns the entry's id. */
export function addCrisisContact(doc: Y.Doc, name: string, how: string, at = Date.now()): string {
  const id = newId();
  doc.transact(() => {
    const contacts = doc.getMap(PLAN_PARTS.contacts);
    const contact = new Y.Map<unknown>();
    contact.set("order", generateKeyBetween(lastOrder(contacts), null));
    contact.set("name", name.slice(0, PLAN_LIMITS.line));
    contact.set("how", how.slice(0, PLAN_LIMITS.line));
    contact.set("at", at);
    contacts.set(id, contact);
  });
  return id;
}

/**
 * Sets fields of the overview: who coordinates (a Ref or null), the plan period and the date
 * the person consented to the plan (YYYY-MM-DD or null). Throws RangeError for a malformed
 * date; fields left undefined are not touched.
 */
export function setOverview(
  doc: Y.Doc,
  change: Partial<
    Pick<PlanOverview, "coordinator" | "periodFrom" | "periodTo" | "personConsentOn">
  >,
): void {
  for (const key of ["periodFrom", "periodTo", "personConsentOn"] as const) {
    const value = change[key];
    if (value && !DATE.test(value)) throw new RangeError(`${key} must be YYYY-MM-DD`);
  }
  doc.transact(() => {
    const map = doc.getMap(PLAN_PARTS.overview);
    for (const [key, value] of Object.entries(change))
      if (value !== undefined) map.set(key, value === "" ? null : value);
  });
}

/**
 * Adds what one party (the person, a member or a leader: `who`) contributes to the plan.
 * Returns the entry's id.
 */
export function addContribution(doc: Y.Doc, who: Ref, value: string, at = Date.now()): string {
  const id = newId();
  doc.transact(() => {
    const contributions = doc.getMap(PLAN_PARTS.contributions);
    const entry = new Y.Map<unknown>();
    entry.set("order", generateKeyBetween(lastOrder(contributions), null));
    entry.set("who", who);
    entry.set("text", textOf(value.slice(0, PLAN_LIMITS.words)));
    entry.set("at", at);
    contributions.set(id, entry);
  });
  return id;
}

/** The Y.Text of one field (`inMyWords`, `resources`, `what`, `text`) of an entry, or null. */
export function entryText(doc: Y.Doc, part: string, id: string, field: string): Y.Text | null {
  const value = entryMap(doc, part, id)?.get(field);
  return value instanceof Y.Text ? value : null;
}

/** Marks a sub-goal reached or not. False when there is no such goal or sub-goal. */
export function setSubGoalReached(
  doc: Y.Doc,
  goalId: string,
  subGoalId: string,
  reached: boolean,
): boolean {
  const subGoals = entryMap(doc, PLAN_PARTS.goals, goalId)?.get("subGoals");
  const sub = subGoals instanceof Y.Map ? (subGoals as Y.Map<unknown>).get(subGoalId) : null;
  if (!(sub instanceof Y.Map)) return false;
  sub.set("reached", reached);
  return true;
}

/** Sets the dates the crisis plan was agreed and last revised (YYYY-MM-DD, or null). */
export function setCrisisDates(
  doc: Y.Doc,
  change: { agreedOn?: string | null; revisedOn?: string | null },
): void {
  for (const value of Object.values(change))
    if (value && !DATE.test(value)) throw new RangeError("dates must be YYYY-MM-DD");
  doc.transact(() => {
    const map = doc.getMap(PLAN_PARTS.crisis);
    for (const [key, value] of Object.entries(change))
      if (value !== undefined) map.set(key, value || null);
  });
}

/** The keyed parts whose entries can be removed. */
export type RemovablePart = "goals" | "actions" | "contacts" | "contributions";

/**
 * Removes one entry (a goal, action, crisis contact or contribution). An action that served a
 * removed goal reads as serving none (readAreaPlan). Who may remove a goal the person wrote is
 * policy.ts's rule (only the person); the server refuses others with 4422.
 */
export function removePlanEntry(doc: Y.Doc, part: RemovablePart, id: string): void {
  doc.getMap(PLAN_PARTS[part]).delete(id);
}
