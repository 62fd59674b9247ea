import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, consents, invitations, meetings, planActions } from "../../db/schema";
import { addAction, addItem, readAgenda } from "../../app/features/agenda/document";
import { recordConsent, withdrawConsent } from "../../app/features/consent/consent.server";
import { planDocumentName } from "../../app/features/documents/registry.server";
import { documentStateNow } from "../../app/features/documents/state.server";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { addPlanAction, readAreaPlan } from "../../app/features/plan/document";
import { osloToday } from "../../app/utils/oslo-time";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import {
  connectClient,
  demoDocuments,
  until,
  type Client,
  type DemoDocuments,
} from "../support/realtime";

/*
 * My tasks, status between meetings and "since last time" (issue 12), on the projection:
 * who sees which action (own responsibility, current membership, consent per part), the status
 * written into the live document through Broen and through a personal link, audited once,
 * and the next meeting's page listing what changed since the previous one.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
const clients: Client[] = [];
let leaderId = "";
let leader2Id = "";
let leaderUserId = "";
const ids: Record<string, string> = {};
const housing = () => planDocumentName(docs.networkId, "housing");
const economy = () => planDocumentName(docs.networkId, "economy");

async function open(name: string) {
  const client = connectClient(server.url, name, { cookie: cookie.leader });
  clients.push(client);
  await client.synced();
  return client;
}

const row = async (documentName: string, actionId: string) =>
  (
    await server.database.db
      .select()
      .from(planActions)
      .where(and(eq(planActions.documentName, documentName), eq(planActions.actionId, actionId)))
  )[0];

const page = async (path: string, as?: string) => {
  const response = await server.fetch(path, { cookie: as ? cookie[as] : undefined });
  return { status: response.status, text: await response.text() };
};

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leaderId = await server.userId(DEMO.leader);
  leader2Id = await server.userId(DEMO.leader2);
  leaderUserId = leaderId;
  const yesterday = new Date(Date.now() - 86_400_000);
  const past = new Date(Date.now() - 30 * 86_400_000);
  // An agenda: NAV's overdue action, NAV's action without a date, the relative's, the leader's.
  const agenda = await open(docs.agenda);
  const itemId = addItem(agenda.doc, { title: "Arbeid", createdBy: null });
  const nav = `member:${docs.navMemberId}`;
  ids.navOverdue = addAction(
    agenda.doc,
    itemId,
    { what: "NAV-forfalt-oppgave", responsible: nav, due: osloToday(past) },
    null,
  )!;
  ids.navLater = addAction(
    agenda.doc,
    itemId,
    { what: "NAV-senere-oppgave", responsible: nav, due: null },
    null,
  )!;
  ids.relative = addAction(
    agenda.doc,
    itemId,
    {
      what: "Pårørende-oppgave",
      responsible: `member:${docs.relativeMemberId}`,
      due: osloToday(yesterday),
    },
    null,
  )!;
  ids.leader = addAction(
    agenda.doc,
    itemId,
    { what: "Leder-oppgave", responsible: `user:${leaderId}`, due: null },
    null,
  )!;
  ids.leader2 = addAction(
    agenda.doc,
    itemId,
    { what: "Annen-leder-oppgave", responsible: `user:${leader2Id}`, due: null },
    null,
  )!;
  // The plan: NAV's housing action and NAV's economy action.
  const plan = await open(housing());
  ids.navHousing = addPlanAction(plan.doc, {
    what: "NAV-bolig-tiltak",
    responsible: nav,
    due: null,
    goalId: null,
    by: null,
  });
  const money = await open(economy());
  ids.navEconomy = addPlanAction(money.doc, {
    what: "NAV-økonomi-tiltak",
    responsible: nav,
    due: null,
    goalId: null,
    by: null,
  });
  for (const [name, id] of [
    [docs.agenda, ids.leader2],
    [housing(), ids.navHousing],
    [economy(), ids.navEconomy],
  ] as const) {
    await until(() => row(name, id), `the projection of ${id}`, 10_000);
  }
});

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await server?.close();
});

describe("My tasks", () => {
  it("a partner sees their own open actions, overdue first, and only where consent covers them", async () => {
    const { status, text } = await page("/tasks", "nav");
    expect(status).toBe(200);
    expect(text).toContain("NAV-forfalt-oppgave");
    expect(text).toContain("NAV-senere-oppgave");
    expect(text.indexOf("NAV-forfalt-oppgave")).toBeLessThan(text.indexOf("NAV-senere-oppgave"));
    expect(text).toContain("Over fristen");
    // Someone else's, and plan parts without consent: not shown.
    for (const other of ["Pårørende-oppgave", "Leder-oppgave", "NAV-bolig-tiltak", "NAV-økonomi"])
      expect(text).not.toContain(other);
  });

  it("consent for one part of the plan shows that part's actions and not the others", async () => {
    await recordConsent(
      { userId: leaderUserId },
      { id: docs.navMemberId, personId: docs.personId },
      {
        contents: ["plan"],
        planParts: ["housing"],
        givenOn: osloToday(),
        expiresOn: null,
        method: "verbal_in_meeting",
      },
    );
    const { text } = await page("/tasks", "nav");
    expect(text).toContain("NAV-bolig-tiltak");
    expect(text).toContain("Planen: Bolig");
    expect(text).not.toContain("NAV-økonomi-tiltak");
  });

  it("a leader sees actions on their own account in networks they manage, not another leader's", async () => {
    const mine = await page("/tasks", "leader");
    expect(mine.text).toContain("Leder-oppgave");
    expect(mine.text).not.toContain("Annen-leder-oppgave");
    expect(mine.text).not.toContain("NAV-forfalt-oppgave");
    // The other leader does not manage this network: their action here is not shown to them.
    expect((await page("/tasks", "leader2")).text).not.toContain("Annen-leder-oppgave");
    // Another partner sees none of these.
    const housingPartner = await page("/tasks", "housing");
    expect(housingPartner.status).toBe(200);
    expect(housingPartner.text).not.toContain("NAV-");
  });

  it("the navigation leads to My tasks; anonymous visitors and admins are refused", async () => {
    expect((await page("/", "nav")).text).toContain('href="/tasks"');
    const anonymous = await server.fetch("/tasks");
    expect(anonymous.status).toBe(302);
    expect((await page("/tasks", "admin")).status).toBe(403);
  });

  it("reading is logged once per person shown", async () => {
    const before = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "tasks.view"));
    await page("/tasks", "nav");
    const after = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "tasks.view"));
    expect(after.length - before.length).toBe(1);
    expect(after.at(-1)?.personId).toBe(docs.personId);
  });
});

describe("status between meetings", () => {
  const statusAudits = async () =>
    (await server.database.db.select().from(auditLog).where(eq(auditLog.action, "task.status")))
      .length;

  it("the responsible marks an action in progress with a comment: into the live document, the projection and the audit log; a second click changes nothing", async () => {
    // A leader has the agenda open and sees the change arrive.
    const watcher = await open(docs.agenda);
    const audits = await statusAudits();
    const fields = {
      documentName: docs.agenda,
      actionId: ids.navOverdue!,
      status: "in_progress",
      comment: "Venter på svar fra arbeidsgiver",
    };
    const response = await server.post("/tasks", fields, cookie.nav);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Statusen er lagret");
    const live = () =>
      readAgenda(watcher.doc)
        .agenda.items.flatMap((item) => item.actions)
        .find((action) => action.id === ids.navOverdue);
    await until(
      () => (live()?.status === "in_progress" ? true : undefined),
      "the leader's agenda to show the status",
      10_000,
    );
    const stored = new Y.Doc();
    Y.applyUpdate(stored, await documentStateNow(docs.agenda));
    expect(
      readAgenda(stored)
        .agenda.items.flatMap((item) => item.actions)
        .find((a) => a.id === ids.navOverdue)?.status,
    ).toBe("in_progress");
    const projected = await row(docs.agenda, ids.navOverdue!);
    expect(projected).toMatchObject({
      status: "in_progress",
      statusComment: "Venter på svar fra arbeidsgiver",
    });
    expect(projected?.statusChangedAt).toBeInstanceOf(Date);
    expect(await statusAudits()).toBe(audits + 1);
    // The same again (a double click): nothing new.
    const again = await server.post("/tasks", fields, cookie.nav);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Ingenting ble endret");
    expect(await statusAudits()).toBe(audits + 1);
  });

  it("a plan action's status goes into the plan document", async () => {
    const response = await server.post(
      "/tasks",
      { documentName: housing(), actionId: ids.navHousing!, status: "blocked", comment: "" },
      cookie.nav,
    );
    expect(response.status).toBe(200);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, await documentStateNow(housing()));
    expect(readAreaPlan(doc).plan.actions.find((a) => a.id === ids.navHousing)?.status).toBe(
      "blocked",
    );
  });

  it("bad input is a 400; someone else's action, a part without consent or an unknown one a 404", async () => {
    const post = (fields: Record<string, string>, as = "nav") =>
      server.post("/tasks", fields, cookie[as]);
    const base = { documentName: docs.agenda, actionId: ids.navLater!, comment: "" };
    expect((await post({ ...base, status: "exploded" })).status).toBe(400);
    expect((await post({ ...base, status: "done", comment: "x".repeat(501) })).status).toBe(400);
    expect((await post({ ...base, actionId: "../../etc", status: "done" })).status).toBe(400);
    for (const [fields, as] of [
      [{ ...base, actionId: ids.relative!, status: "done" }, "nav"],
      [{ ...base, actionId: ids.navLater!, status: "done" }, "housing"],
      [{ ...base, actionId: ids.navLater!, status: "done" }, "leader2"],
      [{ ...base, documentName: economy(), actionId: ids.navEconomy!, status: "done" }, "nav"],
      [{ ...base, actionId: "noSuchAction123", status: "done" }, "nav"],
    ] as const) {
      const response = await post(fields, as);
      expect([as, fields.actionId, response.status]).toEqual([as, fields.actionId, 404]);
    }
    expect((await row(docs.agenda, ids.relative!))?.status).toBe("open");
    expect((await row(economy(), ids.navEconomy!))?.status).toBe("open");
  });

  it("a relative without an account sees and updates theirs through their personal link; an old link does not work", async () => {
    const token = invitationToken(docs.relativeInvitationId, 1);
    const shown = await page(`/i/${token}/tasks`);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("Pårørende-oppgave");
    expect(shown.text).not.toContain("NAV-");
    expect((await page(`/i/${token}`)).text).toContain(`/i/${token}/tasks`);
    const response = await server.post(`/i/${token}/tasks`, {
      documentName: docs.agenda,
      actionId: ids.relative!,
      status: "done",
      comment: "Ordnet",
    });
    expect(response.status).toBe(200);
    expect((await row(docs.agenda, ids.relative!))?.status).toBe("done");
    // Done actions leave the list.
    expect((await page(`/i/${token}/tasks`)).text).not.toContain("Pårørende-oppgave");
    // Not NAV's through the relative's link.
    const foreign = await server.post(`/i/${token}/tasks`, {
      documentName: docs.agenda,
      actionId: ids.navLater!,
      status: "done",
      comment: "",
    });
    expect(foreign.status).toBe(404);
    // The link is replaced: the old one shows nothing and changes nothing.
    await server.database.db
      .update(invitations)
      .set({ linkVersion: 2, tokenHash: invitationTokenHash(docs.relativeInvitationId, 2) })
      .where(eq(invitations.id, docs.relativeInvitationId));
    expect((await page(`/i/${token}/tasks`)).status).toBe(404);
    const old = await server.post(`/i/${token}/tasks`, {
      documentName: docs.agenda,
      actionId: ids.relative!,
      status: "open",
      comment: "",
    });
    expect(old.status).toBe(404);
    expect((await row(docs.agenda, ids.relative!))?.status).toBe("done");
  });

  it("withdrawn consent hides the action and refuses its status at once", async () => {
    const [agendaConsent] = await server.database.db
      .select({ id: consents.id })
      .from(consents)
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "agenda")));
    await withdrawConsent(
      { userId: leaderUserId },
      { id: docs.navMemberId, personId: docs.personId },
      agendaConsent!.id,
    );
    const { text } = await page("/tasks", "nav");
    expect(text).not.toContain("NAV-senere-oppgave");
    expect(text).toContain("NAV-bolig-tiltak"); // the plan consent still stands
    const response = await server.post(
      "/tasks",
      { documentName: docs.agenda, actionId: ids.navLater!, status: "done", comment: "" },
      cookie.nav,
    );
    expect(response.status).toBe(404);
  });
});

describe("since last time", () => {
  it("the next meeting's page lists the actions whose status changed since the previous meeting", async () => {
    const meeting = (startsAt: Date) => ({
      id: crypto.randomUUID(),
      networkId: docs.networkId,
      kind: "follow_up_meeting" as const,
      startsAt,
      durationMinutes: 60,
      internalTitle: "Oppfølging",
      icalUid: `${crypto.randomUUID()}@test`,
    });
    const previous = meeting(new Date(Date.now() - 86_400_000));
    const next = meeting(new Date(Date.now() + 86_400_000));
    await server.database.db.insert(meetings).values([previous, next]);
    const { status, text } = await page(`/meetings/${next.id}`, "leader");
    expect(status).toBe(200);
    expect(text).toContain("Siden sist");
    expect(text).toContain("NAV-forfalt-oppgave");
    expect(text).toContain("Venter på svar fra arbeidsgiver");
    expect(text).toContain("Pårørende-oppgave");
    // Actions whose status never changed are not listed.
    const section = text.slice(text.indexOf("Siden sist"));
    expect(section.slice(0, section.indexOf("</section>"))).not.toContain("Leder-oppgave");
  });
});
