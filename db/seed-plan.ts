import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import type { LifeArea, PlanPart } from "./enums";
import { planDocumentName } from "../app/features/documents/registry.server";
import { PERSON_REF, type Ref } from "../app/features/documents/shapes";
import {
  addContribution,
  addCrisisContact,
  addGoal,
  addPlanAction,
  addSubGoal,
  chooseAreas,
  crisisText,
  setCrisisDates,
  setOverview,
  setPlanAction,
  type ChimeElement,
  type PlanActionStatus,
} from "../app/features/plan/document";
import { readProjection, writeProjection } from "../app/features/tasks/projection.server";
import { osloToday } from "../app/utils/oslo-time";
import type { Database } from "./client";
import {
  consents,
  documentUpdates,
  networkLeaders,
  networkMembers,
  networks,
  persons,
} from "./schema";

/*
 * Siri's plan for the demo (fictional, as everything in db/seed.ts): her goals in her own
 * words, actions with NAV, her father, the sports club and herself responsible, and a crisis
 * plan, so a new user of a local install sees the plan, My tasks and reminders working at once.
 * Only `npm start`'s first start and `npm run seed` write it; the test suite's template
 * database keeps the plain demo data (tests build the plans they need).
 */

const DEMO_PERSON = "Siri Havdal";

interface DemoGoal {
  inMyWords: string;
  chime: ChimeElement[];
  resources?: string;
  subGoals?: string[];
  actions: {
    what: string;
    who: "nav" | "per" | "club" | "person" | "leader";
    inDays: number;
    status?: PlanActionStatus;
  }[];
}

const AREAS: Partial<Record<LifeArea, DemoGoal[]>> = {
  mental_health: [
    {
      inMyWords: "Jeg vil sove bedre og ha mer overskudd om dagen.",
      chime: ["hope_optimism", "empowerment"],
      resources: "Jeg vet selv hva som hjelper når jeg kjenner meg urolig.",
      subGoals: ["Legge meg før midnatt de fleste dager"],
      actions: [{ what: "Prøve en fast kveldsrutine i to uker", who: "person", inDays: 12 }],
    },
  ],
  housing: [
    {
      inMyWords: "Jeg vil bo i min egen leilighet og trives der.",
      chime: ["identity"],
      resources: "Jeg holder orden hjemme når jeg har det bra.",
      actions: [{ what: "Søke om kommunal utleiebolig sammen med Siri", who: "leader", inDays: 9 }],
    },
  ],
  work_activity: [
    {
      inMyWords: "Jeg vil prøve meg i jobb to dager i uka, helst med noe praktisk.",
      chime: ["meaning", "hope_optimism"],
      resources: "Jeg er god med hendene og liker å lage mat.",
      subGoals: ["Besøke to mulige praksisplasser"],
      actions: [
        { what: "Finne en praksisplass sammen med Siri", who: "nav", inDays: 3 },
        { what: "Avklare arbeidsavklaringspenger", who: "nav", inDays: -4, status: "in_progress" },
      ],
    },
  ],
  economy: [
    {
      inMyWords: "Jeg vil ha oversikt over regningene mine og slippe purringer.",
      chime: ["empowerment"],
      actions: [{ what: "Sette opp et enkelt budsjett for måneden", who: "nav", inDays: 20 }],
    },
  ],
  network_belonging: [
    {
      inMyWords: "Jeg vil være med på noe fast hver uke, der jeg kjenner folk.",
      chime: ["connectedness"],
      resources: "Pappa kjører meg gjerne.",
      actions: [
        { what: "Bli med på tirsdagstreningen i idrettslaget", who: "club", inDays: 6 },
        { what: "Kjøre Siri til treningen de første gangene", who: "per", inDays: 6 },
      ],
    },
  ],
};

