import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { and, asc, eq, isNull } from "drizzle-orm";
import * as Y from "yjs";
import { getDatabase } from "../../../db/client";
import { planParts, type LifeArea, type PlanPart } from "../../../db/enums";
import { networkLeaders, networkMembers, networks, persons, users } from "../../../db/schema";
import {
  invitationActorLabel,
  invitationByToken,
  invitationMayWrite,
} from "../access/invitations.server";
import { networkAccess, notFound } from "../access/access.server";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAuditNow, type AuditActor } from "../audit/audit.server";
import { planDocumentName, planPermissions } from "../documents/registry.server";
import { PERSON_REF, type Ref } from "../documents/shapes";
import { documentStateNow } from "../documents/state.server";
import { personFirstName } from "../networks/person-member.server";
import { bridgesForPlan, type BridgeSummary } from "../bridges/bridge-lists.server";
import { readStatusNote, type StatusNoteView } from "../tasks/status-note";
import { chunkUrls } from "../../utils/module-preload.server";
import { meetingActionsFor, type MeetingActionView } from "./meeting-actions.server";
import {
  PLAN_PARTS,
  readAreaPlan,
  readCrisisPlan,
  readOverview,
  type AreaPlan,
  type CrisisPlan,
  type PlanOverview,
} from "./document";

/*
 * What the plan pages (live, print, PDF; for leaders and partners with an account, and for the
 * person through their own link) need: who asks and what they may do, the names the plan may
 * mention, and the plan as it is now, read on the server with the readers of document.ts and
 * filtered by the one rule for plan documents (documents/registry.server.ts planPermissions):
 * a part the asker may not see is never read, only named as hidden. Every read is logged.
 */

export interface PlanPerson {
  ref: Ref;
  name: string;
}

/** The plan as it is now, as far as the asker may see it. */
export interface PlanSnapshot {
  overview: PlanOverview;
  /**
   * The areas the person chose, in order; `plan` null: a part the asker may not see.
   * `statusNotes`: the status note of each action that has one, by action id.
   */
  areas: { area: LifeArea; plan: AreaPlan | null; statusNotes: Record<string, StatusNoteView> }[];
  /** null: the asker may not see the crisis plan. */
  crisis: CrisisPlan | null;
}

export interface PlanPageData {
  networkId: string;
  /** What the page calls the person (their preferred or first name). */
  personName: string;
  /** "edit": leaders and the person; "read": a partner; "none": no consent for any part. */
  role: "edit" | "read" | "none";
  /** The parts the asker may open live (each its own document, ADR 017). */
  visible: PlanPart[];
  self: PlanPerson;
  /** Who the browser's local copies belong to (a user, or the person's invitation). */
  ownerKey: string;
  /** For the person's link: the ticket URL, to which `encodeURIComponent(document)` is added. */
  ticketBase?: string;
  people: PlanPerson[];
  /** The next revision date kept on the network (drives the follow-up meetings), YYYY-MM-DD. */
  revisionOn: string | null;
  /** Actions captured in meetings that the asker may see (meeting-actions.server.ts). */
  meetingActions: MeetingActionView[];
  /** Whether the meetings may be linked to (an account's pages; a link holder has none). */
  meetingLinks: boolean;
  /** Whether the asker may change the revision date (leaders, not the person's link). */
  mayEditRevision: boolean;
  snapshot: PlanSnapshot | null;
  /** Bridges to offerings, shown under the goal they serve (bridges/bridges.server.ts). */
  bridges: BridgeSummary[];
  /** Whether the asker may propose offerings (manages the network): "Foreslå tilbud" links. */
  proposeBridges: boolean;
  /** The live plan's chunks, for the page to preload (module-preload.server.ts); [] unless live. */
  preload: readonly string[];
}

/** The live plan's chunks for a page that will open it (the live view, not print or PDF). */
const livePlanChunks = (purpose: Purpose) =>
  purpose === "view" ? chunkUrls("app/features/plan/live-plan.tsx") : [];

