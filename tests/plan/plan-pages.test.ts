import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, invitations, networkMembers } from "../../db/schema";
import { accessUserById } from "../../app/features/accounts/session.server";
import { auditActor } from "../../app/features/audit/audit.server";
import { recordConsent, withdrawConsent } from "../../app/features/consent/consent.server";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { documentStateNow } from "../../app/features/documents/state.server";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { addGoal, chooseAreas, crisisText } from "../../app/features/plan/document";
import { osloToday } from "../../app/utils/oslo-time";
import { pdfText } from "../support/pdf-text";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * Who gets the plan pages (issue 12): the live page, the print page and the PDF, for leaders
 * and partners with an account, and for the person through their own link. A partner with
 * consent for work and economy sees those parts and a calm line for the rest, never the
 * crisis plan's words (in HTML or PDF); without consent, nothing of the plan; other leaders,
 * other links and old links get 404. Every read is in the audit log.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
const clients: Client[] = [];
let personToken = "";
let personInvitationId = "";
const CRISIS = "Kriseplan-hemmelig-ord-91ad";
const WORK = "Jobbe-i-bakeriet-med-mine-ord-4c2e";
const HOUSING = "Bolig-med-hage-mål-77b1";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const db = server.database.db;
  const [person] = await db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(and(eq(networkMembers.networkId, docs.networkId), eq(networkMembers.isPerson, true)));
  personInvitationId = crypto.randomUUID();
  await db
    .delete(invitations)
    .where(and(eq(invitations.meetingId, docs.meetingId), eq(invitations.memberId, person!.id)));
  await db.insert(invitations).values({
    id: personInvitationId,
    meetingId: docs.meetingId,
    memberId: person!.id,
    tokenHash: invitationTokenHash(personInvitationId, 1),
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  personToken = invitationToken(personInvitationId, 1);

  // A leader writes the plan: three areas, a goal in two of them, the crisis plan.
  const leaderRef = `user:${await server.userId(DEMO.leader)}`;
  const write = async (name: string, change: (client: Client) => void, text: string) => {
    const client = connectClient(server.url, name, { cookie: cookie.leader });
    clients.push(client);
    await client.synced();
    change(client);
    await until(
      async () => (Buffer.from(await documentStateNow(name)).includes(text) ? true : undefined),
      `the server holds ${name}`,
    );
  };
  await write(
    docs.plan,
    (c) => chooseAreas(c.doc, ["work_activity", "economy", "housing"]),
    "housing",
  );
  await write(
    planDocumentName(docs.networkId, "work_activity"),
    (c) => addGoal(c.doc, { inMyWords: WORK, by: leaderRef }),
    WORK,
  );
  await write(
    planDocumentName(docs.networkId, "housing"),
    (c) => addGoal(c.doc, { inMyWords: HOUSING, by: leaderRef }),
    HOUSING,
  );
  await write(
    planDocumentName(docs.networkId, "crisis_plan"),
    (c) => crisisText(c.doc, "earlySigns").insert(0, CRISIS),
    CRISIS,
  );
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

const pages = () => ({
  live: `/networks/${docs.networkId}/plan`,
  print: `/networks/${docs.networkId}/plan/print`,
  pdf: `/networks/${docs.networkId}/plan.pdf`,
});
const linkPages = (token: string) => ({
  live: `/i/${token}/plan`,
  print: `/i/${token}/plan/print`,
  pdf: `/i/${token}/plan.pdf`,
});

async function get(path: string, as?: string) {
  const response = await server.fetch(path, as ? { cookie: cookie[as] } : {});
  const body = path.endsWith(".pdf")
    ? response.headers.get("content-type") === "application/pdf"
      ? pdfText(Buffer.from(await response.arrayBuffer()))
      : await response.text()
    : await response.text();
  return { status: response.status, body };
}

async function planReads(action: string) {
  return server.database.db
    .select({ actor: auditLog.actorLabel, userId: auditLog.actorUserId, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, docs.networkId)));
}

async function navConsent(parts: ("work_activity" | "economy")[]) {
  const leader = (await accessUserById(await server.userId(DEMO.leader)))!;
  const [id] = await recordConsent(
    auditActor(leader, { clientIp: "127.0.0.1" }),
    { id: docs.navMemberId, personId: docs.personId },
    {
      contents: ["plan"],
      planParts: parts,
      givenOn: osloToday(),
      expiresOn: null,
      method: "verbal_in_meeting",
    },
  );
  return id!;
}

describe("the plan pages for leaders", () => {
  it("the leader sees every part on the live page, the print page and the PDF; each read is logged", async () => {
    for (const [kind, path] of Object.entries(pages())) {
      const { status, body } = await get(path, "leader");
      expect([kind, status]).toEqual([kind, 200]);
      for (const text of [WORK, HOUSING, CRISIS]) expect(body).toContain(text);
    }
    for (const action of ["plan.view", "plan.print", "plan.download"]) {
      const rows = await planReads(action);
      expect(rows.some((r) => r.userId === null)).toBe(false);
      expect(rows.length).toBeGreaterThan(0);
    }
  });

  it("the network page links to the plan", async () => {
    const { body } = await get(`/networks/${docs.networkId}`, "leader");
    expect(body).toContain(`href="/networks/${docs.networkId}/plan"`);
  });

  it("a leader of other networks, and someone who is not a member, get 404", async () => {
    for (const role of ["leader2", "housing"]) {
      for (const path of Object.values(pages())) {
        expect([role, path, (await get(path, role)).status]).toEqual([role, path, 404]);
      }
    }
    const unknown = `/networks/${crypto.randomUUID()}/plan`;
    expect((await get(unknown, "leader")).status).toBe(404);
    expect((await get(`/networks/not-a-uuid/plan`, "leader")).status).toBe(404);
    // Not logged in: to the login page.
    const anonymous = await server.fetch(pages().live, { redirect: "manual" });
    expect([302, 303]).toContain(anonymous.status);
  });
});

describe("a partner, by consent", () => {
  it("without consent for the plan: the page says there is a plan they cannot see; print and PDF 403", async () => {
    const { status, body } = await get(pages().live, "nav");
    expect(status).toBe(200);
    expect(body).toContain("har ikke samtykket til at du ser noen del av den");
    for (const text of [WORK, HOUSING, CRISIS]) expect(body).not.toContain(text);
    expect((await get(pages().print, "nav")).status).toBe(403);
    expect((await get(pages().pdf, "nav")).status).toBe(403);
  });

  it("with consent for work and economy: those parts, a calm line for housing and the crisis plan, in HTML and PDF", async () => {
    await navConsent(["work_activity", "economy"]);
    for (const [kind, path] of Object.entries(pages())) {
      const { status, body } = await get(path, "nav");
      expect([kind, status]).toEqual([kind, 200]);
      expect(body).toContain(WORK);
      expect(body).not.toContain(HOUSING);
      expect(body).not.toContain(CRISIS);
      expect(body).toContain("Denne delen av planen ser du ikke");
    }
    const navId = await server.userId(DEMO.nav);
    const logged = (await planReads("plan.download")).find((r) => r.userId === navId);
    expect(logged?.details).toEqual({ parts: ["work_activity", "economy"] });
  });

  it("after the consent is withdrawn, nothing of the plan again", async () => {
    const leader = (await accessUserById(await server.userId(DEMO.leader)))!;
    const rows = await server.database.db
      .select({ id: consents.id })
      .from(consents)
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "plan")));
    for (const row of rows) {
      await withdrawConsent(
        auditActor(leader, { clientIp: "127.0.0.1" }),
        { id: docs.navMemberId, personId: docs.personId },
        row.id,
      );
    }
    const { status, body } = await get(pages().live, "nav");
    expect(status).toBe(200);
    expect(body).not.toContain(WORK);
    expect((await get(pages().pdf, "nav")).status).toBe(403);
  });
});

