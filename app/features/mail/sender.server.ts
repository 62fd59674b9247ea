import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import nodemailer from "nodemailer";
import { getDatabase } from "../../../db/client";
import { outbox } from "../../../db/schema";
import { logger, safeError } from "../../utils/logger.server";
import { calendarContentType, calendarMethod } from "../calendar/mime";

/*
 * Delivers the e-mail outbox over SMTP. Every server process may run one: a batch is claimed in
 * one statement (FOR UPDATE SKIP LOCKED), so two processes never claim the same message.
 *
 * Claiming sets status 'sending', counts the attempt and turns next_attempt_at into a lease:
 * a message whose process died mid-send becomes due again when the lease runs out. Every later
 * update is fenced on (status 'sending', attempts as claimed), so a process that lost its lease
 * cannot overwrite the outcome of the one that took the message over.
 *
 * Delivery is at least once: a crash between the SMTP server's "250 OK" and the status update
 * sends the message again after the lease. Each message keeps one Message-ID across attempts so
 * receiving systems can recognise such a duplicate.
 */

export interface MailSenderOptions {
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: string;
  /** The From header, e.g. "Broen <ikke-svar@broen.invalid>". */
  from: string;
  /** Pause between polls when there is nothing (more) to send; default 5 s. */
  pollMs?: number;
  /** Attempts before a message is given up as failed; default 8. */
  maxAttempts?: number;
  /** Messages claimed per batch; default 10. */
  batchSize?: number;
}

export interface MailSender {
  /** Claims and sends one batch of due messages; resolves with how many were claimed. */
  runOnce(): Promise<number>;
  /** Stops polling, waits for the batch in flight and closes the SMTP transport. */
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;
/** How long a claimed message stays ours before another process may take it over. */
const LEASE_MS = 5 * MINUTE_MS;
/** Upper bound for one SMTP conversation (connect, envelope, data). */
const SEND_TIMEOUT_MS = MINUTE_MS;
/** Claimed messages not started by then go back unsent, well inside the lease. */
const BATCH_DEADLINE_MS = LEASE_MS - 3 * SEND_TIMEOUT_MS;
const BACKOFF_BASE_MS = MINUTE_MS;
const BACKOFF_MAX_MS = 60 * MINUTE_MS;

type ClaimedMessage = typeof outbox.$inferSelect;
type SentContent = Pick<ClaimedMessage, "textBody" | "htmlBody" | "calendar">;

/** 1 min after the first failed attempt, then 2, 4, 8 … capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_MAX_MS);
}

interface SmtpFailure {
  permanent: boolean;
  /** Short and free of addresses: stored in last_error and logged. */
  summary: string;
}

/**
 * 5xx replies to the envelope or the message are permanent (the same message would be refused
 * again); everything else — 4xx, 503, connection trouble, timeouts, a refused login (a setting,
 * not the message) — is tried again later.
 */
export function classifySmtpError(error: unknown): SmtpFailure {
  const details = (error ?? {}) as {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
    message?: unknown;
  };
  const code = typeof details.code === "string" ? details.code : undefined;
  const responseCode = typeof details.responseCode === "number" ? details.responseCode : undefined;
  const command = typeof details.command === "string" ? details.command : undefined;
  const message = typeof details.message === "string" ? details.message : String(error);
  const permanent =
    (code === "EENVELOPE" || code === "EMESSAGE") &&
    responseCode !== undefined &&
    responseCode >= 500 &&
    responseCode < 600 &&
    responseCode !== 503;
  const label = [code, responseCode, command && `(${command})`].filter(Boolean).join(" ");
  const summary = `${label ? `${label}: ` : ""}${withoutAddresses(message)}`.slice(0, 300);
  return { permanent, summary };
}

/** SMTP replies often quote the recipient ("550 5.1.1 <ola@…>: unknown"); keep them out. */
function withoutAddresses(text: string): string {
  return text
    .replace(/<[^<>\s]*>/g, "<…>")
    .replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, "[address]")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The calendar part: `text/calendar; method=…` with the METHOD of the object itself (never the
 * stored column or a default, which could disagree with it: RFC 6047 §2.4). An object without
 * METHOD is no iTIP message and goes as a plain attachment, with no method parameter.
 */
