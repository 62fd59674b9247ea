import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, invitations, networkMembers, progressNotes } from "../../db/schema";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * The person's own measure of progress on the real server (both databases; issue 12): a leader
 * notes it with the person, the person through their link; stored once per form, audited;
 * shown as an SVG with a title and description and a table; partners read only the areas
 * their consent covers and cannot write; other links and other users get nothing.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let personToken: string;
const HOUSING_WORDS = "Jeg-trives-bedre-i-leiligheten-3a9c";
const WORK_WORDS = "Praksisen-gir-meg-noe-aa-staa-opp-til-6d2e";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const { db } = server.database;
  const [own] = await db
    .select({ id: invitations.id, linkVersion: invitations.linkVersion })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .where(and(eq(invitations.meetingId, docs.meetingId), eq(networkMembers.isPerson, true)));
  // The seeded link was made with another secret: give it one this server knows.
  await db
    .update(invitations)
    .set({ tokenHash: invitationTokenHash(own!.id, own!.linkVersion) })
    .where(eq(invitations.id, own!.id));
  personToken = invitationToken(own!.id, own!.linkVersion);
  await db.insert(consents).values({
    memberId: docs.navMemberId,
    content: "plan",
    planParts: ["work_activity"],
    givenOn: "2020-01-01",
    method: "verbal_in_meeting",
    recordedByUserId: await server.userId(DEMO.leader),
  });
});

afterAll(async () => {
  await server?.close();
});

const pagePath = () => `/networks/${docs.networkId}/progress`;
const linkPath = () => `/i/${personToken}/progress`;
const notes = () =>
  server.database.db
    .select()
    .from(progressNotes)
    .where(eq(progressNotes.networkId, docs.networkId));
const tokenIn = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? "";

describe("a leader notes it with the person", () => {
  it("stores one note per form, however often it is sent, and audits it", async () => {
    const formToken = await server.formToken(cookie.leader!);
    const fields = { formToken, area: "housing", scale: "4", inMyWords: HOUSING_WORDS };
    const [first, second] = await Promise.all([
      server.post(pagePath(), fields, cookie.leader),
      server.post(pagePath(), fields, cookie.leader),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.text()).toContain("Det er lagret.");
    expect(await notes()).toHaveLength(1);
    const [audit] = await server.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, "progress.record"), eq(auditLog.subjectId, docs.networkId)));
    expect(audit!.n).toBe(1);
  });

  it("refuses a bad area, a scale outside 1–5, and a stale form with a 400", async () => {
    const bad: Record<string, string>[] = [
      { area: "diagnosis", scale: "3" },
      { area: "housing", scale: "0" },
      { area: "housing", scale: "6" },
      { area: "housing", scale: "tre" },
      { area: "housing" },
    ];
    for (const fields of bad) {
      const response = await server.post(pagePath(), fields, cookie.leader);
      expect(response.status, JSON.stringify(fields)).toBe(400);
    }
    const stale = await server.post(
      pagePath(),
      { formToken: "x.y.z", area: "housing", scale: "3" },
      cookie.leader,
    );
    expect(stale.status).toBe(400);
    expect(await notes()).toHaveLength(1);
  });

  it("shows the notes as an SVG image with a title and description, and a table", async () => {
    const html = await (await server.fetch(pagePath(), { cookie: cookie.leader })).text();
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).toContain("<title");
    expect(html).toContain("<desc");
    expect(html).toContain("<table");
    expect(html).toContain(HOUSING_WORDS);
    expect(html).toContain("Ganske bra");
  });

  it("has a page of its own: the plan links to it, the plan's history holds no progress form", async () => {
    const plan = await (
      await server.fetch(`/networks/${docs.networkId}/plan`, { cookie: cookie.leader })
    ).text();
    expect(plan).toContain(`href="/networks/${docs.networkId}/progress"`);
    const history = await (
      await server.fetch(`/networks/${docs.networkId}/plan/history`, { cookie: cookie.leader })
    ).text();
    expect(history).not.toContain('name="scale"');
    const post = await server.post(
      `/networks/${docs.networkId}/plan/history`,
      { area: "housing", scale: "3" },
      cookie.leader,
    );
    expect(post.status).toBe(405);
  });
});

describe("the person through their link", () => {
  it("notes how things are going and sees it over time", async () => {
    const page = await server.fetch(linkPath());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(HOUSING_WORDS);
    const saved = await server.post(linkPath(), {
      formToken: tokenIn(html),
      area: "work_activity",
      scale: "3",
      inMyWords: WORK_WORDS,
    });
    expect(saved.status).toBe(200);
    const stored = await notes();
    expect(stored).toHaveLength(2);
    expect(stored.find((n) => n.area === "work_activity")?.recordedByInvitationId).not.toBeNull();
  });

  it("is not for anyone else's link, nor for an unknown link", async () => {
    expect(
      (await server.fetch(`/i/${invitationToken(docs.relativeInvitationId, 1)}/progress`)).status,
    ).toBe(404);
    expect((await server.fetch(`/i/not-a-link/progress`)).status).toBe(404);
    const relative = await server.post(
      `/i/${invitationToken(docs.relativeInvitationId, 1)}/progress`,
      {
        area: "housing",
        scale: "2",
      },
    );
    expect(relative.status).toBe(404);
  });
});

describe("partners and others", () => {
  it("shows a partner only the areas their consent covers, and lets them write nothing", async () => {
    const html = await (await server.fetch(pagePath(), { cookie: cookie.nav })).text();
    expect(html).toContain(WORK_WORDS);
    expect(html).not.toContain(HOUSING_WORDS);
    expect(html).not.toContain('name="scale"');
    const post = await server.post(pagePath(), { area: "work_activity", scale: "2" }, cookie.nav);
    expect(post.status).toBe(403);
    expect(await notes()).toHaveLength(2);
  });

  it("gives nothing to a partner whose consent was withdrawn, and 404 to others", async () => {
    await server.database.db
      .update(consents)
      .set({ withdrawnAt: new Date() })
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "plan")));
    const html = await (await server.fetch(pagePath(), { cookie: cookie.nav })).text();
    expect(html).not.toContain(WORK_WORDS);
    expect((await server.fetch(pagePath(), { cookie: cookie.leader2 })).status).toBe(404);
    const other = await server.post(pagePath(), { area: "housing", scale: "2" }, cookie.leader2);
    expect(other.status).toBe(404);
  });
});