type Purpose = "view" | "print" | "download";

const AUDIT_ACTION = { view: "plan.view", print: "plan.print", download: "plan.download" } as const;

/** The network, its person and who the plan may name: the person, members, leaders. */
async function planFacts(networkId: string) {
  const { db } = getDatabase();
  const [network] = await db
    .select({
      personId: persons.id,
      name: persons.name,
      preferredName: persons.preferredName,
      revisionOn: networks.planRevisionOn,
    })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(networks.id, networkId));
  if (!network) return null;
  const members = await db
    .select({ id: networkMembers.id, name: networkMembers.name })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.networkId, networkId),
        isNull(networkMembers.removedAt),
        eq(networkMembers.isPerson, false),
      ),
    )
    .orderBy(asc(networkMembers.name));
  const leaders = await db
    .select({ id: users.id, name: users.name })
    .from(networkLeaders)
    .innerJoin(users, eq(users.id, networkLeaders.userId))
    .where(eq(networkLeaders.networkId, networkId))
    .orderBy(asc(users.name));
  const personName = personFirstName(network);
  return {
    personId: network.personId,
    personName,
    revisionOn: network.revisionOn ?? null,
    people: [
      { ref: PERSON_REF, name: personName },
      ...members.map((m) => ({ ref: `member:${m.id}`, name: m.name })),
      ...leaders.map((l) => ({ ref: `user:${l.id}`, name: l.name })),
    ] satisfies PlanPerson[],
  };
}

async function readDocument<T>(name: string, read: (doc: Y.Doc) => T): Promise<T> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, await documentStateNow(name));
    return read(doc);
  } finally {
    doc.destroy();
  }
}

/** One area's plan and its actions' status notes (written between meetings, tasks/status). */
function readArea(doc: Y.Doc): { plan: AreaPlan; statusNotes: Record<string, StatusNoteView> } {
  const plan = readAreaPlan(doc).plan;
  const maps = doc.getMap(PLAN_PARTS.actions);
  const statusNotes: Record<string, StatusNoteView> = {};
  for (const action of plan.actions) {
    const note = readStatusNote(maps.get(action.id), action.status);
    if (note) statusNotes[action.id] = note;
  }
  return { plan, statusNotes };
}

/**
 * The plan of `networkId` now, reading only the overview and the parts in `visible` (the
 * caller has checked that the asker may see the overview). Wrong shapes are left out.
 */
export async function planSnapshot(
  networkId: string,
  visible: ReadonlySet<PlanPart>,
): Promise<PlanSnapshot> {
  const overview = await readDocument(
    planDocumentName(networkId),
    (doc) => readOverview(doc).overview,
  );
  const areas = await Promise.all(
    overview.areas.map(async (area) =>
      visible.has(area)
        ? { area, ...(await readDocument(planDocumentName(networkId, area), readArea)) }
        : { area, plan: null, statusNotes: {} },
    ),
  );
  const crisis = visible.has("crisis_plan")
    ? await readDocument(
        planDocumentName(networkId, "crisis_plan"),
        (doc) => readCrisisPlan(doc).crisis,
      )
    : null;
  return { overview, areas, crisis };
}

async function logged(
  actor: AuditActor,
  purpose: Purpose,
  networkId: string,
  personId: string,
  visible: PlanPart[],
  bridges: number,
) {
  await recordAuditNow(actor, {
    action: AUDIT_ACTION[purpose],
    subjectType: "network",
    subjectId: networkId,
    personId,
    // The bridges shown under the goals are read with the plan (issue 13).
    details: bridges > 0 ? { parts: visible, bridges } : { parts: visible },
  });
}

/**
 * The plan of a network for a logged-in user: those who manage the network edit all of it; a
 * partner who is a member reads the parts their consent covers (role "none" without any);
 * anyone else gets the 404 answer. Logged (plan.view, plan.print or plan.download) unless the
 * role is "none" (nothing was shown).
 */