function calendarFields(ics: string) {
  const method = calendarMethod(ics);
  if (method) return { icalEvent: { method, content: ics } };
  return {
    attachments: [{ filename: "mote.ics", content: ics, contentType: calendarContentType(ics) }],
  };
}

function messageIdDomain(from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1];
  return domain ?? "broen.invalid";
}

export function startMailSender(options: MailSenderOptions): MailSender {
  const pollMs = options.pollMs ?? 5_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const batchSize = options.batchSize ?? 10;
  const domain = messageIdDomain(options.from);
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  const log = logger().child({ component: "mail-sender" });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // Batches run one after another: runOnce() called while the timer's batch runs waits for it.
  let queue: Promise<unknown> = Promise.resolve();

  async function claimBatch(): Promise<ClaimedMessage[]> {
    const { db } = getDatabase();
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          // 'sending' past its lease: the process that claimed it stopped mid-send.
          inArray(outbox.status, ["pending", "sending"]),
          lte(outbox.nextAttemptAt, sql`now()`),
        ),
      )
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(batchSize)
      .for("update", { skipLocked: true });
    const claimed = await db
      .update(outbox)
      .set({
        status: "sending",
        attempts: sql`${outbox.attempts} + 1`,
        nextAttemptAt: sql`now() + make_interval(secs => ${LEASE_MS / 1000}::double precision)`,
      })
      .where(inArray(outbox.id, due))
      .returning();
    return claimed.sort((a, b) => a.id - b.id);
  }

  /** Updates a message we still hold (status 'sending', attempts as we claimed it). */
  async function settle(message: ClaimedMessage, values: PgUpdateSetSource<typeof outbox>) {
    const { db } = getDatabase();
    await db
      .update(outbox)
      .set(values)
      .where(
        and(
          eq(outbox.id, message.id),
          eq(outbox.status, "sending"),
          eq(outbox.attempts, message.attempts),
        ),
      );
  }

  /**
   * What the message says now. A batch is claimed before its first message is sent, and a
   * replaced invitation link is written into unsent messages meanwhile (outbox.server.ts
   * replaceLinkInUnsentMail): the copy read at claim time may hold a dead link. Null when the
   * message is no longer ours.
   */
  async function currentContent(message: ClaimedMessage): Promise<SentContent | null> {
    const { db } = getDatabase();
    const [row] = await db
      .select({ textBody: outbox.textBody, htmlBody: outbox.htmlBody, calendar: outbox.calendar })
      .from(outbox)
      .where(
        and(
          eq(outbox.id, message.id),
          eq(outbox.status, "sending"),
          eq(outbox.attempts, message.attempts),
        ),
      );
    return row ?? null;
  }

  /**
   * Marks a delivered message sent and blanks its personal link. When the link was replaced
   * while the message was on its way (its stored text differs from what was sent), the message
   * that went out carries a link that no longer works: a copy with the current text is queued
   * as a new message (its own Message-ID, so it is not taken for a duplicate).
   */
  async function markSent(message: ClaimedMessage, sent: SentContent): Promise<boolean> {
    return getDatabase().db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.id, message.id),
            eq(outbox.status, "sending"),
            eq(outbox.attempts, message.attempts),
          ),
        )
        .for("update");
      if (!row) return false;
      const replaced =
        row.textBody !== sent.textBody ||
        row.htmlBody !== sent.htmlBody ||
        row.calendar !== sent.calendar;
      if (replaced) {
        await tx.insert(outbox).values({
          municipalityId: row.municipalityId,
          toAddress: row.toAddress,
          toName: row.toName,
          subject: row.subject,
          textBody: row.textBody,
          htmlBody: row.htmlBody,
          calendar: row.calendar,
          calendarMethod: row.calendarMethod,
          meetingId: row.meetingId,
          invitationId: row.invitationId,
        });
      }
      // Once delivered, the personal link has no reason to stay readable in the database.
      await tx
        .update(outbox)
        .set({
          status: "sent",
          sentAt: sql`now()`,
          textBody: sql`regexp_replace(${outbox.textBody}, '/i/[A-Za-z0-9_-]+', '/i/[sendt]', 'g')`,
          htmlBody: sql`regexp_replace(${outbox.htmlBody}, '/i/[A-Za-z0-9_-]+', '/i/[sendt]', 'g')`,
          // In the calendar a link may be folded across lines (CRLF and a space, RFC 5545 §3.1).
          calendar: sql`regexp_replace(${outbox.calendar}, '/i/(?:[A-Za-z0-9_-]|\\r\\n[ \\t])+', '/i/[sendt]', 'g')`,
        })
        .where(eq(outbox.id, message.id));
      return replaced;
    });
  }

  async function deliver(claimed: ClaimedMessage): Promise<void> {
    const content = await currentContent(claimed);
    // Taken over by another process after a lost lease: theirs to send.
    if (!content) return;
    const message = { ...claimed, ...content };
    if (message.attempts > maxAttempts) {
      // Only a message taken over after lost leases gets here: stop trying.
      await settle(message, {
        status: "failed",
        lastError: "Given up: interrupted while sending too many times",
      });
      log.warn({ outboxId: message.id, attempts: message.attempts }, "e-mail given up");
      return;
    }
    try {
      await transport.sendMail({
        from: options.from,
        to: { name: message.toName ?? "", address: message.toAddress },
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        ...(message.calendar ? calendarFields(message.calendar) : {}),
        messageId: `<outbox-${message.id}-${message.createdAt.getTime()}@${domain}>`,
        headers: { "Auto-Submitted": "auto-generated" },
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
    } catch (error) {
      const failure = classifySmtpError(error);
      const giveUp = failure.permanent || message.attempts >= maxAttempts;
      await settle(
        message,
        giveUp
          ? { status: "failed", lastError: failure.summary }
          : {
              status: "pending",
              lastError: failure.summary,
              nextAttemptAt: sql`now() + make_interval(secs => ${backoffMs(message.attempts) / 1000}::double precision)`,
            },
      );
      log.warn(
        { outboxId: message.id, attempts: message.attempts, error: failure.summary, giveUp },
        giveUp ? "e-mail failed for good" : "e-mail deferred",
      );
      return;
    }
    const replaced = await markSent(message, content);
    log.info({ outboxId: message.id, attempts: message.attempts }, "e-mail sent");
    if (replaced) log.info({ outboxId: message.id }, "link replaced while sending: copy queued");
  }

  /** Puts claimed messages we did not start back, without counting the attempt. */
  async function release(messages: ClaimedMessage[]): Promise<void> {
    for (const message of messages) {
      await settle(message, {
        status: "pending",
        attempts: message.attempts - 1,
        nextAttemptAt: sql`now()`,
      });
    }
  }

  async function batch(): Promise<number> {
    if (stopped) return 0;
    const claimedAt = Date.now();
    const claimed = await claimBatch();
    for (const [index, message] of claimed.entries()) {
      if (stopped || Date.now() - claimedAt > BATCH_DEADLINE_MS) {
        await release(claimed.slice(index));
        break;
      }
      try {
        await deliver(message);
      } catch (error) {
        // A database error after sending: the lease brings the message back (at least once).
        log.error({ outboxId: message.id, err: safeError(error) }, "e-mail outcome not stored");
      }
    }
    return claimed.length;
  }

  function runOnce(): Promise<number> {
    const run = queue.then(batch);
    queue = run.catch(() => undefined);
    return run;
  }

  async function tick(): Promise<void> {
    try {
      // A full batch means more may be due: keep going until the outbox is drained.
      while (!stopped && (await runOnce()) === batchSize) {
        /* next batch */
      }
    } catch (error) {
      log.error({ err: safeError(error) }, "mail sender poll failed");
    }
    if (!stopped) schedule();
  }

  function schedule(): void {
    timer = setTimeout(() => void tick(), pollMs);
    timer.unref();
  }

  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await queue;
      transport.close();
    },
  };
}
