import { and, eq, gt, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { consentContents, type ConsentContent } from "../../../db/enums";
import {
  invitations,
  meetings,
  networkMembers,
  networks,
  persons,
  roleAssignments,
  users,
} from "../../../db/schema";
import { hashToken } from "../../utils/tokens.server";
import { contentsInForce } from "../consent/consent.server";
import { permissionRoles } from "./permissions";

/*
 * "Is this invitation current?" — the one answer for every way into a meeting as an invitee:
 * the invitation page and its calendar file, tickets, the meeting page of a partner with an
 * account, the meetings list and feed, and the realtime upgrade and recheck.
 *
 * An invitation is current while its member is still a member of the network, it is not
 * revoked, the member's account (if they have one) is active and has a role that may see
 * meetings, and (for a personal link) it is the link's current version and not expired. What it
 * shows then depends on the meeting: once cancelled, only the cancellation (no content, no
 * answer); otherwise the kinds of content the member's consent allows today. The person's own
 * invitation (their member row, ADR 013) needs no consent: what is about them is theirs, and
 * they may write their own meeting's agenda.
 * docs/access.md has the table of every way in against every way access can end.
 */

/** How the asker names their invitation. */
export type InvitationKey =
  /** A personal link: the SHA-256 of its token, which is derived from the link version. */
  | { tokenHash: string }
  /** A ticket: the invitation and the link version it was issued for. */
  | { invitationId: string; linkVersion: number }
  /** A partner with an account: their own invitation to one meeting. */
  | { userId: string; meetingId: string };

export interface CurrentInvitation {
  invitation: typeof invitations.$inferSelect;
  member: typeof networkMembers.$inferSelect;
  meeting: typeof meetings.$inferSelect;
  networkId: string;
  personId: string;
  personName: string;
  municipalityId: string;
  cancelled: boolean;
  /** Kinds of content the member's consent allows today (Oslo date); all for the person. */
  contents: ReadonlySet<ConsentContent>;
  /** The invitation is the person's own (ADR 013). */
  isPerson: boolean;
}

const viaLink = (key: InvitationKey) => !("userId" in key);

/**
 * SQL: the joined `invitations` and `network_members` rows form a current invitation. Links
 * also expire some days after the meeting; an account's invitation does not.
 */
export function invitationIsCurrent(options: { viaLink: boolean }): SQL {
  return and(
    isNull(invitations.revokedAt),
    isNull(networkMembers.removedAt),
    // A member with an account: the account is active and its roles may see meetings.
    sql`not exists (select 1 from ${users} where ${users.id} = ${networkMembers.userId}
      and (not ${users.active} or not exists (select 1 from ${roleAssignments}
        where ${roleAssignments.userId} = ${users.id}
        and ${inArray(roleAssignments.role, [...permissionRoles["meetings.view"]])})))`,
    options.viaLink ? gt(invitations.expiresAt, new Date()) : undefined,
  )!;
}

function keyCondition(key: InvitationKey): SQL {
  if ("tokenHash" in key) return eq(invitations.tokenHash, key.tokenHash);
  if ("invitationId" in key) {
    return and(eq(invitations.id, key.invitationId), eq(invitations.linkVersion, key.linkVersion))!;
  }
  return and(eq(networkMembers.userId, key.userId), eq(invitations.meetingId, key.meetingId))!;
}

/**
 * The invitation named by `key` if it is current, with its meeting, person and consents;
 * null otherwise (unknown, revoked, replaced link, expired link, member removed). One query
 * plus one for consents.
 */
export async function currentInvitation(
  key: InvitationKey,
  db: Database = getDatabase().db,
): Promise<CurrentInvitation | null> {
  const [row] = await db
    .select({
      invitation: invitations,
      member: networkMembers,
      meeting: meetings,
      networkId: networks.id,
      personId: persons.id,
      personName: persons.name,
      municipalityId: persons.municipalityId,
    })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .innerJoin(meetings, eq(meetings.id, invitations.meetingId))
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(and(keyCondition(key), invitationIsCurrent({ viaLink: viaLink(key) })))
    .limit(1);
  if (!row) return null;
  const isPerson = row.member.isPerson;
  return {
    ...row,
    cancelled: row.meeting.status === "cancelled",
    contents: isPerson ? new Set(consentContents) : await contentsInForce(row.member.id, db),
    isPerson,
  };
}

/** The invitation of a personal link's token, if current (see currentInvitation). */
export function invitationByToken(token: string): Promise<CurrentInvitation | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return Promise.resolve(null);
  return currentInvitation({ tokenHash: hashToken(token) });
}

/** May a current invitation see this kind of content now? Never once the meeting is cancelled. */
export function invitationMaySee(
  invitation: CurrentInvitation | null,
  content: ConsentContent,
): invitation is CurrentInvitation {
  return !!invitation && !invitation.cancelled && invitation.contents.has(content);
}

/**
 * May a current invitation write this kind of content of its meeting now? Only the person's
 * own invitation, and never once the meeting is cancelled (ADR 013); every other invitee at
 * most reads (invitationMaySee).
 */
export function invitationMayWrite(
  invitation: CurrentInvitation | null,
  content: ConsentContent,
): invitation is CurrentInvitation {
  return invitationMaySee(invitation, content) && invitation.isPerson;
}

/**
 * Who acts through an invitation link, for the audit log: the person themselves on their own
 * invitation (`person:<personId>`, so their own actions are told apart from a relative's and
 * show up in what was done about them), otherwise the invitation (`invitation:<id>`).
 */
export function invitationActorLabel(invitation: {
  invitation: { id: string };
  isPerson: boolean;
  personId: string;
}): string {
  return invitation.isPerson
    ? `person:${invitation.personId}`
    : `invitation:${invitation.invitation.id}`;
}
