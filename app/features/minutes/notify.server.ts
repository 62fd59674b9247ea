import { and, eq, exists, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { consents, invitations, networkMembers, users } from "../../../db/schema";
import { invitationIsCurrent } from "../access/invitations.server";
import { consentInForce } from "../consent/consent.server";
import { enqueueEmail, InvalidEmailError, textAsHtml } from "../mail/outbox.server";
import { invitationUrl, publicBaseUrl } from "../meetings/invitation-links.server";

/*
 * Telling members that minutes are ready, in the transaction that locks them: only invited
 * members (never the leaders, who locked them) whose consent for "minutes" is in force today.
 * The e-mail is neutral: no names, no meeting kind, no content — a sentence and a link.
 */

const SUBJECT = "Referat klart i Broen / Minutes ready in Broen";

/**
 * Queues one neutral e-mail per invited member with consent for "minutes" in force and an
 * address. Account holders get a link to the minutes page (they log in); others their personal
 * link's minutes page. Returns how many were queued.
 */
export async function tellMembers(
  tx: Database,
  meeting: { id: string; municipalityId: string },
): Promise<number> {
  const rows = await tx
    .select({
      invitationId: invitations.id,
      linkVersion: invitations.linkVersion,
      userId: networkMembers.userId,
      name: networkMembers.name,
      email: sql<string | null>`coalesce(${users.email}, ${networkMembers.email})`,
    })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .where(
      and(
        eq(invitations.meetingId, meeting.id),
        invitationIsCurrent({ viaLink: false }),
        exists(
          tx
            .select({ one: sql`1` })
            .from(consents)
            .where(
              and(
                eq(consents.memberId, networkMembers.id),
                eq(consents.content, "minutes"),
                consentInForce(),
              ),
            ),
        ),
        // Leaders are not told: they locked the minutes themselves.
        sql`not exists (select 1 from meeting_leaders ml where ml.meeting_id = ${meeting.id}
          and ml.user_id = ${networkMembers.userId})`,
      ),
    );
  let queued = 0;
  for (const row of rows) {
    if (!row.email) continue;
    const url = row.userId
      ? new URL(`/meetings/${meeting.id}/minutes`, publicBaseUrl()).href
      : `${invitationUrl(row.invitationId, row.linkVersion)}/minutes`;
    const lines = [
      "Referatet fra et møte du var invitert til, er klart.",
      `Les det i Broen: ${url}`,
      "",
      "The minutes of a meeting you were invited to are ready.",
      `Read them in Broen: ${url}`,
    ];
    try {
      await enqueueEmail(tx, {
        municipalityId: meeting.municipalityId,
        to: { address: row.email, name: row.name },
        subject: SUBJECT,
        text: lines.join("\n"),
        html: textAsHtml(lines.join("\n")),
        meetingId: meeting.id,
        invitationId: row.invitationId,
      });
      queued++;
    } catch (error) {
      // An address that no longer passes is skipped, as with invitations.
      if (!(error instanceof InvalidEmailError)) throw error;
    }
  }
  return queued;
}
