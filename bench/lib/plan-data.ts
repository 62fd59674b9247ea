/*
 * Data for the plan benchmark (bench:plan): networks with a whole plan each, written with the
 * real document code (app/features/plan/document.ts) into the realtime document store (table
 * document_updates, one stored state per document, as a compacted log holds it) and projected
 * into plan_goals / plan_actions with the real projection (app/features/tasks/
 * projection.server.ts), so the tables hold what the running server would have written.
 * People, networks, members, consents, meetings and invitations are inserted with SQL that
 * matches db/schema/*.ts.
 */
import crypto from "node:crypto";
import { DateTime } from "luxon";
import * as Y from "yjs";
import { openDatabase } from "../../db/client";
import { lifeAreas, type LifeArea } from "../../db/enums";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { PERSON_REF } from "../../app/features/documents/shapes";
import { addGoal, addPlanAction, chooseAreas } from "../../app/features/plan/document";
import { readProjection, writeProjection } from "../../app/features/tasks/projection.server";
import type { BenchDatabase } from "./bench-database";
import { insertMeetings, planMeetings } from "./calendar-data";
import { BenchError } from "./processes";

export const GOALS_PER_AREA = 5;
export const ACTIONS_PER_GOAL = 5;
/** The areas where the partner is responsible for an action (NAV: work and economy). */
const PARTNER_AREAS: LifeArea[] = ["work_activity", "economy"];

export interface PlanBenchData {
  networkIds: string[];
  /** Networks where the partner is a member with consent and responsible for actions. */
  partnerNetworkIds: string[];
  /** One action per area document, edited by the projection-lag phase. */
  editable: { documentName: string; networkId: string; area: LifeArea; actionId: string }[];
  /** Actions the partner is responsible for (open, so all on My tasks). */
  partnerActions: number;
  documents: number;
  goals: number;
  actions: number;
  projectMs: number;
}

const ROW_CHUNK = 200;

