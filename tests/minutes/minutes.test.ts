import { and, asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  auditLog,
  consents,
  documentUpdates,
  invitations,
  minutesReviews,
  minutesVersions,
  networkMembers,
  outbox,
} from "../../db/schema";
import {
  addAction,
  addDecision,
  addItem,
  addVoice,
  itemNotes,
} from "../../app/features/agenda/document";
import { accessUserById } from "../../app/features/accounts/session.server";
import {
  documentPermission,
  parseDocumentName,
} from "../../app/features/documents/registry.server";
import {
  invitationToken,
  invitationTokenHash,
} from "../../app/features/meetings/invitation-links.server";
import { isPersonOf } from "../../app/features/minutes/minutes.server";
import { currentInvitation } from "../../app/features/access/invitations.server";
import type { RenderedMinutes } from "../../app/features/minutes/types";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { demoDocuments, type DemoDocuments } from "../support/realtime";
import { pdfText } from "../support/pdf-text";

/*
 * Minutes from closing to correction, on the real server (both databases): attendance, one
 * version per close however often it is clicked, the person's review kept as written, the
 * lock (immutable in the database, agenda read-only, neutral e-mail only to consented
 * members), who reads (each role, links with and without consent, withdrawn consent, other
 * people's meetings, old links), every view and download logged, and the PDF's text.
 */
let server: TestServer;
let docs: DemoDocuments;
const cookie: Record<string, string> = {};
let leaderId: string;
let minutesPath: string;
let relativeToken: string;

const COMMENT = "Jeg er uenig i punkt 2.\n  Det var ikke slik jeg sa det – æøå ÆØÅ.";

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  leaderId = await server.userId(DEMO.leader);
  minutesPath = `/meetings/${docs.meetingId}/minutes`;
  relativeToken = invitationToken(docs.relativeInvitationId, 1);
  const { db } = server.database;
  // The relative gets an address and consent for minutes; the NAV partner has none for them.
  await db
    .update(networkMembers)
    .set({ email: "per.havdal@example.test" })
    .where(eq(networkMembers.id, docs.relativeMemberId));
  await db.insert(consents).values({
    memberId: docs.relativeMemberId,
    content: "minutes",
    givenOn: "2020-01-01",
    method: "verbal_in_meeting",
    recordedByUserId: leaderId,
  });
  // The agenda as written in the meeting, stored before the realtime server loads it.
  const doc = new Y.Doc();
  const itemId = addItem(doc, {
    title: "Bolig og økonomi på Ærøy",
    broughtBy: `member:${docs.relativeMemberId}`,
    createdBy: `user:${leaderId}`,
  });
  addDecision(doc, itemId, "Søke bostøtte før påske", "person");
  addAction(
    doc,
    itemId,
    { what: "Ringe NAV", responsible: "person", due: "2027-01-15" },
    `user:${leaderId}`,
  );
  addVoice(doc, itemId, "person", "Jeg vil bo nær søsteren min.");
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText("Notat om blåbærturen")]);
  itemNotes(doc, itemId)!.insert(0, [paragraph]);
  await db
    .insert(documentUpdates)
    .values({ documentName: docs.agenda, update: Y.encodeStateAsUpdate(doc) });
});

afterAll(async () => {
  await server?.close();
});

const get = (path: string, who?: string) =>
  server.fetch(path, { cookie: who ? cookie[who] : undefined });
const post = (fields: Record<string, string> | [string, string][], who = "leader") =>
  server.post(minutesPath, fields, cookie[who]);
const auditCount = async (action: string) => {
  const [row] = await server.database.db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, docs.meetingId)));
  return row!.n;
};
const versions = () =>
  server.database.db
    .select()
    .from(minutesVersions)
    .where(eq(minutesVersions.meetingId, docs.meetingId))
    .orderBy(asc(minutesVersions.version));
const agendaPermission = async (email: string) => {
  const user = await accessUserById(await server.userId(email));
  const grant = await documentPermission(
    { kind: "user", user: user! },
    parseDocumentName(docs.agenda)!,
  );
  return grant.permission;
};
/** A database error's message, whichever driver threw it. */
const refusal = async (work: Promise<unknown>) => {
  try {
    await work;
  } catch (error) {
    const e = error as { message?: string; cause?: { message?: string } };
    return `${e.message} ${e.cause?.message ?? ""}`;
  }
  return "not refused";
};

