import { and, desc, eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { minutesCorrections, minutesVersions } from "../../../db/schema";
import {
  invitationActorLabel,
  invitationByToken,
  invitationMaySee,
} from "../access/invitations.server";
import { notFound } from "../access/access.server";
import { auditActor, recordAuditNow, type AuditActor } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { meetingAccess } from "../meetings/meetings.server";
import { readMinutes } from "./minutes.server";

/*
 * Who reads minutes (docs/minutes.md, "Who reads"): those who manage the meeting read every
 * version, also before it is locked; partners with an account and link holders read locked
 * versions while their invitation is current and their consent for "minutes" is in force.
 * Everyone else gets the 404 answer (nothing tells that the meeting exists), and an invitee
 * without that consent the 403 answer. Every view and every download is logged.
 */

type Purpose = "view" | "download";

/** The 403 answer for an invitee whose consent does not cover minutes. */
function forbidden(): never {
  throw new Response("Ingen tilgang. / No access.", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** A `?version=` value: a positive whole number, undefined when absent; 404 for anything else. */
export function versionParam(url: URL): number | undefined {
  const value = url.searchParams.get("version");
  if (value === null || value === "") return undefined;
  if (!/^[1-9]\d{0,5}$/.test(value)) notFound();
  return Number(value);
}

/** Where the minutes stand, for the leaders' buttons. */
export async function minutesStatus(meetingId: string) {
  const { db } = getDatabase();
  const [latest] = await db
    .select({
      version: minutesVersions.version,
      lockedAt: minutesVersions.lockedAt,
      correction: minutesCorrections.id,
    })
    .from(minutesVersions)
    .leftJoin(
      minutesCorrections,
      and(
        eq(minutesCorrections.meetingId, minutesVersions.meetingId),
        eq(minutesCorrections.fromVersion, minutesVersions.version),
      ),
    )
    .where(eq(minutesVersions.meetingId, meetingId))
    .orderBy(desc(minutesVersions.version))
    .limit(1);
  return {
    latest: latest?.version ?? null,
    locked: !!latest?.lockedAt,
    correctionOpen: !!latest?.lockedAt && !!latest.correction,
  };
}

async function logged(
  actor: AuditActor,
  purpose: Purpose,
  meetingId: string,
  personId: string,
  version: number | null,
) {
  await recordAuditNow(actor, {
    action: purpose === "view" ? "minutes.view" : "minutes.download",
    subjectType: "meeting",
    subjectId: meetingId,
    personId,
    details: { version },
  });
}

/**
 * The minutes of a meeting for a logged-in user (see the rule above), version `version` or
 * the newest they may read; `minutes` is null when there is none yet. Throws the 404 or 403
 * answer. Logged as a view or download.
 */
export async function minutesForUser(
  user: SessionUser,
  context: { clientIp: string },
  meetingId: string,
  options: { version?: number; purpose: Purpose },
) {
  const access = await meetingAccess(user, meetingId);
  if (access.level === "none") notFound();
  if (access.level === "invitee" && !invitationMaySee(access.invitation, "minutes")) forbidden();
  const manage = access.level === "manage";
  const minutes = await readMinutes(meetingId, { lockedOnly: !manage, version: options.version });
  if (options.version !== undefined && !minutes) notFound();
  await logged(
    auditActor(user, context),
    options.purpose,
    meetingId,
    access.personId,
    minutes?.selected.version ?? null,
  );
  return { manage, meeting: access.found.meeting, minutes };
}

/**
 * The minutes through a personal invitation link: locked versions only, while the link is
 * current and the member's consent for "minutes" is in force. null: the link does not work
 * (404); throws the 403 answer without the consent. Logged as a view or download.
 */
export async function minutesForLink(
  token: string,
  ip: string,
  options: { version?: number; purpose: Purpose },
) {
  const found = await invitationByToken(token);
  if (!found) return null;
  if (!invitationMaySee(found, "minutes")) forbidden();
  // The person reviews the newest version before it is locked; other readers see locked ones.
  const minutes = await readMinutes(found.meeting.id, {
    lockedOnly: !found.isPerson,
    version: options.version,
  });
  if (options.version !== undefined && !minutes) return null;
  await logged(
    { label: invitationActorLabel(found), municipalityId: found.municipalityId, ip },
    options.purpose,
    found.meeting.id,
    found.personId,
    minutes?.selected.version ?? null,
  );
  return { meeting: found.meeting, minutes, invitation: found };
}
