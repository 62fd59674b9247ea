import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, networkMembers } from "../../db/schema";
import { issueTicket, TICKET_LIFETIME_MS } from "../../app/features/documents/tickets.server";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { recordConsent, withdrawConsent } from "../../app/features/consent/consent.server";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  addItem,
  itemMap,
  readAgenda,
  replaceText,
  sharedText,
} from "../../app/features/agenda/document";
import {
  connectClient,
  demoDocuments,
  rawUpgrade,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/* Who may open which live document, and what happens when access goes away while it is open. */
let server: TestServer;
let docs: DemoDocuments;
/** The relative's invitation, as a ticket names it (link version 1: the seeded link). */
let relative: { invitationId: string; linkVersion: number };
const cookie: Record<string, string> = {};
const clients: Client[] = [];
const client = (...args: Parameters<typeof connectClient>) => {
  const c = connectClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  relative = { invitationId: docs.relativeInvitationId, linkVersion: 1 };
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

async function upgradeStatus(path: string, headers: Record<string, string> = {}) {
  const result = await rawUpgrade(server.url, path, { Origin: server.url, ...headers });
  result.socket?.terminate();
  return result.status;
}

describe("who may connect", () => {
  it("refuses before the handshake: no session, wrong origin, forbidden, unknown document, bad tickets", async () => {
    const agenda = `/realtime/${docs.agenda}`;
    expect(await upgradeStatus(agenda)).toBe(401);
    expect(await upgradeStatus(agenda, { Cookie: "broen_session=forged" })).toBe(401);
    expect(
      await upgradeStatus(agenda, { Cookie: cookie.leader!, Origin: "https://evil.example" }),
    ).toBe(403);
    const noOrigin = await rawUpgrade(server.url, agenda, { Cookie: cookie.leader! });
    expect(noOrigin.status).toBe(403);
    // Roles and people without access to this person's network.
    for (const role of ["admin", "housing", "volunteer", "leader2"]) {
      expect([role, await upgradeStatus(agenda, { Cookie: cookie[role]! })]).toEqual([role, 403]);
    }
    // A partner who is a member, but has no consent for the plan.
    expect(await upgradeStatus(`/realtime/${docs.plan}`, { Cookie: cookie.nav! })).toBe(403);
    // A well-formed name of nothing looks like a forbidden one; a malformed name is not ours.
    const nothing = `/realtime/agenda:${crypto.randomUUID()}`;
    expect(await upgradeStatus(nothing, { Cookie: cookie.leader! })).toBe(403);
    expect(await upgradeStatus("/realtime/agenda:1", { Cookie: cookie.leader! })).toBe(404);
    expect(
      await upgradeStatus("/realtime/minutes:" + docs.meetingId, { Cookie: cookie.leader! }),
    ).toBe(404);
    expect(await upgradeStatus("/elsewhere", { Cookie: cookie.leader! })).toBe(404);

    const ticket = issueTicket(relative, docs.agenda);
    const expired = issueTicket(relative, docs.agenda, Date.now() - TICKET_LIFETIME_MS - 1);
    const tampered = ticket.slice(0, -2) + (ticket.endsWith("AA") ? "BB" : "AA");
    expect(await upgradeStatus(`${agenda}?ticket=${expired}`)).toBe(401);
    expect(await upgradeStatus(`${agenda}?ticket=${tampered}`)).toBe(401);
    expect(await upgradeStatus(`${agenda}?ticket=garbage`)).toBe(401);
    // A ticket is bound to one document.
    expect(await upgradeStatus(`/realtime/${docs.plan}?ticket=${ticket}`)).toBe(401);
    const planTicket = issueTicket(relative, docs.plan);
    expect(await upgradeStatus(`/realtime/${docs.plan}?ticket=${planTicket}`)).toBe(403);
    expect(await upgradeStatus(`${agenda}?ticket=${ticket}`)).toBe(101);
    expect(await upgradeStatus(agenda, { Cookie: cookie.leader! })).toBe(101);
    expect(server.realtime.metrics.snapshot().refusedUpgrades).toBeGreaterThan(10);
    expect((await server.fetch("/healthz")).status).toBe(200);
  });

  it("logs every opening in the audit log, with the person concerned", async () => {
    // An opening's row is written after its handshake: wait for the link holder's to be there.
    const rows = await until(async () => {
      const found = await server.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "document.open"), eq(auditLog.subjectId, docs.meetingId)));
      return found.some((r) => r.actorLabel === `invitation:${docs.relativeInvitationId}`) &&
        found.length >= 2
        ? found
        : undefined;
    }, "the openings' audit rows");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.personId === docs.personId)).toBe(true);
    expect(rows.map((r) => r.actorLabel).sort()).toContain(
      `invitation:${docs.relativeInvitationId}`,
    );
  });
});