describe("attendance", () => {
  it("is marked by a leader, refused for unknown participants and for partners", async () => {
    const saved = await server.post(
      `/meetings/${docs.meetingId}`,
      [
        ["intent", "attendance"],
        ["present", "person"],
        ["present", `member:${docs.relativeMemberId}`],
        ["present", `user:${leaderId}`],
      ],
      cookie.leader,
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Oppmøtet er lagret.");
    const unknown = await server.post(
      `/meetings/${docs.meetingId}`,
      [
        ["intent", "attendance"],
        ["present", `member:${crypto.randomUUID()}`],
      ],
      cookie.leader,
    );
    expect(unknown.status).toBe(400);
    const partner = await server.post(
      `/meetings/${docs.meetingId}`,
      { intent: "attendance", present: "person" },
      cookie.nav,
    );
    expect(partner.status).toBe(403);
    const page = await (await get(`/meetings/${docs.meetingId}`, "leader")).text();
    const box = (ref: string) =>
      new RegExp(`<input[^>]*id="present-${ref.replace(":", "-")}"[^>]*>`).exec(page)?.[0];
    expect(box("person")).toContain("checked");
    expect(box(`member:${docs.relativeMemberId}`)).toContain("checked");
    expect(box(`member:${docs.navMemberId}`)).not.toContain("checked");
    expect(await auditCount("attendance.set")).toBe(1);
  });
});

describe("closing the meeting", () => {
  it("has no minutes before; only leaders may close; two clicks make one version", async () => {
    expect(await (await get(minutesPath, "leader")).text()).toContain("Møtet er ikke avsluttet");
    expect((await post({ intent: "close" }, "nav")).status).toBe(403);
    expect((await post({ intent: "close" }, "leader2")).status).toBe(404);
    const [first, second] = await Promise.all([
      post({ intent: "close" }),
      post({ intent: "close" }),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await first.text()).toContain("versjon 1");
    const third = await post({ intent: "close" });
    expect(await third.text()).toContain("versjon 1");
    expect(await versions()).toHaveLength(1);
    expect(await auditCount("minutes.close")).toBe(1);
  });

  it("copies the document state and renders items, decisions, actions, voices, notes and attendance", async () => {
    const [v1] = await versions();
    const rendered = v1!.rendered as RenderedMinutes;
    expect(rendered.items).toHaveLength(1);
    const item = rendered.items[0]!;
    expect(item.title).toBe("Bolig og økonomi på Ærøy");
    expect(item.broughtBy).toBe("Per Havdal");
    expect(item.decisions.map((d) => [d.text, d.by])).toEqual([
      ["Søke bostøtte før påske", "Siri Havdal"],
    ]);
    expect(item.actions[0]).toMatchObject({ what: "Ringe NAV", due: "2027-01-15", status: "open" });
    expect(item.voices[0]).toMatchObject({
      who: "Siri Havdal",
      text: "Jeg vil bo nær søsteren min.",
    });
    expect(item.notes).toEqual([{ tag: "p", children: ["Notat om blåbærturen"] }]);
    const present = Object.fromEntries(rendered.attendance.map((a) => [a.name, a.present]));
    expect(present).toMatchObject({
      "Siri Havdal": true,
      "Per Havdal": true,
      "Omar Haugland": false,
    });
    expect(rendered.closedBy).toBeTruthy();
    // The stored state is the document itself.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, v1!.state);
    expect(doc.getMap("items").size).toBe(1);
  });

  it("refuses every change of a version's content in the database itself", async () => {
    const { db } = server.database;
    expect(
      await refusal(
        db
          .update(minutesVersions)
          .set({ rendered: { forged: true } })
          .where(eq(minutesVersions.meetingId, docs.meetingId)),
      ),
    ).toContain("never changes");
    expect(
      await refusal(
        db.delete(minutesVersions).where(eq(minutesVersions.meetingId, docs.meetingId)),
      ),
    ).toContain("DELETE refused");
    expect(await refusal(db.execute(sql`truncate minutes_versions cascade`))).toContain("refused");
  });
});

describe("the person's review", () => {
  it("is refused without the in-meeting mark or without a comment, and kept exactly as written", async () => {
    expect((await post({ intent: "review", version: "1", answer: "approve" })).status).toBe(400);
    expect(
      (await post({ intent: "review", version: "1", answer: "comment", inMeeting: "yes" })).status,
    ).toBe(400);
    expect(
      (await post({ intent: "review", version: "1", answer: "maybe", inMeeting: "yes" })).status,
    ).toBe(400);
    const saved = await post({
      intent: "review",
      version: "1",
      answer: "comment",
      comment: COMMENT,
      inMeeting: "yes",
    });
    expect(saved.status).toBe(200);
    const [review] = await server.database.db.select().from(minutesReviews);
    expect(review).toMatchObject({ approved: false, comment: COMMENT, givenVia: "meeting" });
    expect(
      await refusal(server.database.db.update(minutesReviews).set({ comment: "endret" })),
    ).toContain("kept as written");
    expect(await auditCount("minutes.review")).toBe(1);
  });

  it("is the person's own through their link: they read the unlocked version and approve it; another link holder may not", async () => {
    const { db } = server.database;
    const relative = await currentInvitation({
      tokenHash: invitationTokenHash(docs.relativeInvitationId, 1),
    });
    expect(await isPersonOf({ kind: "invitation", invitation: relative! }, docs.meetingId)).toBe(
      false,
    );
    const relativePost = await server.post(`/i/${relativeToken}/minutes`, {
      version: "1",
      answer: "approve",
    });
    expect(relativePost.status).toBe(403);

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
    const personToken = invitationToken(own!.id, own!.linkVersion);
    const page = await (await server.fetch(`/i/${personToken}/minutes`)).text();
    expect(page).toContain("Bolig og økonomi");
    expect(page).toContain("Les gjennom referatet");
    const before = await db.select().from(minutesReviews);
    const saved = await server.post(`/i/${personToken}/minutes`, {
      version: "1",
      answer: "approve",
    });
    expect(saved.status).toBe(200);
    const after = await db.select().from(minutesReviews);
    expect(after.length).toBe(before.length + 1);
    expect(after.find((r) => !before.some((b) => b.id === r.id))).toMatchObject({
      approved: true,
      givenVia: "link",
      invitationId: own!.id,
    });
    // Logged as the person, not as an anonymous link.
    const [logged] = await db
      .select({ label: auditLog.actorLabel })
      .from(auditLog)
      .where(eq(auditLog.action, "minutes.review"))
      .orderBy(sql`${auditLog.at} desc`)
      .limit(1);
    expect(logged!.label).toBe(`person:${docs.personId}`);
    // A comment without text is refused and nothing is stored.
    const empty = await server.post(`/i/${personToken}/minutes`, {
      version: "1",
      answer: "comment",
    });
    expect(empty.status).toBe(400);
    expect((await db.select().from(minutesReviews)).length).toBe(after.length);
  });
});

describe("before the lock", () => {
  it("shows readers nothing yet, and the leaders' draft only to them", async () => {
    await server.database.db.insert(consents).values({
      memberId: docs.navMemberId,
      content: "minutes",
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: leaderId,
    });
    const nav = await get(minutesPath, "nav");
    expect(nav.status).toBe(200);
    const html = await nav.text();
    expect(html).toContain("Det finnes ikke noe låst referat");
    expect(html).not.toContain("Bolig og økonomi");
    expect((await get(`${minutesPath}?version=1`, "nav")).status).toBe(404);
    const link = await (await get(`/i/${relativeToken}/minutes`)).text();
    expect(link).not.toContain("Bolig og økonomi");
    expect(await agendaPermission(DEMO.leader)).toBe("edit");
  });
});

describe("locking", () => {
  it("locks once, makes the agenda read-only for everyone, and tells only consented members", async () => {
    // NAV's consent for minutes is withdrawn again: NAV is not told.
    await server.database.db
      .update(consents)
      .set({ withdrawnAt: new Date() })
      .where(and(eq(consents.memberId, docs.navMemberId), eq(consents.content, "minutes")));
    const before = await server.database.db.select({ id: outbox.id }).from(outbox);
    expect((await post({ intent: "lock", version: "1" }, "nav")).status).toBe(403);
    const locked = await post({ intent: "lock", version: "1" });
    expect(locked.status).toBe(200);
    expect(await locked.text()).toContain("Referatet er låst.");
    expect((await post({ intent: "lock", version: "1" })).status).toBe(200);
    const [v1] = await versions();
    expect(v1!.lockedAt).not.toBeNull();

    const mail = await server.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.meetingId, docs.meetingId));
    const fresh = mail.filter((m) => !before.some((b) => b.id === m.id));
    expect(fresh.map((m) => m.toAddress)).toEqual(["per.havdal@example.test"]);
    const message = fresh[0]!;
    expect(message.textBody).toContain(`/i/${relativeToken}/minutes`);
    for (const secret of ["Siri", "Havdal", "Bolig", "Første nettverksmøte", "Nettverksmøte"]) {
      expect(`${message.subject}\n${message.textBody}`).not.toContain(secret);
    }
    expect(await auditCount("minutes.lock")).toBe(1);

    expect(await agendaPermission(DEMO.leader)).toBe("read");
    expect(await agendaPermission(DEMO.coordinator)).toBe("read");
    expect(await agendaPermission(DEMO.nav)).toBe("read");
    expect(
      await refusal(
        server.database.db
          .update(minutesVersions)
          .set({ lockedAt: new Date() })
          .where(eq(minutesVersions.meetingId, docs.meetingId)),
      ),
    ).toContain("locked");
  });

  it("refuses a review of a locked version", async () => {
    const late = await post({
      intent: "review",
      version: "1",
      answer: "approve",
      inMeeting: "yes",
    });
    expect(late.status).toBe(409);
  });
});

