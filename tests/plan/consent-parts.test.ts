import { and, eq, isNull } from "drizzle-orm";
import { WebsocketProvider } from "y-websocket";
import WebSocket from "ws";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents } from "../../db/schema";
import { planParts } from "../../db/enums";
import { parseDocumentName, planDocumentName } from "../../app/features/documents/registry.server";
import { recordConsent, withdrawConsent } from "../../app/features/consent/consent.server";
import { documentStateNow } from "../../app/features/documents/state.server";
import { osloToday } from "../../app/utils/oslo-time";
import { addGoal, PLAN_PARTS, readAreaPlan } from "../../app/features/plan/document";
import { PERSON_REF } from "../../app/features/documents/shapes";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  rawUpgrade,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * Consent per part of the plan (issue 12, ADR 017): each life area and the crisis plan is its
 * own live document, so a partner with consent for work and economy is sent those parts and
 * the overview, and never a byte of the crisis plan. Old consents for "plan" cover every part.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
const clients: Client[] = [];
const CRISIS_SECRET = "Hemmelig-kriseplan-tekst-7f3a";
const WORK_TEXT = "Jobbpraksis-hos-bakeriet-2b9c";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

async function upgradeStatus(name: string, as: string) {
  const result = await rawUpgrade(server.url, `/realtime/${name}`, {
    Origin: server.url,
    Cookie: cookie[as]!,
  });
  result.socket?.terminate();
  return result.status;
}

const part = (p: (typeof planParts)[number]) => planDocumentName(docs.networkId, p);

/** A y-websocket client whose socket records every byte the server sends it. */
function recordingClient(name: string, as: string) {
  const received: Buffer[] = [];
  const headers = { Cookie: cookie[as]!, Origin: server.url };
  class Recording extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
      this.on("message", (data: Buffer) => received.push(Buffer.from(data)));
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    server.url.replace(/^http/, "ws") + "/realtime",
    name,
    doc,
    {
      WebSocketPolyfill: Recording as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 200,
    },
  );
  const closeCodes: number[] = [];
  provider.on("connection-close", (event: CloseEvent | null) => {
    if (event) closeCodes.push(event.code);
  });
  // "Permission denied: read-only" is expected here; y-websocket would warn on the console.
  provider.messageHandlers[2] = (_encoder, decoder) => {
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  };
  clients.push({
    doc,
    provider,
    closeCodes,
    permissionDenied: [],
    synced: async () => {},
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  });
  return { doc, provider, received, closeCodes };
}

async function navConsentIds() {
  return server.database.db
    .select({ id: consents.id, content: consents.content, planParts: consents.planParts })
    .from(consents)
    .where(and(eq(consents.memberId, docs.navMemberId), isNull(consents.withdrawnAt)));
}

describe("plan document names", () => {
  it("names the overview and each part; refuses unknown parts and parts of other kinds", () => {
    expect(parseDocumentName(`plan:${docs.networkId}`)?.part).toBeNull();
    expect(parseDocumentName(`plan:${docs.networkId}:crisis_plan`)?.part).toBe("crisis_plan");
    expect(parseDocumentName(`plan:${docs.networkId}:diagnosis`)).toBeNull();
    expect(parseDocumentName(`plan:${docs.networkId}:housing:extra`)).toBeNull();
    expect(parseDocumentName(`agenda:${docs.meetingId}:housing`)).toBeNull();
  });
});

