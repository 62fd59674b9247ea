import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, networkMembers } from "../../db/schema";
import { accessUserById } from "../../app/features/accounts/session.server";
import { cancelMeeting } from "../../app/features/meetings/changes.server";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { documentStateNow } from "../../app/features/documents/state.server";
import { addGoal, PLAN_PARTS, readAreaPlan } from "../../app/features/plan/document";
import { PERSON_REF } from "../../app/features/documents/shapes";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * The person reads and writes their own plan through their personal link, without an account
 * (issue 12): a ticket for each plan document, their own words theirs to change; no other
 * link opens the plan, and the person's link stops when it stops being current.
 */
let server: TestServer;
let docs: DemoDocuments;
let personToken = "";
const clients: Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  const [person] = await server.database.db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(and(eq(networkMembers.networkId, docs.networkId), eq(networkMembers.isPerson, true)));
  // The seed may already have invited the person; a fresh invitation of our own is certain.
  const id = crypto.randomUUID();
  await server.database.db
    .delete(invitations)
    .where(and(eq(invitations.meetingId, docs.meetingId), eq(invitations.memberId, person!.id)));
  await server.database.db.insert(invitations).values({
    id,
    meetingId: docs.meetingId,
    memberId: person!.id,
    tokenHash: invitationTokenHash(id, 1),
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  personToken = invitationToken(id, 1);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

async function ticketFor(token: string, document: string) {
  const response = await server.fetch(
    `/i/${token}/ticket?document=${encodeURIComponent(document)}`,
  );
  return response.status === 200
    ? ((await response.json()) as { ticket: string; document: string })
    : response.status;
}

describe("the person's plan through their link", () => {
  it("gives the person a ticket for each part; they write a goal and change their own words", async () => {
    const name = planDocumentName(docs.networkId, "housing");
    const issued = await ticketFor(personToken, name);
    expect(typeof issued).toBe("object");
    const person = connectClient(server.url, name, {
      ticket: (issued as { ticket: string }).ticket,
    });
    clients.push(person);
    await person.synced();
    const goalId = addGoal(person.doc, { inMyWords: "Jeg vil ha et eget sted", by: PERSON_REF });
    const words = (person.doc.getMap(PLAN_PARTS.goals).get(goalId) as Y.Map<unknown>).get(
      "inMyWords",
    ) as Y.Text;
    words.insert(words.length, " med hage");
    await until(async () => {
      const stored = new Y.Doc();
      Y.applyUpdate(stored, await documentStateNow(name));
      const goals = readAreaPlan(stored).plan.goals;
      return goals[0]?.inMyWords === "Jeg vil ha et eget sted med hage" ? true : undefined;
    }, "the person's words are stored");
    expect(person.closeCodes).toEqual([]);
    // Opened as the person, in the audit log.
    // (The opening's row is written after its handshake: wait for it.)
    const opened = await until(async () => {
      const rows = await server.database.db
        .select({ actor: auditLog.actorLabel })
        .from(auditLog)
        .where(and(eq(auditLog.action, "document.open"), eq(auditLog.subjectId, docs.networkId)));
      return rows.some((row) => row.actor === `person:${docs.personId}`) ? rows : undefined;
    }, "the person's opening in the audit log");
    expect(opened.map((row) => row.actor)).toContain(`person:${docs.personId}`);
    // The crisis plan and the overview too.
    for (const document of [planDocumentName(docs.networkId, "crisis_plan"), docs.plan]) {
      expect(typeof (await ticketFor(personToken, document))).toBe("object");
    }
  });

  it("no other link opens the plan, nor the person's link another network's plan or a non-plan document", async () => {
    const relative = invitationToken(docs.relativeInvitationId, 1);
    expect(await ticketFor(relative, docs.plan)).toBe(404);
    expect(await ticketFor(personToken, `plan:${crypto.randomUUID()}`)).toBe(404);
    expect(await ticketFor(personToken, docs.agenda)).toBe(404);
    expect(await ticketFor(personToken, "plan:not-a-uuid")).toBe(404);
    expect(await ticketFor("x".repeat(30), docs.plan)).toBe(404);
  });

  it("cancelling the meeting behind the link ends it: open sockets close with 4403, no new ticket", async () => {
    const name = planDocumentName(docs.networkId, "economy");
    const issued = (await ticketFor(personToken, name)) as { ticket: string };
    const person = connectClient(server.url, name, { ticket: issued.ticket });
    clients.push(person);
    await person.synced();
    const leader = (await accessUserById(await server.userId(DEMO.leader)))!;
    await cancelMeeting(leader, { clientIp: "127.0.0.1" }, docs.meetingId);
    await until(() => (person.closeCodes.includes(4403) ? true : undefined), "closed at cancel");
    expect(await ticketFor(personToken, name)).toBe(404);
  });
});
