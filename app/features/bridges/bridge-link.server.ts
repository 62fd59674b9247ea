import { and, eq, isNotNull } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { bridges, offerings, persons, users } from "../../../db/schema";
import { osloToday } from "../../utils/oslo-time";
import { hashToken } from "../../utils/tokens.server";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAudit, recordAuditNow, type AuditActor } from "../audit/audit.server";
import { once, type FormClaim } from "../forms/once.server";
import { enqueueEmail, InvalidEmailError, textAsHtml } from "../mail/outbox.server";
import { publicBaseUrl } from "../meetings/invitation-links.server";
import { personFirstName } from "../networks/person-member.server";
import { bridgeLinkToken, bridgeLinkUrl } from "./bridge-token.server";
import {
  BridgeClosedError,
  bridgeContactAddress,
  consentState,
  isClosed,
  managedBridge,
  recordStep,
} from "./bridges.server";

/*
 * The organisation's personal link to one bridge (/b/<token>, issue 13; ADR 025): the contact
 * confirms the first visit without an account. Like invitation links (ADR 005) the token is
 * derived — HMAC(SESSION_SECRET, bridge id + link version) — and only its SHA-256 is stored, so
 * the leader's page can show the same link again while a database leak gives no working link.
 * A new link raises the version (the old one ends); a bridge that ended or did not start has no
 * link. The page shows the person's first name, the offering and the proposed date, and only
 * while the person's consent to share with this organisation for this bridge is in force.
 */

/**
 * Issues a new link for the bridge (a leader who manages its network): raises the link version,
 * which ends any earlier link, audited (bridge.link). Returns the new link's address. Throws
 * "not found" for anyone else and BridgeClosedError for a closed bridge.
 */
export async function issueBridgeLink(
  user: SessionUser,
  context: { clientIp: string },
  bridgeId: string,
  now: Date = new Date(),
): Promise<string> {
  const bridge = await managedBridge(user, bridgeId);
  return getDatabase().db.transaction(async (tx) => {
    const current = await lockedLinkState(tx, bridgeId);
    const linkVersion = await raiseLinkVersion(tx, bridgeId, current.linkVersion, now);
    await recordAudit(
      auditActor(user, context),
      {
        action: "bridge.link",
        subjectType: "bridge",
        subjectId: bridgeId,
        personId: bridge.personId,
        details: { linkVersion },
      },
      tx,
    );
    return bridgeLinkUrl(bridgeId, linkVersion);
  });
}

/** The person's consent to share with the organisation is not in force. */
export class NoBridgeConsentError extends Error {
  constructor() {
    super("The person has not agreed to share with the organisation");
  }
}

/** The offering has no e-mail address for its contact (nor its organisation one). */
export class NoContactEmailError extends Error {
  constructor() {
    super("The offering has no contact e-mail address");
  }
}

/** The contact's address (or name) cannot be written into an e-mail's header. */
export class BadContactEmailError extends Error {
  constructor() {
    super("The contact's e-mail address cannot be used");
  }
}

/**
 * E-mails the organisation's link to the offering's contact through the outbox (a leader who
 * manages the bridge's network), once per form claim (a second post of the same form sends
 * nothing more). Sends the current link, or makes one when there is none. The text is neutral
 * like invitations: the offering and the leader, never the person (the page shows their first
 * name, and only with consent). Audited (bridge.link_sent, with the address). Returns the
 * address. Throws "not found" for anyone else, BridgeClosedError for a closed bridge,
 * NoBridgeConsentError without the person's consent to share with the organisation, and
 * NoContactEmailError when there is no address to send to, BadContactEmailError when it cannot
 * be used (nothing is stored then).
 */