describe("the person's plan through their link", () => {
  it("the person sees and may write every part; print and PDF too; the invitation page links to it", async () => {
    for (const [kind, path] of Object.entries(linkPages(personToken))) {
      const { status, body } = await get(path);
      expect([kind, status]).toEqual([kind, 200]);
      for (const text of [WORK, HOUSING, CRISIS]) expect(body).toContain(text);
    }
    expect((await planReads("plan.view")).map((r) => r.actor)).toContain(`person:${docs.personId}`);
    const invitation = await get(`/i/${personToken}`);
    expect(invitation.body).toContain(`href="/i/${personToken}/plan"`);
  });

  it("another member's link, an unknown link and an old link get 404", async () => {
    const relative = invitationToken(docs.relativeInvitationId, 1);
    const old = invitationToken(personInvitationId, 1);
    const unknown = "x".repeat(30);
    for (const token of [relative, unknown]) {
      for (const path of Object.values(linkPages(token))) {
        const { status, body } = await get(path);
        expect([path, status]).toEqual([path, 404]);
        expect(body).not.toContain(CRISIS);
      }
    }
    expect((await get(`/i/${relative}`)).body).not.toContain("/plan");
    // A new link version replaces the old one: the old link stops at once.
    await server.database.db
      .update(invitations)
      .set({ linkVersion: 2, tokenHash: invitationTokenHash(personInvitationId, 2) })
      .where(eq(invitations.id, personInvitationId));
    for (const path of Object.values(linkPages(old))) {
      expect([path, (await get(path)).status]).toEqual([path, 404]);
    }
  });
});
