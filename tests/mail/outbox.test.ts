import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  calendarPart as calendarPartOf,
  enqueueEmail,
  getOutboxMessage,
  InvalidEmailError,
  listOutbox,
  textAsHtml,
  type OutgoingEmail,
} from "../../app/features/mail/outbox.server";
import { getDatabase, installDatabase, type DatabaseHandle } from "../../db/client";
import { municipalities, outbox } from "../../db/schema";
import {
  startMailSender,
  type MailSender,
  type MailSenderOptions,
} from "../../app/features/mail/sender.server";
import { openTestDatabase } from "../support/database";
import { startTestSmtpServer, type TestSmtpServer } from "../support/smtp";

/*
 * The outbox with a real SMTP conversation: nodemailer talks to smtp-server on 127.0.0.1 and the
 * received MIME messages are parsed with mailparser. Runs on PGlite, and on PostgreSQL when
 * TEST_DATABASE_URL is set (where the concurrent-sender test exercises SKIP LOCKED for real).
 */

const FROM = "Broen <ikke-svar@broen.invalid>";
const ICS_REQUEST = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Broen//test//NB",
  "METHOD:REQUEST",
  "BEGIN:VEVENT",
  "UID:outbox-test-1@broen.invalid",
  "SEQUENCE:0",
  "DTSTAMP:20250101T090000Z",
  "DTSTART:20250110T090000Z",
  "DTEND:20250110T100000Z",
  "SUMMARY:Møte – Broen",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");
const ICS_CANCEL = ICS_REQUEST.replace("METHOD:REQUEST", "METHOD:CANCEL")
  .replace("SEQUENCE:0", "SEQUENCE:1")
  .replace("END:VEVENT", "STATUS:CANCELLED\r\nEND:VEVENT");

let database: DatabaseHandle & { drop(): Promise<void> };
let previousDatabase: DatabaseHandle | undefined;
let smtp: TestSmtpServer;
let municipalityId = "";
let otherMunicipalityId = "";
const senders: MailSender[] = [];

function newSender(options: Partial<MailSenderOptions> = {}): MailSender {
  // A long poll interval: the tests drive runOnce() themselves unless they test the timer.
  const sender = startMailSender({ smtpUrl: smtp.url, from: FROM, pollMs: 3_600_000, ...options });
  senders.push(sender);
  return sender;
}

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    municipalityId,
    to: { address: "mottaker@example.test", name: "Kari Mottaker" },
    subject: "Du er invitert til et møte i Broen",
    text: "Åpne lenken for å se tid og sted: https://broen.invalid/i/abc",
    html: '<p>Åpne <a href="https://broen.invalid/i/abc">lenken</a> for å se tid og sted.</p>',
    ...overrides,
  };
}

async function enqueue(message: OutgoingEmail): Promise<number> {
  return database.db.transaction((tx) => enqueueEmail(tx, message));
}

async function row(id: number) {
  const [found] = await database.db.select().from(outbox).where(eq(outbox.id, id));
  if (!found) throw new Error(`no outbox row ${id}`);
  return found;
}

async function makeDue(id: number) {
  await database.db
    .update(outbox)
    .set({ nextAttemptAt: sql`now()` })
    .where(eq(outbox.id, id));
}