describe("consent for parts of the plan", () => {
  it("the consent form refuses 'plan' without parts, and unknown parts, with a 400", async () => {
    const base: [string, string][] = [
      ["intent", "record-consent"],
      ["memberId", docs.navMemberId],
      ["givenOn", osloToday()],
      ["method", "verbal_in_meeting"],
    ];
    const noParts = await server.post(
      `/networks/${docs.networkId}`,
      [...base, ["content", "plan"]],
      cookie.leader,
    );
    expect(noParts.status).toBe(400);
    expect(await noParts.text()).toContain("Velg hvilke deler av planen samtykket gjelder");
    const unknown = await server.post(
      `/networks/${docs.networkId}`,
      [...base, ["planPart", "diagnosis"]],
      cookie.leader,
    );
    expect(unknown.status).toBe(400);
    expect((await navConsentIds()).filter((c) => c.content === "plan")).toEqual([]);
  });

  it("NAV with consent for work and economy opens those parts and the overview, nothing else", async () => {
    // Before any consent for the plan: nothing of it.
    expect(await upgradeStatus(docs.plan, "nav")).toBe(403);
    const response = await server.post(
      `/networks/${docs.networkId}`,
      [
        ["intent", "record-consent"],
        ["memberId", docs.navMemberId],
        ["planPart", "work_activity"],
        ["planPart", "economy"],
        ["givenOn", osloToday()],
        ["method", "verbal_in_meeting"],
      ],
      cookie.leader,
    );
    expect(response.status).toBe(200);
    const plan = (await navConsentIds()).filter((c) => c.content === "plan");
    expect(plan).toHaveLength(1);
    expect(plan[0]!.planParts).toEqual(["work_activity", "economy"]);
    // The network page names the parts.
    const page = await (
      await server.fetch(`/networks/${docs.networkId}`, { cookie: cookie.leader })
    ).text();
    expect(page).toContain("Plan (Arbeid og meningsfull aktivitet, Økonomi)");

    expect(await upgradeStatus(docs.plan, "nav")).toBe(101);
    for (const p of planParts) {
      const expected = p === "work_activity" || p === "economy" ? 101 : 403;
      expect([p, await upgradeStatus(part(p), "nav")]).toEqual([p, expected]);
    }
    // Leaders edit every part.
    expect(await upgradeStatus(part("crisis_plan"), "leader")).toBe(101);
  });

  it("a partner's sockets never receive a byte of a part they may not see", async () => {
    // The leader writes the crisis plan and the work area.
    for (const [name, text] of [
      [part("crisis_plan"), CRISIS_SECRET],
      [part("work_activity"), WORK_TEXT],
    ] as const) {
      const writer = connectClient(server.url, name, { cookie: cookie.leader });
      clients.push(writer);
      await writer.synced();
      writer.doc.getText("test").insert(0, text);
      await until(
        async () => (Buffer.from(await documentStateNow(name)).includes(text) ? true : undefined),
        `the server holds ${name}`,
      );
    }
    // NAV tries every part; only what the consent covers opens, and it arrives.
    const opened = [docs.plan, ...planParts.map(part)].map((name) => ({
      name,
      client: recordingClient(name, "nav"),
    }));
    const work = opened.find((o) => o.name === part("work_activity"))!;
    await until(
      () => (work.client.doc.getText("test").toString() === WORK_TEXT ? true : undefined),
      "NAV receives the work area",
    );
    // Let the refused ones be refused (y-websocket keeps retrying a refused upgrade).
    await until(
      () =>
        opened.every((o) => o.client.received.length > 0 || o.client.closeCodes.length > 0)
          ? true
          : undefined,
      "every attempt answered (opened, or refused and closed)",
    );
    const all = Buffer.concat(opened.flatMap((o) => o.client.received));
    expect(all.includes(WORK_TEXT)).toBe(true);
    expect(all.includes(CRISIS_SECRET)).toBe(false);
    const crisis = opened.find((o) => o.name === part("crisis_plan"))!;
    expect(crisis.client.received).toEqual([]);
    for (const o of opened) o.client.provider.destroy();
  });

  it("withdrawing it closes the open part at once; an old consent for 'plan' covers every part", async () => {
    const reader = connectClient(server.url, part("economy"), { cookie: cookie.nav });
    clients.push(reader);
    await reader.synced();
    const planConsent = (await navConsentIds()).find((c) => c.content === "plan")!;
    const leaderId = await server.userId(DEMO.leader);
    const actor = { userId: leaderId, municipalityId: null, ip: "127.0.0.1" };
    expect(
      await withdrawConsent(
        actor,
        { id: docs.navMemberId, personId: docs.personId },
        planConsent.id,
      ),
    ).toBe(true);
    await until(
      () => (reader.closeCodes.includes(4403) ? true : undefined),
      "closed at withdrawal",
    );
    expect(await upgradeStatus(part("economy"), "nav")).toBe(403);
    expect(await upgradeStatus(docs.plan, "nav")).toBe(403);

    // A consent recorded without parts (as every consent before the split was) covers all.
    await recordConsent(
      actor,
      { id: docs.navMemberId, personId: docs.personId },
      { contents: ["plan"], givenOn: osloToday(), expiresOn: null, method: "signed_paper" },
    );
    for (const p of planParts) expect([p, await upgradeStatus(part(p), "nav")]).toEqual([p, 101]);
  });
});

describe("the person's own words on the server", () => {
  it("a leader's socket that rewrites a goal's words is refused with 4422 and nothing is stored", async () => {
    const name = part("housing");
    const writer = connectClient(server.url, name, { cookie: cookie.leader });
    clients.push(writer);
    await writer.synced();
    const goalId = addGoal(writer.doc, { inMyWords: "Jeg vil bo for meg selv", by: PERSON_REF });
    await until(
      async () =>
        Buffer.from(await documentStateNow(name)).includes("Jeg vil bo for meg selv")
          ? true
          : undefined,
      "the goal is stored",
    );
    const words = (writer.doc.getMap(PLAN_PARTS.goals).get(goalId) as Y.Map<unknown>).get(
      "inMyWords",
    ) as Y.Text;
    words.insert(0, "Kanskje ");
    await until(() => (writer.closeCodes.includes(4422) ? true : undefined), "refused with 4422");
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await documentStateNow(name));
    expect(readAreaPlan(stored).plan.goals.map((g) => g.inMyWords)).toEqual([
      "Jeg vil bo for meg selv",
    ]);
  });
});
