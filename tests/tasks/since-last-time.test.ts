import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consents, invitations, meetings, networkMembers, planActions } from "../../db/schema";
import { withdrawConsent } from "../../app/features/consent/consent.server";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";

/*
 * "Since last time" for everyone who may read the agenda (issue 12), both databases: the
 * leader and the person see every action whose status changed since the previous meeting;
 * NAV (account) and the relative (link) see the agenda's actions and the plan actions of the
 * areas their plan consent covers, never one of another area; without agenda consent nothing.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let leaderId = "";
const next = crypto.randomUUID();
const links: Record<string, string> = {};
let workConsentId = "";

const AGENDA = "Siden-sist-agenda-tiltak";
const WORK = "Siden-sist-arbeid-tiltak";
const HEALTH = "Siden-sist-helse-tiltak";
const UNCHANGED = "Siden-sist-uendret-tiltak";

/** The "since last time" section of a page, or "" when it has none. */
const section = (html: string) => {
  const start = html.indexOf('aria-labelledby="since-last-time"');
  if (start < 0) return "";
  return html.slice(start, html.indexOf("</section>", start));
};
const meetingPage = async (as: string) => {
  const response = await server.fetch(`/meetings/${next}`, { cookie: cookie[as] });
  expect(response.status).toBe(200);
  return section(await response.text());
};
const linkPage = async (who: string) => {
  const response = await server.fetch(`/i/${links[who]}`);
  expect(response.status).toBe(200);
  return section(await response.text());
};

beforeAll(async () => {
  server = await startTestServer();
  const { db } = server.database;
  docs = await demoDocuments(db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leaderId = await server.userId(DEMO.leader);
  const meeting = (id: string, startsAt: Date) => ({
    id,
    networkId: docs.networkId,
    kind: "follow_up_meeting" as const,
    startsAt,
    durationMinutes: 60,
    internalTitle: "Oppfølging",
    icalUid: `${id}@test`,
  });
  const previous = crypto.randomUUID();
  await db
    .insert(meetings)
    .values([
      meeting(previous, new Date(Date.now() - 2 * 86_400_000)),
      meeting(next, new Date(Date.now() + 86_400_000)),
    ]);
  const members = await db
    .select({ id: networkMembers.id, name: networkMembers.name, isPerson: networkMembers.isPerson })
    .from(networkMembers)
    .where(eq(networkMembers.networkId, docs.networkId));
  const volunteer = members.find((m) => m.name === "Fjordvik idrettslag")!;
  const person = members.find((m) => m.isPerson)!;
  const invitees = {
    nav: docs.navMemberId,
    relative: docs.relativeMemberId,
    person: person.id,
    volunteer: volunteer.id,
  };
  for (const [who, memberId] of Object.entries(invitees)) {
    const id = crypto.randomUUID();
    await db.insert(invitations).values({
      id,
      meetingId: next,
      memberId,
      tokenHash: invitationTokenHash(id, 1),
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    });
    links[who] = invitationToken(id, 1);
  }
  // NAV may see the work part of the plan, nothing else of it; the relative only the agenda.
  const [work] = await db
    .insert(consents)
    .values({
      memberId: docs.navMemberId,
      content: "plan",
      planParts: ["work_activity"],
      givenOn: osloToday(),
      method: "verbal_in_meeting",
      recordedByUserId: leaderId,
    })
    .returning({ id: consents.id });
  workConsentId = work!.id;
  const changed = new Date(Date.now() - 3_600_000);
  const plan = (area: "work_activity" | "mental_health") => ({
    documentName: `plan:${docs.networkId}:${area}`,
    networkId: docs.networkId,
    source: "plan" as const,
    area,
    responsible: "person",
    responsibleIsPerson: true,
  });
  await db.insert(planActions).values([
    {
      documentName: `agenda:${previous}`,
      networkId: docs.networkId,
      meetingId: previous,
      agendaItemId: "item-1",
      source: "agenda",
      actionId: "since-agenda",
      what: AGENDA,
      responsible: `member:${docs.navMemberId}`,
      responsibleMemberId: docs.navMemberId,
      status: "done",
      statusComment: "Søknaden er sendt",
      statusChangedAt: changed,
    },
    {
      ...plan("work_activity"),
      actionId: "since-work",
      what: WORK,
      status: "in_progress",
      statusChangedAt: changed,
    },
    {
      ...plan("mental_health"),
      actionId: "since-health",
      what: HEALTH,
      status: "blocked",
      statusComment: "Venter på time",
      statusChangedAt: changed,
    },
    // Changed before the previous meeting: not "since last time".
    {
      ...plan("work_activity"),
      actionId: "since-old",
      what: UNCHANGED,
      status: "done",
      statusChangedAt: new Date(Date.now() - 5 * 86_400_000),
    },
  ]);
});

afterAll(async () => {
  await server?.close();
});

describe("since last time, for everyone who may read the agenda", () => {
  it("the leader and the person (by link) see every action that changed", async () => {
    for (const text of [await meetingPage("leader"), await linkPage("person")]) {
      expect(text).toContain("Siden sist");
      for (const what of [AGENDA, WORK, HEALTH]) expect(text).toContain(what);
      expect(text).toContain("Venter på time");
      expect(text).not.toContain(UNCHANGED);
    }
  });

  it("NAV sees the agenda's actions and the work part, never another area", async () => {
    for (const text of [await meetingPage("nav"), await linkPage("nav")]) {
      expect(text).toContain(AGENDA);
      expect(text).toContain("Søknaden er sendt");
      expect(text).toContain(WORK);
      expect(text).not.toContain(HEALTH);
      expect(text).not.toContain("Venter på time");
    }
  });

  it("the relative (agenda consent only) sees the agenda's actions, no plan action", async () => {
    const text = await linkPage("relative");
    expect(text).toContain(AGENDA);
    expect(text).not.toContain(WORK);
    expect(text).not.toContain(HEALTH);
  });

  it("a member without agenda consent sees no section at all", async () => {
    const response = await server.fetch(`/i/${links.volunteer}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toContain("Siden sist");
    for (const what of [AGENDA, WORK, HEALTH]) expect(html).not.toContain(what);
  });

  it("withdrawing NAV's plan consent takes the work part away at once", async () => {
    await withdrawConsent(
      { userId: leaderId },
      { id: docs.navMemberId, personId: docs.personId },
      workConsentId,
    );
    for (const text of [await meetingPage("nav"), await linkPage("nav")]) {
      expect(text).toContain(AGENDA);
      expect(text).not.toContain(WORK);
    }
    // And the agenda consent too: no section, on either page.
    const [agenda] = await server.database.db
      .select({ id: consents.id })
      .from(consents)
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "agenda")));
    await withdrawConsent(
      { userId: leaderId },
      { id: docs.navMemberId, personId: docs.personId },
      agenda!.id,
    );
    expect(await meetingPage("nav")).toBe("");
    expect(await linkPage("nav")).toBe("");
  });
});