export async function sendBridgeLink(
  user: SessionUser,
  context: { clientIp: string },
  bridgeId: string,
  claim?: FormClaim,
  now: Date = new Date(),
): Promise<string> {
  const bridge = await managedBridge(user, bridgeId);
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const current = await lockedLinkState(tx, bridgeId);
      // Contacting a third party about the person needs the person's agreement first.
      if (!current.consentGivenAt || current.consentWithdrawnAt) throw new NoBridgeConsentError();
      const contact = await bridgeContactAddress(tx, bridgeId);
      if (!contact) throw new NoContactEmailError();
      const linkVersion = current.linkTokenHash
        ? current.linkVersion
        : await raiseLinkVersion(tx, bridgeId, current.linkVersion, now);
      const url = bridgeLinkUrl(bridgeId, linkVersion);
      const [leader] = await tx
        .select({ name: users.name, email: users.email })
        .from(users)
        .where(eq(users.id, user.id));
      const text = linkMail(contact.offeringTitle, url, leader!);
      await enqueueEmail(tx, {
        municipalityId: bridge.municipalityId,
        to: { address: contact.address, name: contact.name ?? undefined },
        subject: "Et første besøk hos dere / A first visit to your offering",
        text,
        html: textAsHtml(text, publicBaseUrl()),
      }).catch((error: unknown) => {
        throw error instanceof InvalidEmailError ? new BadContactEmailError() : error;
      });
      await recordAudit(
        auditActor(user, context),
        {
          action: "bridge.link_sent",
          subjectType: "bridge",
          subjectId: bridgeId,
          personId: bridge.personId,
          details: { linkVersion, to: contact.address },
        },
        tx,
      );
      return contact.address;
    }),
  );
}

/** The e-mail's text, bokmål then English: the offering, the link, and whom to ask. */
function linkMail(offering: string, url: string, leader: { name: string; email: string }) {
  return [
    `${leader.name} ønsker å avtale et første besøk på «${offering}» for en deltaker.`,
    `Åpne lenken for å se forslaget og bekrefte besøket: ${url}`,
    "Du trenger ingen konto. Lenken viser deltakerens fornavn bare når deltakeren har sagt ja til det.",
    `Spørsmål? Kontakt ${leader.name} på ${leader.email}.`,
    "",
    `${leader.name} would like to arrange a first visit to “${offering}” for a participant.`,
    `Open the link to see the proposal and confirm the visit: ${url}`,
    "You need no account. The link shows the participant's first name only when they have agreed to it.",
    `Questions? Contact ${leader.name} at ${leader.email}.`,
  ].join("\n");
}

/** The bridge's link state, locked for the transaction. Throws BridgeClosedError when closed. */
async function lockedLinkState(tx: Database, bridgeId: string) {
  const [current] = await tx
    .select({
      status: bridges.status,
      linkVersion: bridges.linkVersion,
      linkTokenHash: bridges.linkTokenHash,
      consentGivenAt: bridges.consentGivenAt,
      consentWithdrawnAt: bridges.consentWithdrawnAt,
    })
    .from(bridges)
    .where(eq(bridges.id, bridgeId))
    .for("update");
  if (!current || isClosed(current.status)) throw new BridgeClosedError();
  return current;
}

/** Makes the next link version current (the one before stops working); returns it. */
async function raiseLinkVersion(tx: Database, bridgeId: string, version: number, now: Date) {
  const linkVersion = version + 1;
  await tx
    .update(bridges)
    .set({
      linkVersion,
      linkTokenHash: hashToken(bridgeLinkToken(bridgeId, linkVersion)),
      linkIssuedAt: now,
    })
    .where(eq(bridges.id, bridgeId));
  return linkVersion;
}

/** The bridge a link token opens now (current version, bridge not closed), or null. */
async function bridgeByToken(token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await getDatabase()
    .db.select({
      bridge: bridges,
      offeringTitle: offerings.title,
      personName: persons.name,
      preferredName: persons.preferredName,
    })
    .from(bridges)
    .innerJoin(offerings, eq(offerings.id, bridges.offeringId))
    .innerJoin(persons, eq(persons.id, bridges.personId))
    .where(and(eq(bridges.linkTokenHash, hashToken(token)), isNotNull(bridges.linkTokenHash)));
  if (!row || isClosed(row.bridge.status)) return null;
  return row;
}