export async function planForUser(
  user: SessionUser,
  context: { clientIp: string },
  networkId: string,
  purpose: Purpose,
): Promise<PlanPageData> {
  const facts = await planFacts(networkId);
  if (!facts) notFound();
  const access = await networkAccess(user, networkId, facts.personId);
  if (access.level === "none") notFound();
  const permissions = await planPermissions(user, networkId);
  const visible = planParts.filter((part) => permissions.parts[part] !== "none");
  const role =
    permissions.overview === "edit" ? "edit" : permissions.overview === "read" ? "read" : "none";
  const base = {
    networkId,
    personName: facts.personName,
    role,
    visible: role === "none" ? [] : visible,
    self: { ref: `user:${user.id}`, name: user.name },
    ownerKey: `user:${user.id}`,
    people: role === "none" ? [] : facts.people,
    revisionOn: role === "none" ? null : facts.revisionOn,
    mayEditRevision: access.level === "manage",
    meetingLinks: true,
    proposeBridges: access.level === "manage" && role === "edit",
  } satisfies Omit<PlanPageData, "snapshot" | "meetingActions" | "bridges" | "preload">;
  if (role === "none") {
    return { ...base, meetingActions: [], snapshot: null, bridges: [], preload: [] };
  }
  const meetingActions = await meetingActionsFor(networkId, role === "edit" ? "all" : user);
  const snapshot = await planSnapshot(networkId, new Set(visible));
  const bridges = await bridgesForPlan(networkId, new Set(visible), role === "edit");
  await logged(
    auditActor(user, context),
    purpose,
    networkId,
    facts.personId,
    visible,
    bridges.length,
  );
  return { ...base, meetingActions, snapshot, bridges, preload: livePlanChunks(purpose) };
}

/**
 * The whole plan through the person's own personal link, to read and write without an
 * account (issue 12), while the link is current and its meeting not cancelled; null for any
 * other link (the 404 answer). Logged as the person.
 */
export async function planForLink(
  token: string,
  ip: string,
  purpose: Purpose,
): Promise<PlanPageData | null> {
  const found = await invitationByToken(token);
  if (!invitationMayWrite(found, "plan")) return null;
  const facts = await planFacts(found.networkId);
  if (!facts) return null;
  const visible = [...planParts];
  const snapshot = await planSnapshot(found.networkId, new Set(visible));
  const bridges = await bridgesForPlan(found.networkId, new Set(visible), true);
  await logged(
    { label: invitationActorLabel(found), municipalityId: found.municipalityId, ip },
    purpose,
    found.networkId,
    found.personId,
    visible,
    bridges.length,
  );
  return {
    networkId: found.networkId,
    personName: facts.personName,
    role: "edit",
    visible,
    self: { ref: PERSON_REF, name: facts.personName },
    ownerKey: `invitation:${found.invitation.id}`,
    ticketBase: `/i/${token}/ticket?document=`,
    people: facts.people,
    revisionOn: facts.revisionOn,
    mayEditRevision: false,
    meetingActions: await meetingActionsFor(found.networkId, "all"),
    meetingLinks: false,
    snapshot,
    bridges,
    proposeBridges: false,
    preload: livePlanChunks(purpose),
  };
}

/**
 * The loader of the person's plan pages through their link (live page and print): the plan
 * for `purpose` (logged), or `{ plan: null }` with status 404 for any link that may not open
 * it (planForLink's rule).
 */
export async function personPlanLoader({ params, context }: LoaderFunctionArgs, purpose: Purpose) {
  const plan = await planForLink(params.token ?? "", context.clientIp, purpose);
  if (!plan) return data({ plan: null }, { status: 404 });
  return { plan };
}

/** The plain-text 403 answer for print and PDF without consent for any part of the plan. */
export function planForbidden(): never {
  throw new Response("Ingen tilgang. / No access.", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
