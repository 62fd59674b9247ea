import { once, type FormClaim } from "../forms/once.server";
import crypto from "node:crypto";
import { and, asc, eq, gte, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { invitations, meetings } from "../../../db/schema";
import { notFound } from "../access/access.server";
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { invitationTokenHash, invitationUrl, linkExpiry } from "./invitation-links.server";
import { loadMailMeeting } from "./mail.server";
import { announceMeetingSave } from "./updates.server";
import type { SessionUser } from "../accounts/session.server";
import { managedMeeting } from "./meetings.server";
import { announceAccessChange } from "../access/access-events.server";
import { replaceLinkInUnsentMail } from "../mail/outbox.server";

/*
 * Invitations to a meeting: who is invited, their personal links (one place replaces a link),
 * and uninviting a member who leaves the network. Whether an invitation is current is
 * decided in access/invitations.server.ts.
 */

type Context = { clientIp: string };

/** Row data for invitations of the given members to one meeting. */
export function newInvitations(
  meetingId: string,
  memberIds: string[],
  startsAt: Date,
  durationMinutes: number,
) {
  return memberIds.map((memberId) => {
    const id = crypto.randomUUID();
    return {
      id,
      meetingId,
      memberId,
      linkVersion: 1,
      tokenHash: invitationTokenHash(id, 1),
      expiresAt: linkExpiry(startsAt, durationMinutes),
    };
  });
}

/**
 * Gives the invitations matching `where` a new personal link: the link version is raised (so
 * the old link, and every ticket issued to it, stops working; access/invitations.server.ts)
 * and the stored hash follows it. E-mails of these invitations still in the outbox get the new
 * link in the same transaction: nothing waiting to be sent goes out with a dead link. `also`
 * sets other columns in the same update. Returns the invitations with their new link version
 * and how many unsent e-mails now carry it. The one place a link is replaced.
 */
async function reissueLinks(
  tx: Database,
  where: SQL,
  also: Partial<typeof invitations.$inferInsert> = {},
) {
  const rows = await tx
    .update(invitations)
    .set({ ...also, linkVersion: sql`${invitations.linkVersion} + 1` })
    .where(where)
    .returning({
      id: invitations.id,
      memberId: invitations.memberId,
      linkVersion: invitations.linkVersion,
    });
  const relinked = [];
  for (const row of rows) {
    await tx
      .update(invitations)
      .set({ tokenHash: invitationTokenHash(row.id, row.linkVersion) })
      .where(eq(invitations.id, row.id));
    const unsentMail = await replaceLinkInUnsentMail(
      tx,
      row.id,
      invitationUrl(row.id, row.linkVersion - 1),
      invitationUrl(row.id, row.linkVersion),
    );
    relinked.push({ ...row, unsentMail });
  }
  return relinked;
}

/**
 * Invites members to an existing meeting. A member invited before and then removed gets the
 * same invitation back with a new link and no answer (one invitation per member and meeting).
 * Returns the invitations and how many of them were revived.
 */
export async function inviteMembers(
  tx: Database,
  meetingId: string,
  memberIds: string[],
  startsAt: Date,
  durationMinutes: number,
): Promise<{ invitationIds: string[]; reinvited: number }> {
  if (memberIds.length === 0) return { invitationIds: [], reinvited: 0 };
  const revived = await reissueLinks(
    tx,
    and(eq(invitations.meetingId, meetingId), inArray(invitations.memberId, memberIds))!,
    {
      revokedAt: null,
      response: "needs_action",
      respondedAt: null,
      previousResponse: null,
      previousRespondedAt: null,
      previousStartsAt: null,
      previousDurationMinutes: null,
      expiresAt: linkExpiry(startsAt, durationMinutes),
    },
  );
  const fresh = newInvitations(
    meetingId,
    memberIds.filter((id) => !revived.some((r) => r.memberId === id)),
    startsAt,
    durationMinutes,
  );
  if (fresh.length > 0) await tx.insert(invitations).values(fresh);
  return {
    invitationIds: [...revived.map((r) => r.id), ...fresh.map((f) => f.id)],
    reinvited: revived.length,
  };
}

/**
 * Replaces one invitation's link (the old one stops working, also in e-mails and calendars
 * already sent; e-mails still in the outbox get the new one) and returns the new link, shown
 * once, with how many unsent e-mails now carry it. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function newInvitationLink(
  user: SessionUser,
  context: Context,
  meetingId: string,
  invitationId: string,

  claim?: FormClaim,
): Promise<{ url: string; unsentMail: number }> {
  const access = await managedMeeting(user, meetingId);
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const [row] = await reissueLinks(
        tx,
        and(
          eq(invitations.id, invitationId),
          eq(invitations.meetingId, meetingId),
          isNull(invitations.revokedAt),
        )!,
      );
      if (!row) notFound();
      await recordAudit(
        auditActor(user, context),
        {
          action: "invitation.create",
          subjectType: "invitation",
          subjectId: row.id,
          personId: access.personId,
          details: { linkVersion: row.linkVersion, unsentMail: row.unsentMail },
        },
        tx,
      );
      await announceAccessChange(tx, { personId: access.personId });
      return { url: invitationUrl(row.id, row.linkVersion), unsentMail: row.unsentMail };
    }),
  );
}

/**
 * An invitee's current personal link, for those who manage the meeting to see or pass on
 * (nothing changes: the link is derived from the invitation and its link version, never
 * stored). The read is logged with the person it concerns.
 */
export async function currentInvitationLink(
  user: SessionUser,
  context: Context,
  meetingId: string,
  invitationId: string,
): Promise<string> {
  const access = await managedMeeting(user, meetingId);
  const [row] = await getDatabase()
    .db.select({ id: invitations.id, linkVersion: invitations.linkVersion })
    .from(invitations)
    .where(
      and(
        eq(invitations.id, invitationId),
        eq(invitations.meetingId, meetingId),
        isNull(invitations.revokedAt),
      ),
    );
  if (!row) notFound();
  await recordAuditNow(auditActor(user, context), {
    action: "invitation.link_view",
    subjectType: "invitation",
    subjectId: row.id,
    personId: access.personId,
    details: { linkVersion: row.linkVersion },
  });
  return invitationUrl(row.id, row.linkVersion);
}

/**
 * A member who leaves the network is uninvited from every coming meeting: the invitation is
 * revoked and the save announced (a higher SEQUENCE and an uninvitation for them, ADR 011).
 * Returns how many.
 */
export async function revokeMemberInvitations(tx: Database, memberId: string): Promise<number> {
  const coming = await tx
    .select({ invitationId: invitations.id, meetingId: meetings.id })
    .from(invitations)
    .innerJoin(meetings, eq(meetings.id, invitations.meetingId))
    .where(
      and(
        eq(invitations.memberId, memberId),
        isNull(invitations.revokedAt),
        eq(meetings.status, "scheduled"),
        gte(meetings.startsAt, new Date()),
      ),
    )
    .orderBy(asc(meetings.id))
    .for("update", { of: meetings });
  for (const { invitationId, meetingId } of coming) {
    const before = await loadMailMeeting(tx, meetingId);
    await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(eq(invitations.id, invitationId));
    // The invitee list is part of what an editor started from.
    await tx
      .update(meetings)
      .set({ version: sql`${meetings.version} + 1` })
      .where(eq(meetings.id, meetingId));
    await announceMeetingSave(tx, { meetingId, before, uninvited: [invitationId] });
  }
  return coming.length;
}