describe("tickets from the invitation page", () => {
  it("a link holder with consent gets a ticket for the agenda and reads it; a broken link gets none", async () => {
    const token = invitationToken(docs.relativeInvitationId, 1);
    const response = await server.fetch(`/i/${token}/ticket`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { document: string; ticket: string };
    expect(body.document).toBe(docs.agenda);
    const holder = client(server.url, body.document, { ticket: body.ticket });
    await holder.synced();
    expect(holder.provider.wsconnected).toBe(true);
    holder.destroy();
    expect((await server.fetch(`/i/${token.slice(0, -3)}xyz/ticket`)).status).toBe(404);
  });
});

describe("contributors", () => {
  it("a partner and a link holder with consent add items of their own, which everyone sees; a change outside what they may do closes their socket with 4422 and nothing of it is kept", async () => {
    const editor = client(server.url, docs.agenda, { cookie: cookie.leader });
    const partner = client(server.url, docs.agenda, { cookie: cookie.nav });
    const linkHolder = client(server.url, docs.agenda, {
      ticket: issueTicket(relative, docs.agenda),
    });
    await Promise.all([editor.synced(), partner.synced(), linkHolder.synced()]);
    const leaderItem = addItem(editor.doc, {
      title: "Fra leder",
      createdBy: "user:" + docs.personId,
    });
    await until(() => itemMap(partner.doc, leaderItem) ?? undefined, "the partner sees it");

    addItem(partner.doc, {
      title: "Fra NAV",
      createdBy: `member:${docs.navMemberId}`,
      broughtBy: `member:${docs.navMemberId}`,
    });
    addItem(linkHolder.doc, { title: "Fra Per", createdBy: `member:${docs.relativeMemberId}` });
    const titles = (c: Client) => readAgenda(c.doc).agenda.items.map((item) => item.title);
    await until(
      () =>
        titles(editor).includes("Fra NAV") && titles(editor).includes("Fra Per") ? true : undefined,
      "the leader sees both contributions",
    );
    expect(partner.closeCodes).toEqual([]);

    // Renaming the leader's item, and writing a part the agenda does not have: refused.
    replaceText(sharedText(itemMap(partner.doc, leaderItem), "title")!, "SNIKER");
    linkHolder.doc.getText("notes").insert(0, "OGSÅ ");
    await until(() => (partner.closeCodes.includes(4422) ? true : undefined), "partner closed");
    await until(() => (linkHolder.closeCodes.includes(4422) ? true : undefined), "holder closed");
    // A round trip through the leader's socket proves the server handled what came before.
    addItem(editor.doc, { title: "Siste", createdBy: null });
    await server.realtime.flush();
    const fresh = client(server.url, docs.agenda, { cookie: cookie.leader });
    await fresh.synced();
    await until(() => (titles(fresh).includes("Siste") ? true : undefined), "fresh copy");
    expect(titles(fresh)).toContain("Fra leder");
    expect(titles(fresh)).not.toContain("SNIKER");
    expect(fresh.doc.getText("notes").toString()).toBe("");
    // y-websocket does not send the refused change again (no reconnect after a 44xx close).
    expect(partner.provider.shouldConnect).toBe(false);
    [editor, partner, linkHolder, fresh].forEach((c) => c.destroy());
  });

  it("a frame over the size limit closes with 4413, which y-websocket does not retry", async () => {
    const editor = client(server.url, docs.agenda, { cookie: cookie.leader });
    await editor.synced();
    // 2.5 MiB in one change: over REALTIME_MAX_PAYLOAD (2 MiB).
    editor.doc.getText("big").insert(0, "x".repeat(2.5 * 1024 * 1024));
    await until(() => (editor.closeCodes.includes(4413) ? true : undefined), "closed with 4413");
    // No reconnect loop: y-websocket gives up after a 44xx, so there is no second opening (and
    // no second audit row or upgrade) to count. Audit rows of earlier tests still arrive here,
    // so a count of them would measure timing, not this.
    expect(editor.provider.shouldConnect).toBe(false);
    expect(editor.closeCodes).toEqual([4413]);
    editor.destroy();
  });
});

describe("revocation is live", () => {
  it("withdrawing consent closes the partner's and the link holder's sockets with 4403", async () => {
    const reader = client(server.url, docs.agenda, { cookie: cookie.nav });
    const linkHolder = client(server.url, docs.agenda, {
      ticket: issueTicket(relative, docs.agenda),
    });
    await Promise.all([reader.synced(), linkHolder.synced()]);
    const leaderId = await server.userId(DEMO.leader);
    const actor = { userId: leaderId, municipalityId: null, ip: "127.0.0.1" };
    for (const memberId of [docs.navMemberId, docs.relativeMemberId]) {
      const [consent] = await server.database.db
        .select({ id: consents.id })
        .from(consents)
        .where(and(eq(consents.memberId, memberId), isNull(consents.withdrawnAt)));
      expect(
        await withdrawConsent(actor, { id: memberId, personId: docs.personId }, consent!.id),
      ).toBe(true);
    }
    await until(() => (reader.closeCodes.includes(4403) ? true : undefined), "partner closed");
    await until(
      () => (linkHolder.closeCodes.includes(4403) ? true : undefined),
      "link holder closed",
    );
    // They stay out: y-websocket does not retry a 44xx close, and a new attempt is refused.
    expect(await upgradeStatus(`/realtime/${docs.agenda}`, { Cookie: cookie.nav! })).toBe(403);
    const relativeToken = invitationToken(docs.relativeInvitationId, 1);
    expect((await server.fetch(`/i/${relativeToken}/ticket`)).status).toBe(404);

    // Consent given again (and for the plan): back in.
    await recordConsent(
      actor,
      { id: docs.navMemberId, personId: docs.personId },
      {
        contents: ["agenda", "plan"],
        givenOn: osloToday(),
        expiresOn: null,
        method: "verbal_in_meeting",
      },
    );
    expect(await upgradeStatus(`/realtime/${docs.plan}`, { Cookie: cookie.nav! })).toBe(101);
  });

  it("logging out closes that user's sockets with 4401; removing a member closes theirs", async () => {
    const nav = await server.cookieFor(DEMO.nav);
    const reader = client(server.url, docs.plan, { cookie: nav });
    await reader.synced();
    const out = await server.post("/logout", {}, nav);
    expect(out.status).toBe(302);
    await until(() => (reader.closeCodes.includes(4401) ? true : undefined), "closed at logout");

    const again = client(server.url, docs.plan, { cookie: cookie.nav });
    await again.synced();
    const removed = await server.post(
      `/networks/${docs.networkId}`,
      { intent: "remove-member", memberId: docs.navMemberId },
      cookie.leader,
    );
    expect(removed.status).toBeLessThan(400);
    const [member] = await server.database.db
      .select({ removedAt: networkMembers.removedAt })
      .from(networkMembers)
      .where(eq(networkMembers.id, docs.navMemberId));
    expect(member!.removedAt).not.toBeNull();
    await until(() => (again.closeCodes.includes(4403) ? true : undefined), "closed at removal");
  });

  it("deactivating a user closes their open sockets at once", async () => {
    const editor = client(server.url, docs.agenda, { cookie: cookie.coordinator });
    await editor.synced();
    const coordinatorId = await server.userId(DEMO.coordinator);
    const response = await server.post(
      `/admin/users/${coordinatorId}`,
      { intent: "deactivate" },
      cookie.admin,
    );
    expect(response.status).toBeLessThan(400);
    await until(
      () => (editor.closeCodes.includes(4401) ? true : undefined),
      "closed at deactivation",
    );
  });
});