describe("who reads locked minutes", () => {
  it("leaders and the coordinator; not other leaders, admins or partners outside the network", async () => {
    const views = await auditCount("minutes.view");
    for (const role of ["leader", "coordinator"]) {
      const response = await get(minutesPath, role);
      expect([role, response.status]).toEqual([role, 200]);
      const html = await response.text();
      expect(html).toContain("Bolig og økonomi på Ærøy");
      expect(html).toContain("Jeg er uenig i punkt 2.");
    }
    for (const [role, status] of [
      ["leader2", 404],
      ["housing", 404],
      ["volunteer", 404],
      ["admin", 403],
    ] as const) {
      expect([role, (await get(minutesPath, role)).status]).toEqual([role, status]);
    }
    expect((await get(minutesPath)).status).toBe(302);
    expect(await auditCount("minutes.view")).toBe(views + 2);
  });

  it("a partner only with consent for minutes in force", async () => {
    expect((await get(minutesPath, "nav")).status).toBe(403);
    const [consent] = await server.database.db
      .insert(consents)
      .values({
        memberId: docs.navMemberId,
        content: "minutes",
        givenOn: "2020-01-01",
        method: "signed_paper",
        recordedByUserId: leaderId,
      })
      .returning({ id: consents.id });
    const page = await get(minutesPath, "nav");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Søke bostøtte før påske");
    await server.database.db
      .update(consents)
      .set({ expiresOn: "2021-01-01" })
      .where(eq(consents.id, consent!.id));
    expect((await get(minutesPath, "nav")).status).toBe(403);
  });

  it("a link holder with consent; not after withdrawal, nor with a replaced link", async () => {
    const page = await get(`/i/${relativeToken}/minutes`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Bolig og økonomi på Ærøy");
    expect(html).toContain("noindex");
    // The NAV partner's link: no consent for minutes in force.
    const navLink = invitationToken(docs.navInvitationId, 1);
    expect((await get(`/i/${navLink}/minutes`)).status).toBe(403);
    expect((await get(`/i/${"x".repeat(43)}/minutes`)).status).toBe(404);

    // A new link replaces the old one.
    await server.database.db
      .update(invitations)
      .set({ linkVersion: 2, tokenHash: invitationTokenHash(docs.relativeInvitationId, 2) })
      .where(eq(invitations.id, docs.relativeInvitationId));
    expect((await get(`/i/${relativeToken}/minutes`)).status).toBe(404);
    expect((await get(`/i/${relativeToken}/minutes/pdf`)).status).toBe(404);
    relativeToken = invitationToken(docs.relativeInvitationId, 2);
    expect((await get(`/i/${relativeToken}/minutes`)).status).toBe(200);

    await server.database.db
      .update(consents)
      .set({ withdrawnAt: new Date() })
      .where(and(eq(consents.memberId, docs.relativeMemberId), eq(consents.content, "minutes")));
    expect((await get(`/i/${relativeToken}/minutes`)).status).toBe(403);
    expect((await get(`/i/${relativeToken}/minutes/pdf`)).status).toBe(403);
    await server.database.db.insert(consents).values({
      memberId: docs.relativeMemberId,
      content: "minutes",
      givenOn: "2020-01-01",
      method: "verbal_in_meeting",
      recordedByUserId: leaderId,
    });
  });
});

describe("the PDF", () => {
  it("is tagged PDF/A-2a with embedded fonts, and its text reads back with æøå", async () => {
    const downloads = await auditCount("minutes.download");
    const response = await get(`${minutesPath}/pdf?version=1`, "leader");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const pdf = Buffer.from(await response.arrayBuffer());
    const raw = pdf.toString("latin1");
    expect(raw.startsWith("%PDF-1.7")).toBe(true);
    for (const part of [
      "/StructTreeRoot",
      "/MarkInfo",
      "/FontFile2",
      "/ToUnicode",
      "/Lang (nb-NO)",
      "/DisplayDocTitle true",
      "pdfaid:part>2",
      "/S /H1",
      "/S /LBody",
    ]) {
      expect(raw, part).toContain(part);
    }
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    const text = pdfText(pdf);
    expect(text).toContain("Referat: Første nettverksmøte (Versjon 1)");
    expect(text).toContain("Bolig og økonomi på Ærøy");
    expect(text).toContain("Søke bostøtte før påske");
    expect(text).toContain("ÆØÅ");
    expect(text).toContain("Per Havdal (Invitert): Møtte");
    expect(text).not.toContain("\uFFFD");

    const viaLink = await get(`/i/${relativeToken}/minutes/pdf`);
    expect(viaLink.status).toBe(200);
    expect((await get(`${minutesPath}/pdf`, "leader2")).status).toBe(404);
    expect((await get(`${minutesPath}/pdf?version=9`, "leader")).status).toBe(404);
    expect((await get(`${minutesPath}/pdf?version=abc`, "leader")).status).toBe(404);
    expect(await auditCount("minutes.download")).toBe(downloads + 2);
  });
});

describe("a correction", () => {
  it("opens the agenda to leaders, makes version 2, and keeps version 1 with its review", async () => {
    expect((await post({ intent: "correct", reason: "" })).status).toBe(400);
    expect((await post({ intent: "correct", reason: "Feil dato for tiltaket" })).status).toBe(200);
    expect((await post({ intent: "correct", reason: "Feil dato for tiltaket" })).status).toBe(200);
    expect(await agendaPermission(DEMO.leader)).toBe("edit");
    expect(await agendaPermission(DEMO.nav)).toBe("read");

    const closed = await post({ intent: "close" });
    expect(await closed.text()).toContain("versjon 2");
    expect((await versions()).map((v) => v.version)).toEqual([1, 2]);
    expect(await agendaPermission(DEMO.leader)).toBe("edit");
    // Version 2 has no review: locking asks for a reason and the understanding.
    expect((await post({ intent: "lock", version: "2" })).status).toBe(409);
    expect(
      (await post({ intent: "lock", version: "2", reason: "Personen er bortreist" })).status,
    ).toBe(400);
    expect(
      (await post({ intent: "lock", version: "1", reason: "x", understood: "yes" })).status,
    ).toBe(409);
    const locked = await post({
      intent: "lock",
      version: "2",
      reason: "Personen er bortreist",
      understood: "yes",
    });
    expect(locked.status).toBe(200);
    expect(await agendaPermission(DEMO.leader)).toBe("read");

    const latest = await (await get(`/i/${relativeToken}/minutes`)).text();
    expect(latest).toContain("Versjon 2");
    expect(latest).toContain("Personen er bortreist");
    const first = await (await get(`/i/${relativeToken}/minutes?version=1`)).text();
    expect(first).toContain("Jeg er uenig i punkt 2.");
    const [v1] = await versions();
    expect(v1!.lockedAt).not.toBeNull();
  });
});