/** Polls until the condition holds (no fixed sleeps). */
async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value ${String(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function drain(sender: MailSender): Promise<number> {
  let claimed = 0;
  for (;;) {
    const count = await sender.runOnce();
    if (count === 0) return claimed;
    claimed += count;
  }
}

/** The text/calendar part mailparser hands back as an attachment (it is not text or html). */
function calendarPart(mail: TestSmtpServer["received"][number]) {
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  if (!part) throw new Error("no text/calendar part");
  const contentType = part.headers.get("content-type") as {
    value: string;
    params: Record<string, string>;
  };
  return { part, params: contentType.params, content: part.content.toString("utf8") };
}

beforeAll(async () => {
  try {
    previousDatabase = getDatabase();
  } catch {
    previousDatabase = undefined;
  }
  database = await openTestDatabase();
  installDatabase(database);
  smtp = await startTestSmtpServer();
  const [fjordvik] = await database.db
    .select({ id: municipalities.id })
    .from(municipalities)
    .where(eq(municipalities.slug, "fjordvik"));
  municipalityId = fjordvik!.id;
  const [other] = await database.db
    .insert(municipalities)
    .values({ name: "Annenby", slug: "annenby-outbox-test" })
    .returning({ id: municipalities.id });
  otherMunicipalityId = other!.id;
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
  smtp.refuse = null;
  smtp.refusals = 0;
  smtp.onReceive = null;
});

describe("textAsHtml", () => {
  it("escapes every line, leaves out empty lines, and links only Broen's own addresses", () => {
    const text =
      "Møte om <script>alert(\"x\")</script> & 'ting'\n\nSe https://broen.invalid/i/a-b_c?x=1&y=2.\n" +
      "Sted: https://evil.example/login (skrevet inn)\n   ";
    expect(textAsHtml(text, "https://broen.invalid/")).toBe(
      [
        "<p>Møte om &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;ting&#39;</p>",
        "",
        '<p>Se <a href="https://broen.invalid/i/a-b_c?x=1&#38;y=2">https://broen.invalid/i/a-b_c?x=1&#38;y=2</a>.</p>',
        "<p>Sted: https://evil.example/login (skrevet inn)</p>",
        "",
      ].join("\n"),
    );
    // Without a prefix nothing is a link.
    expect(textAsHtml("Se https://broen.invalid/i/x")).toBe("<p>Se https://broen.invalid/i/x</p>");
  });
});

describe("enqueueEmail", () => {
  it("writes nothing when the transaction rolls back, one pending row when it commits", async () => {
    class Rollback extends Error {}
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueEmail(tx, email({ subject: "Rulles tilbake" }));
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await database.db.select().from(outbox)).toHaveLength(0);

    const id = await database.db.transaction((tx) => enqueueEmail(tx, email()));
    const rows = await database.db.select().from(outbox);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id,
      status: "pending",
      attempts: 0,
      toAddress: "mottaker@example.test",
      toName: "Kari Mottaker",
      calendar: null,
      calendarMethod: null,
      sentAt: null,
    });
  });

  it("refuses header injection in the subject, the address and the name", async () => {
    const attempts: OutgoingEmail[] = [
      email({ subject: "Møte\r\nBcc: spion@example.test" }),
      email({ subject: "Møte\nX-Injected: yes" }),
      email({ subject: "   " }),
      email({ to: { address: "mottaker@example.test\r\nBcc: spion@example.test" } }),
      email({ to: { address: "mottaker@example.test\n" } }),
      email({ to: { address: "mottaker@example.test, spion@example.test" } }),
      email({ to: { address: "Kari <mottaker@example.test>" } }),
      email({ to: { address: "ikke-en-adresse" } }),
      email({ to: { address: "mottaker@example.test", name: "Kari\r\nBcc: spion@example.test" } }),
    ];
    for (const message of attempts) {
      await expect(enqueue(message)).rejects.toBeInstanceOf(InvalidEmailError);
    }
    expect(await database.db.select().from(outbox)).toHaveLength(0);
  });

  it("lists a municipality's messages for admins, and shows one only inside it", async () => {
    const pending = await enqueue(email({ subject: "Første" }));
    const sent = await enqueue(email({ subject: "Andre" }));
    await enqueue(email({ subject: "Annen kommune", municipalityId: otherMunicipalityId }));
    await database.db
      .update(outbox)
      .set({ status: "sent", sentAt: sql`now()` })
      .where(eq(outbox.id, sent));

    const all = await listOutbox({ municipalityId, limit: 50 });
    expect(all.map((m) => m.subject)).toEqual(["Andre", "Første"]);
    expect(all[0]).not.toHaveProperty("textBody");
    const onlyPending = await listOutbox({ municipalityId, status: "pending", limit: 50 });
    expect(onlyPending.map((m) => m.id)).toEqual([pending]);

    expect((await getOutboxMessage(pending, municipalityId))?.textBody).toContain("lenken");
    expect(await getOutboxMessage(pending, otherMunicipalityId)).toBeNull();
  });
});

