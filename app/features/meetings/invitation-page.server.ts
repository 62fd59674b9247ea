import { asc, eq } from "drizzle-orm";
import { getDatabase } from "../../../db/client";
import { meetingLeaders, users } from "../../../db/schema";
import { agendaForInvitation } from "../agenda/agenda-page.server";
import { minutesStatus } from "../minutes/read.server";
import { recordAudit, recordAuditNow } from "../audit/audit.server";
import { invitationCalendar } from "../calendar/ical.server";
import {
  invitationActorLabel,
  invitationByToken,
  invitationMaySee,
  invitationMayWrite,
  type CurrentInvitation,
} from "../access/invitations.server";
import { issueTicket, TICKET_LIFETIME_MS } from "../documents/tickets.server";
import { remindersOff } from "../mail/reminders.server";
import { sinceLastTime } from "../tasks/since-last-time.server";
import { invitationUrl } from "./invitation-links.server";
import { calendarMeeting, invitationTitle, loadMailMeeting } from "./mail.server";
import { answerSlot, previousAnswer, saveAnswer, type GivenAnswer } from "./answers.server";

/*
 * What a holder of an invitation link may see: their own meeting only — when, where, who
 * leads it — and, as far as consent allows, the agenda. Once the meeting is cancelled, only
 * that it is cancelled. Whether the link works is decided by invitationByToken (access/).
 * Every opening is logged.
 */

/** The link holder as actor: the person on their own invitation (ADR 013), else the invitation. */
const actorFor = (found: CurrentInvitation, ip: string) => ({
  label: invitationActorLabel(found),
  municipalityId: found.municipalityId,
  ip,
});

/**
 * What the link `token` shows now, with the agenda as far as consent allows (`personLabel`
 * names the person in it), or null when the link does not work. Logs the opening.
 */
export async function openInvitation(token: string, ip: string, personLabel: string) {
  const found = await invitationByToken(token);
  if (!found) return null;
  const { invitation, member, meeting } = found;
  const leaders = await getDatabase()
    .db.select({ name: users.name })
    .from(meetingLeaders)
    .innerJoin(users, eq(users.id, meetingLeaders.userId))
    .where(eq(meetingLeaders.meetingId, meeting.id))
    .orderBy(asc(users.name));
  // The agenda only while the member's consent for it is in force (agendaForInvitation).
  const agenda = await agendaForInvitation(found, { token, personLabel });
  // "Since last time" for whoever may read the agenda, as far as their plan consent goes.
  const since =
    agenda.role === "none" || found.cancelled
      ? null
      : await sinceLastTime(meeting, undefined, found.isPerson ? "all" : { memberId: member.id });
  // A way to the minutes: the person reviews the newest version, others read locked ones.
  let minutes: "review" | "read" | null = null;
  if (!found.cancelled && invitationMaySee(found, "minutes")) {
    const status = await minutesStatus(meeting.id);
    if (status.latest !== null && (status.locked || found.isPerson)) {
      minutes = found.isPerson && !status.locked ? "review" : "read";
    }
  }
  await recordAuditNow(actorFor(found, ip), {
    action: "invitation.open",
    subjectType: "invitation",
    subjectId: invitation.id,
    personId: found.personId,
    // Reading the agenda here is reading the person's information, as over the live socket.
    details: { agendaShown: agenda.role !== "none" },
  });
  return {
    memberName: member.name,
    title: invitationTitle(meeting, found.personName),
    startsAt: meeting.startsAt.toISOString(),
    durationMinutes: meeting.durationMinutes,
    place: meeting.place,
    videoLink: meeting.videoLink,
    cancelled: meeting.status === "cancelled",
    leaders: leaders.map((l) => l.name),
    response: invitation.response,
    /** The answer given before the time last changed, until the member answers again. */
    previous: previousAnswer(invitation),
    slot: answerSlot(meeting),
    agenda,
    since,
    minutes,
    /** The person's own link also opens their plan (plan/plan-page.server.ts planForLink). */
    plan: invitationMayWrite(found, "plan"),
    /** The person's own link leads to their measure of progress (plan/progress.server.ts). */
    progress: !found.cancelled && invitationMayWrite(found, "plan"),
    remindersOff: await remindersOff({ kind: "member", memberId: member.id }),
  };
}

/**
 * Saves the link holder's answer for the time `slot` they saw (answerSlot). "outdated": the
 * meeting was moved since the page was shown, so the answer is not saved; null: the link does
 * not work or the meeting is cancelled.
 */
export async function respondToInvitation(
  token: string,
  response: GivenAnswer,
  ip: string,
  slot?: string,
): Promise<"saved" | "outdated" | null> {
  const found = await invitationByToken(token);
  if (!found || found.cancelled) return null;
  return getDatabase().db.transaction(async (tx) => {
    const saved = await saveAnswer(tx, {
      invitationId: found.invitation.id,
      meetingId: found.meeting.id,
      response,
      slot,
    });
    if (!saved.saved) return saved.reason === "outdated" ? "outdated" : null;
    await recordAudit(
      actorFor(found, ip),
      {
        action: "invitation.respond",
        subjectType: "invitation",
        subjectId: found.invitation.id,
        personId: found.personId,
        details: {
          response,
          forStartsAt: saved.startsAt.toISOString(),
          forDurationMinutes: saved.durationMinutes,
        },
      },
      tx,
    );
    return "saved" as const;
  });
}

/** The invitation as a calendar file (REQUEST, or CANCEL once the meeting is cancelled). */
export async function invitationIcs(token: string, ip: string): Promise<string | null> {
  const found = await invitationByToken(token);
  if (!found) return null;
  const { invitation, member, meeting } = found;
  const { db } = getDatabase();
  const [account] = member.userId
    ? await db.select({ email: users.email }).from(users).where(eq(users.id, member.userId))
    : [];
  const mail = await loadMailMeeting(db, meeting.id);
  const cancelled = mail.cancelled;

  const email = account?.email ?? member.email ?? `invitation-${invitation.id}@broen.invalid`;
  await recordAuditNow(actorFor(found, ip), {
    action: "invitation.calendar",
    subjectType: "invitation",
    subjectId: invitation.id,
    personId: found.personId,
  });
  return invitationCalendar({
    meeting: calendarMeeting(mail, invitationUrl(invitation.id, invitation.linkVersion)),
    organizer: mail.organizer,
    attendees: [{ name: member.name, email, partstat: invitation.response, rsvp: !cancelled }],
    method: cancelled ? "CANCEL" : "REQUEST",
  });
}

/**
 * A short-lived ticket with which the link holder's browser opens the live agenda, or null when
 * the link does not work or the member has no consent for the agenda. `permission` says what
 * the connection will allow: "edit" for the person on their own invitation (ADR 013), "read"
 * for everyone else. The realtime server checks invitation and consent again at every
 * connection (documents/registry.server.ts).
 */
export async function agendaTicket(token: string): Promise<{
  document: string;
  ticket: string;
  expiresInSeconds: number;
  permission: "edit" | "read";
} | null> {
  const found = await invitationByToken(token);
  if (!invitationMaySee(found, "agenda")) return null;
  const document = `agenda:${found.meeting.id}`;
  const { id: invitationId, linkVersion } = found.invitation;
  return {
    document,
    ticket: issueTicket({ invitationId, linkVersion }, document),
    expiresInSeconds: TICKET_LIFETIME_MS / 1000,
    permission: invitationMayWrite(found, "agenda") ? "edit" : "read",
  };
}
