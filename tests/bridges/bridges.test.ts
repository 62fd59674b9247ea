import { and, count, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  bridgeEvents,
  bridges,
  municipalities,
  offerings,
  organisations,
  outbox,
  planActions,
  planGoals,
  reminderOptOuts,
  roleAssignments,
  users,
} from "../../db/schema";
import { seedDemoPlan } from "../../db/seed-plan";
import { remindStalledBridges } from "../../app/features/bridges/bridge-nudge.server";
import { bridgeLinkToken } from "../../app/features/bridges/bridge-token.server";
import { runReminders } from "../../app/features/mail/reminders.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, personLinkToken, type DemoDocuments } from "../support/realtime";

/*
 * Bridges from a person to an offering on the real server (both databases; issue 13): a leader
 * proposes from a goal of the plan (once per form), adds steps with dates and notes, records the
 * person's consent and makes the organisation's link; the contact confirms the first visit
 * through it and sees only the first name, the offering and the date, and only with consent;
 * the plan shows the bridges under their goal as far as per-part consent goes; the nudge comes
 * once after 14 days without change. Roles, link holders, old links, revoked consent and another
 * municipality are tried against each page; bad input gets a 4xx and stores nothing.
 */

let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let personToken = "";
let belongingGoalId = "";
let belongingActionId = "";
let workGoalId = "";
let dinnerId = "";
let choirId = "";
let pausedId = "";
let foreignOfferingId = "";
let bridgeId = "";
const NOTE = "Siri-vil-prove-torsdag-8f3a";

const location = (r: Response) => r.headers.get("location") ?? "";
const text = async (path: string, as?: string) => {
  const response = await server.fetch(path, { cookie: as ? cookie[as] : undefined });
  return { status: response.status, html: await response.text(), location: location(response) };
};
const proposePath = () => `/networks/${docs.networkId}/bridges/new`;
const bridgePath = (id = bridgeId) => `/bridges/${id}`;
const events = (id = bridgeId) =>
  server.database.db.select().from(bridgeEvents).where(eq(bridgeEvents.bridgeId, id));
const bridgeRow = async (id = bridgeId) =>
  (await server.database.db.select().from(bridges).where(eq(bridges.id, id)))[0]!;
const audits = async (action: string, subjectId = bridgeId) =>
  (
    await server.database.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)))
  )[0]!.n;
const offeringId = async (title: string) =>
  (await server.database.db.select().from(offerings).where(eq(offerings.title, title)))[0]!.id;
const TODAY = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer();
  const { db } = server.database;
  docs = await demoDocuments(db);
  await seedDemoPlan(db);
  personToken = await personLinkToken(db, docs);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const goal = async (area: string) =>
    (
      await db
        .select({ id: planGoals.goalId })
        .from(planGoals)
        .where(and(eq(planGoals.networkId, docs.networkId), eq(planGoals.area, area as "housing")))
    )[0]!.id;
  belongingGoalId = await goal("network_belonging");
  workGoalId = await goal("work_activity");
  const [action] = await db
    .select({ id: planActions.actionId })
    .from(planActions)
    .where(and(eq(planActions.networkId, docs.networkId), eq(planActions.goalId, belongingGoalId)));
  belongingActionId = action!.id;
  dinnerId = await offeringId("Middag for alle");
  choirId = await offeringId("Åpent kor");
  pausedId = await offeringId("Kurs i egen mestring");

  // Another municipality with its own leader and offering.
  const [havbygd] = await db
    .insert(municipalities)
    .values({ name: "Havbygd kommune", slug: "havbygd-bro" })
    .returning();
  const [org] = await db
    .insert(organisations)
    .values({ municipalityId: havbygd!.id, name: "Havbygd turlag", kind: "association" })
    .returning();
  const [foreignOffering] = await db
    .insert(offerings)
    .values({
      municipalityId: havbygd!.id,
      organisationId: org!.id,
      title: "Havbygd-tur",
      description: "Tur.",
      category: "activity_exercise",
    })
    .returning();
  foreignOfferingId = foreignOffering!.id;
  const [foreign] = await db
    .insert(users)
    .values({ municipalityId: havbygd!.id, email: "leder@havbygd.test", name: "Hanne Hav" })
    .returning();
  await db
    .insert(roleAssignments)
    .values({ userId: foreign!.id, municipalityId: havbygd!.id, role: "leader" });
  cookie.foreign = await server.cookieFor("leder@havbygd.test");
});