describe("mail sender", () => {
  it("delivers text, html and a METHOD:REQUEST calendar part, and marks the row sent", async () => {
    const id = await enqueue(email({ calendar: { method: "REQUEST", ics: ICS_REQUEST } }));
    const sender = newSender();
    expect(await sender.runOnce()).toBe(1);

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.rcptTo).toEqual(["mottaker@example.test"]);
    expect(mail.mailFrom).toBe("ikke-svar@broen.invalid");
    expect(mail.parsed.to).toMatchObject({
      value: [{ address: "mottaker@example.test", name: "Kari Mottaker" }],
    });
    expect(mail.parsed.from?.value[0]).toMatchObject({
      address: "ikke-svar@broen.invalid",
      name: "Broen",
    });
    expect(mail.parsed.subject).toBe("Du er invitert til et møte i Broen");
    expect(mail.parsed.text?.trim()).toBe(email().text);
    expect(mail.parsed.html).toContain('<a href="https://broen.invalid/i/abc">lenken</a>');
    expect(mail.parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.parsed.messageId).toMatch(new RegExp(`^<outbox-${id}-\\d+@broen\\.invalid>$`));

    const calendar = calendarPart(mail);
    expect(calendar.params).toMatchObject({ method: "REQUEST", charset: "utf-8" });
    expect(calendar.content).toBe(ICS_REQUEST);
    // The calendar is an alternative of the text and the html …
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(mail.raw).toContain("Content-Type: text/calendar; charset=utf-8; method=REQUEST");
    // … and nodemailer adds the same object as an invite.ics attachment.
    const attachment = mail.parsed.attachments.find((a) => a.contentType === "application/ics");
    expect(attachment?.filename).toBe("invite.ics");
    expect(attachment?.content.toString("utf8")).toBe(ICS_REQUEST);

    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    expect((await row(id)).sentAt).toBeInstanceOf(Date);
    expect(await sender.runOnce()).toBe(0);
  });

  it("sends the personal link, then keeps only a redacted copy of it", async () => {
    const token = "Abc123_-Abc123_-Abc123_-Abc123";
    const id = await enqueue(
      email({
        text: `Svar her: https://broen.invalid/i/${token}`,
        html: `<p>https://broen.invalid/i/${token}</p>`,
      }),
    );
    await newSender().runOnce();
    expect(smtp.received[0]!.raw).toContain(token);
    const stored = await row(id);
    expect(stored.status).toBe("sent");
    expect(stored.textBody).toBe("Svar her: https://broen.invalid/i/[sendt]");
    expect(stored.htmlBody).not.toContain(token);
  });

  it("carries METHOD:CANCEL", async () => {
    const id = await enqueue(email({ calendar: { method: "CANCEL", ics: ICS_CANCEL } }));
    await newSender().runOnce();
    const calendar = calendarPart(smtp.received[0]!);
    expect(calendar.params.method).toBe("CANCEL");
    expect(calendar.content).toBe(ICS_CANCEL);
    expect(smtp.received[0]!.raw).toContain(
      "Content-Type: text/calendar; charset=utf-8; method=CANCEL",
    );
    expect((await row(id)).status).toBe("sent");
  });

  it("takes the part's method from the calendar itself, whatever the row says (RFC 6047 §2.4)", async () => {
    // A claim that disagrees with the object is refused when queued …
    await expect(
      enqueue(email({ calendar: { method: "REQUEST", ics: ICS_CANCEL } })),
    ).rejects.toBeInstanceOf(InvalidEmailError);
    expect(calendarPartOf(ICS_CANCEL).method).toBe("CANCEL");
    expect(() => calendarPartOf(ICS_CANCEL.replace("METHOD:CANCEL\r\n", ""))).toThrow(
      InvalidEmailError,
    );
    // … and a row that disagrees anyway (written before the check, or by hand) is sent with the
    // METHOD of its calendar, never the column or a default.
    const wrong = await enqueue(email({ calendar: calendarPartOf(ICS_CANCEL) }));
    await database.db.update(outbox).set({ calendarMethod: "REQUEST" }).where(eq(outbox.id, wrong));
    const missing = await enqueue(email({ calendar: calendarPartOf(ICS_CANCEL) }));
    await database.db.update(outbox).set({ calendarMethod: null }).where(eq(outbox.id, missing));
    await newSender().runOnce();
    expect(smtp.received).toHaveLength(2);
    for (const mail of smtp.received) {
      expect(calendarPart(mail).params.method).toBe("CANCEL");
      expect(mail.raw).toContain("Content-Type: text/calendar; charset=utf-8; method=CANCEL");
      expect(mail.raw).not.toContain("method=REQUEST");
    }
  });

  it("sends a calendar without METHOD as a plain attachment, with no method parameter", async () => {
    const plain = ICS_REQUEST.replace("METHOD:REQUEST\r\n", "");
    const id = await enqueue(email());
    await database.db.update(outbox).set({ calendar: plain }).where(eq(outbox.id, id));
    await newSender().runOnce();
    const mail = smtp.received[0]!;
    // (nodemailer adds the attachment's name to its type.)
    expect(mail.raw).toContain("Content-Type: text/calendar; charset=utf-8; name=mote.ics");
    expect(mail.raw).not.toMatch(/method=/i);
    const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
    expect(part?.content.toString("utf8")).toBe(plain);
  });

  it("sends a message without a calendar as text and html only", async () => {
    await enqueue(email());
    await newSender().runOnce();
    const mail = smtp.received[0]!;
    expect(mail.parsed.attachments).toHaveLength(0);
    expect(mail.raw).not.toContain("text/calendar");
    expect(mail.parsed.text).toBeTruthy();
    expect(mail.parsed.html).toBeTruthy();
  });

  it("defers on a transient 451 with back-off, and sends once the server recovers", async () => {
    const id = await enqueue(email());
    const sender = newSender();
    smtp.refuse = { stage: "data", code: 451, message: "4.3.0 Midlertidig feil, prøv igjen" };
    const before = Date.now();
    expect(await sender.runOnce()).toBe(1);
    expect(smtp.refusals).toBe(1);
    const deferred = await row(id);
    expect(deferred).toMatchObject({ status: "pending", attempts: 1, sentAt: null });
    expect(deferred.lastError).toContain("451");
    // About a minute ahead (1 min after the first failure).
    expect(deferred.nextAttemptAt.getTime()).toBeGreaterThan(before + 50_000);
    expect(deferred.nextAttemptAt.getTime()).toBeLessThan(Date.now() + 70_000);
    // Not due yet: nothing is claimed.
    expect(await sender.runOnce()).toBe(0);

    smtp.refuse = null;
    await makeDue(id);
    expect(await sender.runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("doubles the delay after each failure and gives up after maxAttempts", async () => {
    const id = await enqueue(email());
    const sender = newSender({ maxAttempts: 3 });
    smtp.refuse = { stage: "rcpt", code: 452, message: "4.2.2 Mailbox full" };
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const started = Date.now();
      expect(await sender.runOnce()).toBe(1);
      const current = await row(id);
      expect(current.attempts).toBe(attempt);
      if (attempt < 3) {
        expect(current.status).toBe("pending");
        delays.push(current.nextAttemptAt.getTime() - started);
        await makeDue(id);
      } else {
        expect(current.status).toBe("failed");
      }
    }
    expect(delays[0]).toBeGreaterThan(55_000);
    expect(delays[0]).toBeLessThan(65_000);
    expect(delays[1]).toBeGreaterThan(115_000);
    expect(delays[1]).toBeLessThan(125_000);
    expect(smtp.received).toHaveLength(0);
  });

  it("fails at once on a permanent 550, and keeps addresses out of last_error", async () => {
    const id = await enqueue(email());
    smtp.refuse = {
      stage: "rcpt",
      code: 550,
      message: "5.1.1 <mottaker@example.test>: Recipient address rejected: User unknown",
    };
    expect(await newSender().runOnce()).toBe(1);
    const failed = await row(id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, sentAt: null });
    expect(failed.lastError).toContain("550");
    expect(failed.lastError).not.toContain("@");
    expect(failed.lastError).not.toContain("mottaker");
  });

  it("takes over a message left in 'sending' once its lease ran out", async () => {
    const stale = await enqueue(email({ subject: "Avbrutt" }));
    const busy = await enqueue(email({ subject: "Holdes av en annen prosess" }));
    await database.db
      .update(outbox)
      .set({ status: "sending", attempts: 1, nextAttemptAt: sql`now() - interval '1 minute'` })
      .where(eq(outbox.id, stale));
    await database.db
      .update(outbox)
      .set({ status: "sending", attempts: 1, nextAttemptAt: sql`now() + interval '5 minutes'` })
      .where(eq(outbox.id, busy));

    expect(await newSender().runOnce()).toBe(1);
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(["Avbrutt"]);
    expect(await row(stale)).toMatchObject({ status: "sent", attempts: 2 });
    expect(await row(busy)).toMatchObject({ status: "sending", attempts: 1 });
  });

  it("sends each message exactly once with two senders running at the same time", async () => {
    const count = 24;
    for (let n = 0; n < count; n++) await enqueue(email({ subject: `Melding ${n}` }));
    const first = newSender({ batchSize: 3 });
    const second = newSender({ batchSize: 3 });

    const claimed = await Promise.all([drain(first), drain(second)]);

    expect(claimed[0] + claimed[1]).toBe(count);
    const subjects = smtp.received.map((m) => m.parsed.subject);
    expect(subjects).toHaveLength(count);
    expect(new Set(subjects).size).toBe(count);
    const rows = await database.db.select().from(outbox);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("polls on its own timer and stops cleanly", async () => {
    const sender = newSender({ pollMs: 20 });
    const id = await enqueue(email());
    await eventually(
      () => row(id),
      (current) => current.status === "sent",
    );
    await sender.stop();
    expect(await sender.runOnce()).toBe(0);
    const later = await enqueue(email({ subject: "Etter stopp" }));
    expect((await row(later)).status).toBe("pending");
    expect(smtp.received).toHaveLength(1);
  });

  it("stop() finishes the message in flight and puts the rest of the batch back", async () => {
    for (let n = 0; n < 3; n++) await enqueue(email({ subject: `Batch ${n}` }));
    const sender = newSender();
    let stopping: Promise<void> | undefined;
    smtp.onReceive = () => {
      stopping ??= sender.stop();
    };
    expect(await sender.runOnce()).toBe(3);
    await stopping;
    const rows = await database.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ["sent", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
    expect(smtp.received).toHaveLength(1);
  });

  it("defers everything when the SMTP server does not answer", async () => {
    const id = await enqueue(email());
    const unreachable = startMailSender({
      smtpUrl: "smtp://127.0.0.1:1",
      from: FROM,
      pollMs: 3_600_000,
    });
    senders.push(unreachable);
    expect(await unreachable.runOnce()).toBe(1);
    const deferred = await row(id);
    expect(deferred).toMatchObject({ status: "pending", attempts: 1 });
    expect(deferred.lastError).toMatch(/ESOCKET|ECONNECTION/);
  });
});
