import crypto from "node:crypto";
import { asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invitationCalendar } from "../../app/features/calendar/ical.server";
import {
  calendarPart,
  enqueueEmail,
  replaceLinkInUnsentMail,
} from "../../app/features/mail/outbox.server";
import { startMailSender, type MailSender } from "../../app/features/mail/sender.server";
import { getDatabase, installDatabase, type DatabaseHandle } from "../../db/client";
import { invitations, meetings, networkMembers, outbox } from "../../db/schema";
import { openTestDatabase } from "../support/database";
import { startTestSmtpServer, type TestSmtpServer } from "../support/smtp";

/*
 * Issue 10, item 11: a message still waiting in the outbox must not go out with a link that
 * was replaced after it was queued. A replaced link is written into every unsent message of
 * the invitation (in the transaction that replaces it); the sender reads a message again just
 * before sending it, and queues a copy with the new link when the link was replaced while the
 * message was on its way. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */

const FROM = "Broen <ikke-svar@broen.invalid>";
// Real-sized links: 43 characters of base64url, as invitation-links.server.ts makes them.
const link = (seed: string) =>
  `http://localhost:3000/i/${crypto.createHash("sha256").update(seed).digest("base64url")}`;
const OLD = link("old");
const NEW = link("new");
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");

const STAMP = new Date("2026-11-30T08:00:00Z");
function ics(url: string) {
  return invitationCalendar({
    meeting: {
      uid: "unsent-links@broen",
      sequence: 0,
      startsAt: new Date("2027-01-14T09:00:00Z"),
      durationMinutes: 90,
      title: "Møte – Broen",
      place: "Fjordvik bibliotek",
      videoLink: null,
      description: `Svar og se detaljer i Broen / Reply and see details in Broen: ${url}`,
      url,
      cancelled: false,
    },
    organizer: { name: "Lars Bakkevik", email: "leder@fjordvik.test" },
    attendees: [
      { name: "Knut Fjelltun", email: "knut@example.test", partstat: "needs_action", rsvp: true },
    ],
    method: "REQUEST",
    stamp: STAMP,
  });
}

let database: DatabaseHandle & { drop(): Promise<void> };
let previousDatabase: DatabaseHandle | undefined;
let smtp: TestSmtpServer;
const senders: MailSender[] = [];
const municipalityId: string | null = null;
let invitationA = "";
let invitationB = "";

function newSender(): MailSender {
  const sender = startMailSender({ smtpUrl: smtp.url, from: FROM, pollMs: 3_600_000 });
  senders.push(sender);
  return sender;
}

async function queue(invitationId: string, url = OLD, withCalendar = false): Promise<number> {
  return database.db.transaction((tx) =>
    enqueueEmail(tx, {
      municipalityId,
      to: { address: "knut@example.test", name: "Knut Fjelltun" },
      subject: "Møte – Broen",
      text: `Du er invitert til et møte.\nSvar og se detaljer: ${url}`,
      html: `<p>Svar og se detaljer: ${url}</p>`,
      calendar: withCalendar ? calendarPart(ics(url)) : null,
      invitationId,
    }),
  );
}

const rows = () => database.db.select().from(outbox).orderBy(asc(outbox.id));
const replace = (invitationId: string, from = OLD, to = NEW) =>
  database.db.transaction((tx) => replaceLinkInUnsentMail(tx, invitationId, from, to));

beforeAll(async () => {
  try {
    previousDatabase = getDatabase();
  } catch {
    previousDatabase = undefined;
  }
  database = await openTestDatabase();
  installDatabase(database);
  smtp = await startTestSmtpServer();
  // Two invitations to the seeded demo meeting (any two of its network's members).
  const [meeting] = await database.db.select().from(meetings).limit(1);
  const members = await database.db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(eq(networkMembers.networkId, meeting!.networkId))
    .limit(2);
  expect(members).toHaveLength(2);
  const made = await database.db
    .insert(invitations)
    .values(
      members.map((m) => ({
        meetingId: meeting!.id,
        memberId: m.id,
        tokenHash: crypto.randomUUID(),
        expiresAt: new Date(Date.now() + 30 * 86_400_000),
      })),
    )
    .returning({ id: invitations.id });
  [invitationA, invitationB] = made.map((r) => r.id) as [string, string];
});

afterAll(async () => {
  await Promise.all(senders.map((sender) => sender.stop()));
  await smtp?.close();
  await database?.drop();
  if (previousDatabase) installDatabase(previousDatabase);
  else delete (globalThis as { __broenDatabase?: unknown }).__broenDatabase;
});

beforeEach(async () => {
  await database.db.delete(outbox);
  smtp.received.length = 0;
  smtp.onReceive = null;
});