/** A calendar date `days` from today in Oslo, YYYY-MM-DD. */
function inDays(days: number): string {
  const date = new Date(`${osloToday()}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * Writes Siri's demo plan into the demo network: one live document per part (ADR 017), stored
 * as one row of the update log each, then projected into plan_goals and plan_actions as the
 * realtime server would; and consent for NAV to see the work and economy parts. Does nothing
 * when the demo network is missing or its plan already has content. Throws on database errors.
 */
export async function seedDemoPlan(db: Database): Promise<void> {
  const [network] = await db
    .select({ id: networks.id })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(persons.name, DEMO_PERSON));
  if (!network) return;
  const overviewName = planDocumentName(network.id);
  const [written] = await db
    .select({ id: documentUpdates.id })
    .from(documentUpdates)
    .where(eq(documentUpdates.documentName, overviewName))
    .limit(1);
  if (written) return;

  const members = await db
    .select({
      id: networkMembers.id,
      name: networkMembers.name,
      relation: networkMembers.relation,
      isPerson: networkMembers.isPerson,
    })
    .from(networkMembers)
    .where(eq(networkMembers.networkId, network.id));
  const [leader] = await db
    .select({ userId: networkLeaders.userId })
    .from(networkLeaders)
    .where(eq(networkLeaders.networkId, network.id));
  const member = (test: (m: (typeof members)[number]) => boolean): Ref | null => {
    const found = members.find(test);
    return found ? `member:${found.id}` : null;
  };
  const refs: Record<DemoGoal["actions"][number]["who"], Ref | null> = {
    nav: member((m) => m.relation === "nav"),
    per: member((m) => m.relation === "relative"),
    club: member((m) => m.relation === "volunteer"),
    person: PERSON_REF,
    leader: leader ? `user:${leader.userId}` : null,
  };
  const today = osloToday();

  const documents: { name: string; doc: Y.Doc }[] = [];
  const overview = new Y.Doc();
  chooseAreas(overview, Object.keys(AREAS) as LifeArea[]);
  setOverview(overview, {
    coordinator: refs.leader,
    periodFrom: today,
    periodTo: inDays(365),
    personConsentOn: today,
  });
  addContribution(overview, PERSON_REF, "Jeg sier fra når noe ikke fungerer, og møter opp.");
  if (refs.per) addContribution(overview, refs.per, "Kjører Siri til trening og er med på møtene.");
  if (refs.nav)
    addContribution(overview, refs.nav, "Følger opp arbeid og økonomi, og finner praksisplass.");
  documents.push({ name: overviewName, doc: overview });

  for (const [area, goals] of Object.entries(AREAS) as [LifeArea, DemoGoal[]][]) {
    const doc = new Y.Doc();
    for (const goal of goals) {
      const goalId = addGoal(doc, { ...goal, by: PERSON_REF });
      for (const sub of goal.subGoals ?? []) addSubGoal(doc, goalId, sub);
      for (const action of goal.actions) {
        const id = addPlanAction(doc, {
          what: action.what,
          responsible: refs[action.who],
          due: inDays(action.inDays),
          goalId,
          by: refs.leader,
        });
        if (action.status) setPlanAction(doc, id, { status: action.status });
      }
    }
    documents.push({ name: planDocumentName(network.id, area as PlanPart), doc });
  }

  const crisis = new Y.Doc();
  crisisText(crisis, "earlySigns").insert(
    0,
    "Jeg sover dårlig, trekker meg unna og svarer ikke på telefonen.",
  );
  crisisText(crisis, "whatHelps").insert(0, "En rolig tur, og å snakke med pappa.");
  crisisText(crisis, "whatOthersDo").insert(
    0,
    "Ring meg heller enn å sende melding. Ikke kom uanmeldt, men spør om dere kan komme.",
  );
  addCrisisContact(crisis, "Per Havdal (pappa)", "Ring 400 00 111, hele døgnet");
  addCrisisContact(crisis, "Legevakten", "Ring 116 117");
  setCrisisDates(crisis, { agreedOn: today });
  documents.push({ name: planDocumentName(network.id, "crisis_plan"), doc: crisis });

  await db.transaction(async (tx) => {
    for (const { name, doc } of documents)
      await tx
        .insert(documentUpdates)
        .values({ documentName: name, update: Y.encodeStateAsUpdate(doc) });
    const nav = members.find((m) => m.relation === "nav");
    if (nav && leader) {
      const [existing] = await tx
        .select({ id: consents.id })
        .from(consents)
        .where(and(eq(consents.memberId, nav.id), eq(consents.content, "plan")));
      if (!existing)
        await tx.insert(consents).values({
          memberId: nav.id,
          content: "plan",
          planParts: ["work_activity", "economy"],
          givenOn: today,
          method: "verbal_in_meeting",
          recordedByUserId: leader.userId,
        });
    }
  });
  for (const { name, doc } of documents) {
    const projection = readProjection(name, doc);
    if (projection) await writeProjection(projection, db);
    doc.destroy();
  }
}