afterAll(async () => {
  await server?.close();
});

describe("proposing an offering", () => {
  it("shows the goal and the municipality's active offerings, filtered by text", async () => {
    const page = await text(`${proposePath()}?goalId=${belongingGoalId}`, "leader");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Jeg vil være med på noe fast hver uke");
    expect(page.html).toContain("Middag for alle");
    expect(page.html).not.toContain("Kurs i egen mestring"); // paused
    expect(page.html).not.toContain("Havbygd-tur");
    const filtered = await text(`${proposePath()}?q=kor`, "leader");
    expect(filtered.html).toContain("Åpent kor");
    expect(filtered.html).not.toContain("Middag for alle");
    const odd = await text(`${proposePath()}?q=${encodeURIComponent("'.*(%\\")}`, "leader");
    expect(odd.status).toBe(200);
    expect((await text(`${proposePath()}?goalId=no-such-goal`, "leader")).status).toBe(404);
    expect(
      (await text(`${proposePath()}?goalId=${encodeURIComponent("<x>")}`, "leader")).status,
    ).toBe(404);
  });

  it("creates one bridge from a goal however often the form is sent, audited", async () => {
    const formToken = await server.formToken(cookie.leader!);
    const fields = {
      formToken,
      offeringId: dinnerId,
      goalId: belongingGoalId,
      actionId: belongingActionId,
      note: NOTE,
    };
    const [first, second] = await Promise.all([
      server.post(proposePath(), fields, cookie.leader),
      server.post(proposePath(), fields, cookie.leader),
    ]);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(location(first)).toBe(location(second));
    bridgeId = /\/bridges\/([0-9a-f-]{36})$/.exec(location(first))![1]!;
    const rows = await server.database.db
      .select()
      .from(bridges)
      .where(eq(bridges.networkId, docs.networkId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: "suggested",
      area: "network_belonging",
      goalId: belongingGoalId,
      actionId: belongingActionId,
    });
    const steps = await events();
    expect(steps).toHaveLength(1);
    expect(steps[0]!.note).toBe(NOTE);
    expect(await audits("bridge.create")).toBe(1);
  });

  it("refuses bad input with a 400 and stores nothing", async () => {
    const bad: Record<string, string>[] = [
      { offeringId: pausedId },
      { offeringId: foreignOfferingId },
      { offeringId: crypto.randomUUID() },
      { offeringId: "not-a-uuid" },
      {},
      { offeringId: dinnerId, note: "x".repeat(501) },
      { offeringId: dinnerId, goalId: "no-such-goal" },
      { offeringId: dinnerId, goalId: "<script>" },
      { offeringId: dinnerId, actionId: "no-such-action" },
    ];
    for (const fields of bad) {
      const response = await server.post(proposePath(), fields, cookie.leader);
      expect(response.status, JSON.stringify(fields)).toBe(400);
    }
    const stale = await server.post(
      proposePath(),
      { formToken: "x.y.z", offeringId: dinnerId },
      cookie.leader,
    );
    expect(stale.status).toBe(400);
    const rows = await server.database.db
      .select()
      .from(bridges)
      .where(eq(bridges.networkId, docs.networkId));
    expect(rows).toHaveLength(1);
  });

  it("is for those who manage the network: others get 404 (or 403 by role)", async () => {
    expect((await text(proposePath(), "coordinator")).status).toBe(200);
    expect((await text(proposePath(), "leader2")).status).toBe(404);
    expect((await text(proposePath(), "foreign")).status).toBe(404);
    for (const role of ["nav", "volunteer", "housing", "admin"])
      expect((await text(proposePath(), role)).status, role).toBe(403);
    expect((await text(proposePath())).location).toMatch(/^\/login/);
    for (const role of ["leader2", "foreign"]) {
      const response = await server.post(proposePath(), { offeringId: dinnerId }, cookie[role]);
      expect(response.status, role).toBe(404);
    }
  });
});