describe("replaceLinkInUnsentMail", () => {
  it("rewrites the unsent messages of that invitation only, calendar folded as the library folds it", async () => {
    // The calendar folds one of its two copies of the link across lines (URL): a plain search
    // finds only the other.
    const count = (text: string) => text.split(OLD).length - 1;
    expect(count(ics(OLD))).toBe(1);
    expect(count(unfold(ics(OLD)))).toBe(2);
    const waiting = await queue(invitationA, OLD, true);
    const claimed = await queue(invitationA, OLD, true);
    const sent = await queue(invitationA, OLD, true);
    const failed = await queue(invitationA, OLD, true);
    const other = await queue(invitationB, OLD, true);
    await database.db.update(outbox).set({ status: "sending" }).where(eq(outbox.id, claimed));
    await database.db.update(outbox).set({ status: "sent" }).where(eq(outbox.id, sent));
    await database.db.update(outbox).set({ status: "failed" }).where(eq(outbox.id, failed));
    const before = await rows();

    expect(await replace(invitationA)).toBe(2);

    const after = await rows();
    for (const id of [waiting, claimed]) {
      const row = after.find((r) => r.id === id)!;
      expect(row.textBody).toBe(`Du er invitert til et møte.\nSvar og se detaljer: ${NEW}`);
      expect(row.htmlBody).toBe(`<p>Svar og se detaljer: ${NEW}</p>`);
      // Byte for byte what the calendar library writes for the new link.
      expect(row.calendar).toBe(ics(NEW));
    }
    for (const id of [sent, failed, other]) {
      expect(after.find((r) => r.id === id)).toEqual(before.find((r) => r.id === id));
    }
    // Nothing to do the second time.
    expect(await replace(invitationA)).toBe(0);
  });

  it("changes nothing when the transaction that replaces the link rolls back", async () => {
    const id = await queue(invitationA);
    await expect(
      database.db.transaction(async (tx) => {
        await replaceLinkInUnsentMail(tx, invitationA, OLD, NEW);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect((await rows()).find((r) => r.id === id)!.textBody).toContain(OLD);
  });
});

describe("the sender and a replaced link", () => {
  it("sends a message claimed before the link was replaced with the link it has when sent", async () => {
    await queue(invitationA);
    await queue(invitationA);
    // Both are claimed in one batch; the link is replaced while the first is being sent.
    let replaced = false;
    smtp.onReceive = async () => {
      if (replaced) return;
      replaced = true;
      await replace(invitationA);
    };
    const sender = newSender();
    expect(await sender.runOnce()).toBe(2);
    const texts = smtp.received.map((m) => m.parsed.text ?? "");
    expect(texts[1]).toContain(NEW);
    expect(texts[1]).not.toContain(OLD);
  });

  it("queues a copy with the new link when the link was replaced while the message was on its way", async () => {
    const id = await queue(invitationA, OLD, true);
    smtp.onReceive = async () => {
      if (smtp.received.length === 1) await replace(invitationA);
    };
    const sender = newSender();
    expect(await sender.runOnce()).toBe(1);
    expect(smtp.received[0]!.parsed.text).toContain(OLD);
    const [original, copy] = await rows();
    expect(original).toMatchObject({ id, status: "sent" });
    expect(copy).toMatchObject({ status: "pending", invitationId: invitationA, attempts: 0 });
    expect(copy!.textBody).toContain(NEW);
    expect(copy!.calendar).toBe(ics(NEW));

    expect(await sender.runOnce()).toBe(1);
    const resent = smtp.received[1]!;
    expect(resent.parsed.text).toContain(NEW);
    expect(resent.parsed.messageId).not.toBe(smtp.received[0]!.parsed.messageId);
    const after = await database.db
      .select({ status: outbox.status })
      .from(outbox)
      .where(inArray(outbox.id, [original!.id, copy!.id]));
    expect(after.map((r) => r.status)).toEqual(["sent", "sent"]);
  });

  it("keeps no part of a folded link in the stored calendar once sent", async () => {
    const id = await queue(invitationA, OLD, true);
    await newSender().runOnce();
    expect(smtp.received[0]!.parsed.text).toContain(OLD);
    const [stored] = await database.db.select().from(outbox).where(eq(outbox.id, id));
    const token = OLD.slice(-43);
    for (const text of [stored!.textBody, stored!.htmlBody, unfold(stored!.calendar!)]) {
      expect(text).toContain("/i/[sendt]");
      // Not even the part of the link after a fold (it used to stay: "/i/[sendt]<rest>").
      expect(text).not.toMatch(/\/i\/(?!\[sendt\])/);
      expect(text).not.toMatch(/\/i\/\[sendt\][A-Za-z0-9_-]/);
      expect(text).not.toContain(token.slice(-7));
    }
    const [count] = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.status, "pending"));
    expect(count!.n).toBe(0);
  });
});