/** Runs one multi-row insert per chunk of `rows` (each row a list of parameters). */
async function insertRows(db: BenchDatabase, head: string, casts: string[], rows: unknown[][]) {
  for (let offset = 0; offset < rows.length; offset += ROW_CHUNK) {
    const chunk = rows.slice(offset, offset + ROW_CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((row) => {
      const at = params.length;
      params.push(...row);
      return `(${casts.map((cast, i) => `$${at + i + 1}${cast}`).join(", ")})`;
    });
    await db.query(`${head} values ${values.join(", ")}`, params);
  }
}

/** The responsible of action `n` of an area (not the partner's): the person, the leader, or none. */
function otherResponsible(n: number, leaderId: string): string | null {
  return n % 3 === 0 ? PERSON_REF : n % 3 === 1 ? `user:${leaderId}` : null;
}

/**
 * Builds one area document with the real document functions: GOALS_PER_AREA goals, each with
 * ACTIONS_PER_GOAL actions; the partner's member (if any) is responsible for the first action.
 */
function areaDocument(area: LifeArea, leaderId: string, partnerMemberId: string | null, n: number) {
  const doc = new Y.Doc();
  const today = DateTime.now().setZone("Europe/Oslo").startOf("day");
  const actionIds: string[] = [];
  for (let g = 0; g < GOALS_PER_AREA; g++) {
    const goalId = addGoal(doc, {
      inMyWords: `Mål ${g + 1} for ${area} i nettverk ${n + 1}: det jeg vil få til med egne ord`,
      chime: g % 2 === 0 ? ["hope_optimism", "meaning"] : ["connectedness"],
      resources: "Det jeg har med meg",
      by: `user:${leaderId}`,
    });
    for (let a = 0; a < ACTIONS_PER_GOAL; a++) {
      const index = g * ACTIONS_PER_GOAL + a;
      const due = today.plus({ days: ((index * 7 + n) % 60) - 20 }).toISODate()!;
      actionIds.push(
        addPlanAction(doc, {
          what: `Tiltak ${index + 1}: ${area}, nettverk ${n + 1}`,
          responsible:
            index === 0 && partnerMemberId
              ? `member:${partnerMemberId}`
              : otherResponsible(index, leaderId),
          due: index % 4 === 3 ? null : due,
          goalId,
          by: `user:${leaderId}`,
        }),
      );
    }
  }
  return { doc, actionIds };
}

/**
 * Inserts `networks` networks (a person each, the demo leader leading them), each with the
 * whole plan (overview choosing all seven areas; every area 5 goals × 5 actions), and makes
 * the partner a member with consent for the plan and the agenda in the first `partnerNetworks`
 * of them, responsible for one action in each of PARTNER_AREAS and invited to one upcoming
 * meeting. Then projects every area document into SQL with the real projection.
 */
export async function insertPlans(
  db: BenchDatabase,
  options: {
    networks: number;
    partnerNetworks: number;
    leaderId: string;
    partnerId: string;
    databaseUrl: string;
  },
): Promise<PlanBenchData> {
  const { leaderId, partnerId } = options;
  const [place] = await db.query<{ unit_id: string; municipality_id: string }>(
    "select unit_id, municipality_id from persons order by created_at limit 1",
  );
  if (!place) throw new BenchError("the demo seed has no person to take a unit from");
  const today = DateTime.now().setZone("Europe/Oslo").toISODate()!;
  const people = Array.from({ length: options.networks }, (_, n) => ({
    personId: crypto.randomUUID(),
    networkId: crypto.randomUUID(),
    personMemberId: crypto.randomUUID(),
    partnerMemberId: n < options.partnerNetworks ? crypto.randomUUID() : null,
    name: `Planbenk Person ${String(n + 1).padStart(3, "0")}`,
  }));
  const u = "::uuid";
  await insertRows(
    db,
    "insert into persons (id, municipality_id, unit_id, name, created_by_user_id)",
    [u, u, u, "", u],
    people.map((p) => [p.personId, place.municipality_id, place.unit_id, p.name, leaderId]),
  );
  await insertRows(
    db,
    "insert into person_leaders (person_id, user_id)",
    [u, u],
    people.map((p) => [p.personId, leaderId]),
  );
  await insertRows(
    db,
    "insert into networks (id, person_id, kind, created_by_user_id)",
    [u, u, "::network_kind", u],
    people.map((p) => [p.networkId, p.personId, "network_meeting_group", leaderId]),
  );
  await insertRows(
    db,
    "insert into network_leaders (network_id, user_id)",
    [u, u],
    people.map((p) => [p.networkId, leaderId]),
  );
  await insertRows(
    db,
    "insert into network_members (id, network_id, user_id, name, relation, organisation, " +
      "circle, is_person)",
    [u, u, u, "", "::member_relation", "", "::network_circle", "::boolean"],
    people.flatMap((p) => [
      [p.personMemberId, p.networkId, null, p.name, "other", null, "family_friends", true],
      ...(p.partnerMemberId
        ? [
            [
              p.partnerMemberId,
              p.networkId,
              partnerId,
              "NAV-veileder",
              "nav",
              "NAV Fjordvik",
              "services",
              false,
            ],
          ]
        : []),
    ]),
  );
  const partnerMembers = people.filter((p) => p.partnerMemberId);
  await insertRows(
    db,
    "insert into consents (member_id, content, plan_parts, given_on, method, " +
      "recorded_by_user_id)",
    [u, "::consent_content", "::text[]", "::date", "::consent_method", u],
    partnerMembers.flatMap((p) => [
      [p.partnerMemberId, "plan", null, today, "verbal_in_meeting", leaderId],
      [p.partnerMemberId, "agenda", null, today, "verbal_in_meeting", leaderId],
    ]),
  );
  // One upcoming meeting per partner network, the partner invited: their meetings list.
  const expires = new Date(Date.now() + 180 * 86_400_000).toISOString();
  for (const [i, p] of partnerMembers.entries()) {
    const [meeting] = planMeetings(1, 0).map((m) => ({
      ...m,
      startsAt: DateTime.fromJSDate(m.startsAt)
        .plus({ days: i % 90 })
        .toJSDate(),
    }));
    await insertMeetings(db, [meeting!], p.networkId, leaderId, { analyze: false });
    await db.query(
      "insert into invitations (meeting_id, member_id, token_hash, expires_at) " +
        "values ($1::uuid, $2::uuid, $3, $4::timestamptz)",
      [meeting!.id, p.partnerMemberId, crypto.randomBytes(32).toString("hex"), expires],
    );
  }

  // The plans: written with the document code, stored as the realtime store holds them.
  const handle = await openDatabase({ kind: "postgres", url: options.databaseUrl });
  const editable: PlanBenchData["editable"] = [];
  let documents = 0;
  let goals = 0;
  let actions = 0;
  let partnerActions = 0;
  let projectMs = 0;
  try {
    for (const [n, p] of people.entries()) {
      const overview = new Y.Doc();
      chooseAreas(overview, [...lifeAreas]);
      const stored: { name: string; doc: Y.Doc }[] = [
        { name: planDocumentName(p.networkId), doc: overview },
      ];
      for (const area of lifeAreas) {
        const partner = PARTNER_AREAS.includes(area) ? p.partnerMemberId : null;
        const { doc, actionIds } = areaDocument(area, leaderId, partner, n);
        if (partner) partnerActions++;
        const documentName = planDocumentName(p.networkId, area);
        stored.push({ name: documentName, doc });
        editable.push({ documentName, networkId: p.networkId, area, actionId: actionIds[1]! });
      }
      await db.query(
        "insert into document_updates (document_name, update) values " +
          stored.map((_, i) => `($${2 * i + 1}, $${2 * i + 2}::bytea)`).join(", "),
        stored.flatMap((s) => [s.name, Buffer.from(Y.encodeStateAsUpdate(s.doc))]),
      );
      documents += stored.length;
      const started = performance.now();
      for (const { name, doc } of stored.slice(1)) {
        const projection = readProjection(name, doc);
        if (!projection || projection.problems.length > 0) {
          throw new BenchError(`the projection of ${name} found problems`);
        }
        goals += projection.goals.length;
        actions += projection.actions.length;
        await writeProjection(projection, handle.db);
      }
      projectMs += performance.now() - started;
      for (const { doc } of stored) doc.destroy();
    }
  } finally {
    await handle.close();
  }
  await db.query(
    "analyze persons, person_leaders, networks, network_leaders, network_members, consents, " +
      "meetings, meeting_leaders, invitations, document_updates, plan_goals, plan_actions",
  );
  return {
    networkIds: people.map((p) => p.networkId),
    partnerNetworkIds: partnerMembers.map((p) => p.networkId),
    editable,
    partnerActions,
    documents,
    goals,
    actions,
    projectMs,
  };
}