describe("the bridge page", () => {
  it("shows status and steps to leaders and coordinators of the person, audited", async () => {
    const before = await audits("bridge.view");
    const page = await text(bridgePath(), "leader");
    expect(page.status).toBe(200);
    expect(page.html).toContain("Middag for alle");
    expect(page.html).toContain(NOTE);
    expect(page.html).toContain("Foreslått");
    expect((await text(bridgePath(), "coordinator")).status).toBe(200);
    expect(await audits("bridge.view")).toBe(before + 2);
  });

  it("is not found for anyone else", async () => {
    for (const role of ["leader2", "nav", "volunteer", "housing", "foreign"])
      expect((await text(bridgePath(), role)).status, role).toBe(404);
    expect((await text(bridgePath(), "admin")).status).toBe(403);
    expect((await text(bridgePath())).location).toMatch(/^\/login/);
    expect((await text(bridgePath(crypto.randomUUID()), "leader")).status).toBe(404);
    expect((await text("/bridges/not-a-uuid", "leader")).status).toBe(404);
    for (const role of ["leader2", "nav", "foreign"]) {
      const response = await server.post(
        bridgePath(),
        { intent: "step", status: "wanted", happenedOn: TODAY() },
        cookie[role],
      );
      expect(response.status, role).toBe(404);
    }
    expect(await events()).toHaveLength(1);
  });

  it("adds a step once per form, and refuses bad steps with a 400", async () => {
    const formToken = await server.formToken(cookie.leader!);
    const fields = { intent: "step", formToken, status: "wanted", happenedOn: TODAY(), note: "Ja" };
    const [a, b] = await Promise.all([
      server.post(bridgePath(), fields, cookie.leader),
      server.post(bridgePath(), fields, cookie.leader),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await events()).toHaveLength(2);
    expect((await bridgeRow()).status).toBe("wanted");
    expect(await audits("bridge.step")).toBe(1);

    const bad: Record<string, string>[] = [
      { intent: "step", status: "flying", happenedOn: TODAY() },
      { intent: "step", status: "suggested", happenedOn: TODAY() },
      { intent: "step", status: "contact_made", happenedOn: "2026-02-30" },
      { intent: "step", status: "contact_made", happenedOn: "30.11.2026" },
      { intent: "step", status: "contact_made", happenedOn: "2999-01-01" },
      { intent: "step", status: "contact_made", happenedOn: "1899-01-01" },
      { intent: "step", status: "contact_made" },
      { intent: "step", status: "contact_made", happenedOn: TODAY(), note: "x".repeat(501) },
      { intent: "step", status: "contact_made", happenedOn: TODAY(), note: "a\u0000b" },
      { intent: "step", status: "visit_agreed", happenedOn: TODAY(), companion: "peer" },
      {
        intent: "step",
        status: "visit_agreed",
        happenedOn: TODAY(),
        visitOn: "2000-01-01",
        companion: "peer",
      },
      { intent: "step", status: "visit_agreed", happenedOn: TODAY(), visitOn: "2099-01-01" },
      {
        intent: "step",
        status: "visit_agreed",
        happenedOn: TODAY(),
        visitOn: "2099-01-01",
        companion: "horse",
      },
      { intent: "fly" },
      {},
    ];
    for (const fields of bad) {
      const response = await server.post(bridgePath(), fields, cookie.leader);
      expect(response.status, JSON.stringify(fields)).toBe(400);
    }
    expect(await events()).toHaveLength(2);
  });
});

describe("the organisation's link", () => {
  let token = "";

  it("is made by a leader, shows nothing without the person's consent", async () => {
    expect((await server.post(bridgePath(), { intent: "link" }, cookie.leader)).status).toBe(200);
    const row = await bridgeRow();
    expect(row.linkVersion).toBe(1);
    token = bridgeLinkToken(bridgeId, 1);
    expect(row.linkTokenHash).not.toContain(token);
    expect((await text(bridgePath(), "leader")).html).toContain(`/b/${token}`);
    const page = await text(`/b/${token}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain("ingenting å vise");
    expect(page.html).not.toContain("Siri");
    expect(page.html).not.toContain("Middag for alle");
    const confirm = await server.fetch(`/b/${token}`, { method: "POST" });
    expect(confirm.status).toBe(409);
    expect(await audits("bridge.link")).toBe(1);
  });

  it("with consent shows only the first name, the offering and the date; confirming is one step", async () => {
    expect(
      (await server.post(bridgePath(), { intent: "consent-give" }, cookie.leader)).status,
    ).toBe(200);
    expect((await bridgeRow()).consentGivenBy).toBe("leader");
    expect(await audits("bridge.consent")).toBe(1);
    let page = await text(`/b/${token}`);
    expect(page.html).toContain("Siri");
    expect(page.html).not.toContain("Havdal");
    expect(page.html).toContain("Middag for alle");
    expect(page.html).not.toContain(NOTE);
    expect(page.html).toContain("Ingen dato er avtalt");
    expect(page.html).not.toContain("Bekreft første besøk");

    const visit = {
      intent: "step",
      status: "visit_agreed",
      happenedOn: TODAY(),
      visitOn: "2099-03-04",
      companion: "volunteer",
    };
    expect((await server.post(bridgePath(), visit, cookie.leader)).status).toBe(200);
    page = await text(`/b/${token}`);
    expect(page.html).toContain("2099");
    expect(page.html).toContain("Bekreft første besøk");
    const [one, two] = await Promise.all([
      server.fetch(`/b/${token}`, { method: "POST" }),
      server.fetch(`/b/${token}`, { method: "POST" }),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    const bodies = [await one.text(), await two.text()].join("\n");
    expect(bodies).toContain("Første besøk er bekreftet");
    expect(bodies).toContain("allerede bekreftet");
    const contactSteps = (await events()).filter((e) => e.byLabel === "contact");
    expect(contactSteps).toHaveLength(1);
    expect(contactSteps[0]).toMatchObject({ status: "visit_agreed", visitOn: "2099-03-04" });
    expect((await bridgeRow()).visitConfirmedAt).not.toBeNull();
    expect(await audits("bridge.confirm")).toBe(1);
    expect(await audits("bridge.link_open")).toBeGreaterThanOrEqual(3);
    expect((await text(bridgePath(), "leader")).html).toContain("Bekreftet av tilbudet");
  });

  it("a new link ends the old one; withdrawn consent shows nothing at once", async () => {
    expect((await server.post(bridgePath(), { intent: "link" }, cookie.leader)).status).toBe(200);
    const fresh = bridgeLinkToken(bridgeId, 2);
    expect((await text(`/b/${token}`)).status).toBe(404);
    expect((await server.fetch(`/b/${token}`, { method: "POST" })).status).toBe(404);
    expect((await text(`/b/${fresh}`)).html).toContain("Siri");
    expect(
      (await server.post(bridgePath(), { intent: "consent-withdraw" }, cookie.leader)).status,
    ).toBe(200);
    expect(await audits("bridge.consent_withdraw")).toBe(1);
    const page = await text(`/b/${fresh}`);
    expect(page.html).toContain("ingenting å vise");
    expect(page.html).not.toContain("Siri");
    expect((await text("/b/not-a-real-link")).status).toBe(404);
    expect((await text(`/b/${"A".repeat(43)}`)).status).toBe(404);
    token = fresh;
  });

  /** "Send the link by e-mail" posted as `who`, with a form token of its own. */
  const sendLinkWithFreshForm = async (who: string) =>
    server.post(
      bridgePath(),
      { intent: "link-send", formToken: await server.formToken(cookie[who]!) },
      cookie[who],
    );

  it("is e-mailed to the offering's contact with consent, once per form, neutrally, with the current link", async () => {
    const { db } = server.database;
    const { offeringId: offered } = await bridgeRow();
    const [offering] = await db.select().from(offerings).where(eq(offerings.id, offered));
    await db
      .update(offerings)
      .set({ contactEmail: "kontakt@middag.test", contactName: "Kari Kontakt" })
      .where(eq(offerings.id, offered));
    // Not without the person's agreement (withdrawn in the test before).
    expect((await text(bridgePath(), "leader")).html).toContain("når personen har sagt ja");
    const early = await sendLinkWithFreshForm("leader");
    expect(early.status).toBe(409);
    expect(await audits("bridge.link_sent")).toBe(0);
    await server.post(bridgePath(), { intent: "consent-give" }, cookie.leader);
    const page = await text(bridgePath(), "leader");
    expect(page.html).toContain("Send lenken på e-post til kontakt@middag.test");
    const formToken = await server.formToken(cookie.leader!);
    const send = () => server.post(bridgePath(), { intent: "link-send", formToken }, cookie.leader);
    const [one, two] = await Promise.all([send(), send()]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(await one.text()).toContain("Lenken er lagt i utboksen og sendes på e-post.");
    const mail = await db.select().from(outbox).where(eq(outbox.toAddress, "kontakt@middag.test"));
    expect(mail).toHaveLength(1);
    // The link that works now (no new one made), neutral text: the person is never named.
    expect((await bridgeRow()).linkVersion).toBe(2);
    expect(mail[0]!.textBody).toContain(`/b/${token}`);
    expect(mail[0]!.htmlBody).toMatch(new RegExp(`<a href="http[^"]+/b/${token}">`));
    expect(mail[0]!.textBody).toContain(offering!.title);
    for (const secret of ["Siri", "Havdal", NOTE])
      expect(`${mail[0]!.subject}\n${mail[0]!.textBody}`).not.toContain(secret);
    expect(await audits("bridge.link_sent")).toBe(1);
    // Others cannot send it.
    const other = await sendLinkWithFreshForm("leader2");
    expect(other.status).toBe(404);
    // An address that cannot be used: 400 with a message, nothing queued.
    await db
      .update(offerings)
      .set({ contactEmail: "kari kontakt@middag" })
      .where(eq(offerings.id, offered));
    const bad = await sendLinkWithFreshForm("leader");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("kan ikke brukes");
    expect(await audits("bridge.link_sent")).toBe(1);
    // Without an address for the contact or the organisation: said on the page, 400 on a post.
    await db.update(offerings).set({ contactEmail: null }).where(eq(offerings.id, offered));
    await db
      .update(organisations)
      .set({ email: null })
      .where(eq(organisations.id, offering!.organisationId));
    expect((await text(bridgePath(), "leader")).html).toContain("og send den selv");
    const none = await sendLinkWithFreshForm("leader");
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("ingen e-postadresse");
    expect(await audits("bridge.link_sent")).toBe(1);
  });

  it("ends when the bridge ends; a closed bridge takes no more steps", async () => {
    await server.post(bridgePath(), { intent: "consent-give" }, cookie.leader);
    await server.post(
      bridgePath(),
      { intent: "step", status: "started", happenedOn: TODAY() },
      cookie.leader,
    );
    expect((await text(`/b/${token}`)).status).toBe(200);
    expect((await bridgeRow()).status).toBe("started");
    // A second bridge, ended at once.
    const formToken = await server.formToken(cookie.leader!);
    const made = await server.post(
      proposePath(),
      { formToken, offeringId: choirId, goalId: workGoalId },
      cookie.leader,
    );
    const second = /\/bridges\/([0-9a-f-]{36})$/.exec(location(made))![1]!;
    await server.post(bridgePath(second), { intent: "link" }, cookie.leader);
    const secondToken = bridgeLinkToken(second, 1);
    expect((await text(`/b/${secondToken}`)).status).toBe(200);
    const ended = await server.post(
      bridgePath(second),
      { intent: "step", status: "ended", happenedOn: TODAY() },
      cookie.leader,
    );
    expect(ended.status).toBe(200);
    expect((await text(`/b/${secondToken}`)).status).toBe(404);
    const again = await server.post(
      bridgePath(second),
      { intent: "step", status: "started", happenedOn: TODAY() },
      cookie.leader,
    );
    expect(again.status).toBe(409);
    expect((await server.post(bridgePath(second), { intent: "link" }, cookie.leader)).status).toBe(
      409,
    );
  });
});

describe("the plan and the person's link", () => {
  it("shows bridges under their goal to leaders, with a way to propose", async () => {
    const plan = await text(`/networks/${docs.networkId}/plan`, "leader");
    expect(plan.status).toBe(200);
    expect(plan.html).toContain("Middag for alle");
    expect(plan.html).toContain("Åpent kor");
    expect(plan.html).toContain("Foreslå tilbud for målet");
    expect(plan.html).toContain(`/bridges/${bridgeId}`);
  });

  it("shows a partner only the bridges of the parts their consent covers, without links", async () => {
    // NAV's consent (seedDemoPlan) covers work and economy: the choir (work goal), not the dinner.
    const plan = await text(`/networks/${docs.networkId}/plan`, "nav");
    expect(plan.status).toBe(200);
    expect(plan.html).toContain("Åpent kor");
    expect(plan.html).not.toContain("Middag for alle");
    expect(plan.html).not.toContain("Foreslå tilbud");
    expect(plan.html).not.toContain('href="/bridges/');
  });

  it("shows the person theirs through their link, audited; other links get 404", async () => {
    const plan = await text(`/i/${personToken}/plan`);
    expect(plan.html).toContain("Middag for alle");
    const before = await audits("bridge.person_view", docs.networkId);
    const own = await text(`/i/${personToken}/bridges`);
    expect(own.status).toBe(200);
    expect(own.html).toContain("Middag for alle");
    expect(own.html).toContain("Startet");
    expect(await audits("bridge.person_view", docs.networkId)).toBe(before + 1);
    const { invitationToken } = await import("../../app/features/meetings/invitation-links.server");
    expect((await text(`/i/${invitationToken(docs.relativeInvitationId, 1)}/bridges`)).status).toBe(
      404,
    );
    expect((await text(`/i/not-a-link/bridges`)).status).toBe(404);
  });
});

describe("the person's own consent through their link", () => {
  it("withdraws and gives it again, recorded as the person's, audited; others get 404", async () => {
    const path = `/i/${personToken}/bridges`;
    const withdraw = await server.post(path, { intent: "consent-withdraw", bridgeId });
    expect(withdraw.status).toBe(200);
    expect((await bridgeRow()).consentWithdrawnAt).not.toBeNull();
    expect((await text(path)).html).toContain("Ja, de kan se det");
    const give = await server.post(path, { intent: "consent-give", bridgeId });
    expect(give.status).toBe(200);
    const row = await bridgeRow();
    expect(row).toMatchObject({ consentGivenBy: "person", consentRecordedByUserId: null });
    expect(row.consentWithdrawnAt).toBeNull();
    expect((await text(`/b/${bridgeLinkToken(bridgeId, 2)}`)).html).toContain("Siri");
    const { invitationToken } = await import("../../app/features/meetings/invitation-links.server");
    const relative = `/i/${invitationToken(docs.relativeInvitationId, 1)}/bridges`;
    expect((await server.post(relative, { intent: "consent-withdraw", bridgeId })).status).toBe(
      404,
    );
    expect(
      (await server.post(path, { intent: "consent-withdraw", bridgeId: crypto.randomUUID() }))
        .status,
    ).toBe(404);
    expect((await server.post(path, { intent: "fly", bridgeId })).status).toBe(400);
    expect((await bridgeRow()).consentWithdrawnAt).toBeNull();
  });
});

describe("the nudge after 14 days without change", () => {
  it("is shown on the person's page and sent once, neutrally, through the outbox", async () => {
    const { db } = server.database;
    const now = new Date(Date.now() + 15 * 86_400_000);
    await db
      .update(bridges)
      .set({ updatedAt: new Date(Date.now() - 15 * 86_400_000) })
      .where(eq(bridges.id, bridgeId));
    const page = await text(`/persons/${docs.personId}`, "leader");
    expect(page.html).toContain("Ingen endring på 14 dager");
    // Thirteen days after the last change: nothing yet.
    expect(await remindStalledBridges(new Date(Date.now() - 2 * 86_400_000), db)).toBe(0);
    const first = await runReminders(now, db);
    expect(first.bridges).toBeGreaterThanOrEqual(1);
    expect((await runReminders(now, db)).bridges).toBe(0);
    const mails = await db
      .select()
      .from(outbox)
      .where(like(outbox.textBody, `%/bridges/${bridgeId}%`));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.toAddress).toBe(DEMO.leader);
    for (const secret of ["Siri", "Havdal", "Middag", NOTE])
      expect(mails[0]!.textBody + mails[0]!.subject).not.toContain(secret);
  });

  it("comes again after a new change and a new stall, but not to whoever turned reminders off", async () => {
    const { db } = server.database;
    const later = new Date(Date.now() + 40 * 86_400_000);
    await db
      .update(bridges)
      .set({ updatedAt: new Date(Date.now() - 2 * 86_400_000) })
      .where(eq(bridges.id, bridgeId));
    await db.insert(reminderOptOuts).values({ userId: await server.userId(DEMO.leader) });
    expect(await remindStalledBridges(later, db)).toBe(0);
    await db.delete(reminderOptOuts);
    expect(await remindStalledBridges(later, db)).toBeGreaterThanOrEqual(1);
    const mails = await db
      .select()
      .from(outbox)
      .where(like(outbox.textBody, `%/bridges/${bridgeId}%`));
    expect(mails).toHaveLength(2);
  });
});