const contactActor = (bridgeId: string, municipalityId: string, ip: string): AuditActor => ({
  label: `bridge-contact:${bridgeId}`,
  municipalityId,
  ip,
});

/** What the contact's page shows: nothing without consent; else first name, offering, date. */
export type BridgeLinkView =
  | { consent: false }
  | {
      consent: true;
      firstName: string;
      offeringTitle: string;
      /** The proposed first visit, YYYY-MM-DD, or null while none is agreed. */
      firstVisitOn: string | null;
      /** Whether the first visit may be confirmed now (a date is proposed, not yet confirmed). */
      mayConfirm: boolean;
      /** ISO instant of the confirmation, or null. */
      confirmedAt: string | null;
    };

/**
 * What the link `token` shows now, or null when it does not work (unknown, replaced, or the
 * bridge has closed). Audited (bridge.link_open, with whether anything was shown).
 */
export async function openBridgeLink(token: string, ip: string): Promise<BridgeLinkView | null> {
  const row = await bridgeByToken(token);
  if (!row) return null;
  const { bridge } = row;
  const consent = consentState(bridge).inForce;
  await recordAuditNow(contactActor(bridge.id, bridge.municipalityId, ip), {
    action: "bridge.link_open",
    subjectType: "bridge",
    subjectId: bridge.id,
    personId: bridge.personId,
    details: { shown: consent },
  });
  if (!consent) return { consent: false };
  return {
    consent: true,
    firstName: personFirstName({ name: row.personName, preferredName: null }),
    offeringTitle: row.offeringTitle,
    firstVisitOn: bridge.firstVisitOn,
    mayConfirm:
      bridge.status === "visit_agreed" && !!bridge.firstVisitOn && !bridge.visitConfirmedAt,
    confirmedAt: bridge.visitConfirmedAt?.toISOString() ?? null,
  };
}

/**
 * The contact confirms the proposed first visit through their link: a step "visit_agreed" by
 * "contact" with today's Oslo date, and the bridge marked confirmed; audited (bridge.confirm).
 * "confirmed"; "already" when it was confirmed before (a second press records nothing);
 * "nothing" without consent or without a proposed date; null when the link does not work.
 */
export async function confirmBridgeVisit(
  token: string,
  ip: string,
  now: Date = new Date(),
): Promise<"confirmed" | "already" | "nothing" | null> {
  const row = await bridgeByToken(token);
  if (!row) return null;
  const bridgeId = row.bridge.id;
  try {
    return await getDatabase().db.transaction(async (tx) => {
      const [bridge] = await tx
        .select()
        .from(bridges)
        .where(and(eq(bridges.id, bridgeId), eq(bridges.linkTokenHash, hashToken(token))))
        .for("update");
      if (!bridge || isClosed(bridge.status)) return null;
      if (!consentState(bridge).inForce) return "nothing" as const;
      if (bridge.visitConfirmedAt) return "already" as const;
      if (bridge.status !== "visit_agreed" || !bridge.firstVisitOn) return "nothing" as const;
      await recordStep(
        tx,
        bridgeId,
        {
          status: "visit_agreed",
          happenedOn: osloToday(now),
          visitOn: bridge.firstVisitOn,
          companion: bridge.companion,
          note: "",
        },
        { byUserId: null, byLabel: "contact" },
        now,
        { visitConfirmedAt: now },
      );
      await recordAudit(
        contactActor(bridgeId, bridge.municipalityId, ip),
        {
          action: "bridge.confirm",
          subjectType: "bridge",
          subjectId: bridgeId,
          personId: bridge.personId,
          details: { visitOn: bridge.firstVisitOn },
        },
        tx,
      );
      return "confirmed" as const;
    });
  } catch (error) {
    if (error instanceof BridgeClosedError) return null;
    throw error;
  }
}
