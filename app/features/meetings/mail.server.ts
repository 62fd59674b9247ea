import { DateTime } from "luxon";
import { asc, eq } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { meetingLeaders, meetings, networks, persons, users } from "../../../db/schema";
import type { InvitationResponse } from "../../../db/enums";
import { OSLO } from "../../utils/oslo-time";
import { invitationCalendar, type CalendarMeeting } from "../calendar/ical.server";
import { invitationUrl } from "./invitation-links.server";
import { enqueueEmail, InvalidEmailError } from "../mail/outbox.server";

/** What an invitation e-mail and calendar file may say about a meeting. */
export interface MailMeeting {
  id: string;
  icalUid: string;
  sequence: number;
  startsAt: Date;
  durationMinutes: number;
  place: string | null;
  videoLink: string | null;
  /** Already decided: neutral unless the leader chose to show details. */
  title: string;
  cancelled: boolean;
  municipalityId: string;
  organizer: { name: string; email: string };
}

export interface MailInvitee {
  invitationId: string;
  linkVersion: number;
  name: string;
  email: string | null;
  response: InvitationResponse;
}

const when = (meeting: MailMeeting) => {
  const start = DateTime.fromJSDate(meeting.startsAt, { zone: OSLO });
  const end = start.plus({ minutes: meeting.durationMinutes });
  return {
    nb: `${start.setLocale("nb").toFormat("cccc d. LLLL yyyy 'kl.' HH:mm")}–${end.toFormat("HH:mm")}`,
    en: `${start.setLocale("en-GB").toFormat("cccc d LLLL yyyy, HH:mm")}–${end.toFormat("HH:mm")} (Oslo time)`,
  };
};

/**
 * What invitations call a meeting: the neutral calendar title, unless a leader deliberately
 * chose to show the Broen title and the person's name.
 */
export function invitationTitle(
  meeting: { detailsInInvites: boolean; internalTitle: string; calendarTitle: string },
  personName: string,
): string {
  return meeting.detailsInInvites
    ? `${meeting.internalTitle} (${personName})`
    : meeting.calendarTitle;
}

const NO_ORGANIZER = { name: "Broen", email: "ikke-svar@broen.invalid" };

/** Everything invitation e-mails and calendar files say about a meeting, read in `tx`. */
export async function loadMailMeeting(tx: Database, meetingId: string): Promise<MailMeeting> {
  const [row] = await tx
    .select({ meeting: meetings, personName: persons.name, municipalityId: persons.municipalityId })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(meetings.id, meetingId));
  const [organizer] = await tx
    .select({ name: users.name, email: users.email })
    .from(meetingLeaders)
    .innerJoin(users, eq(users.id, meetingLeaders.userId))
    .where(eq(meetingLeaders.meetingId, meetingId))
    .orderBy(asc(users.name))
    .limit(1);
  const m = row!.meeting;
  return {
    id: m.id,
    icalUid: m.icalUid,
    sequence: m.sequence,
    startsAt: m.startsAt,
    durationMinutes: m.durationMinutes,
    place: m.place,
    videoLink: m.videoLink,
    title: invitationTitle(m, row!.personName),
    cancelled: m.status === "cancelled",
    municipalityId: row!.municipalityId,
    organizer: organizer ?? NO_ORGANIZER,
  };
}

export function calendarMeeting(meeting: MailMeeting, url: string): CalendarMeeting {
  return {
    uid: meeting.icalUid,
    sequence: meeting.sequence,
    startsAt: meeting.startsAt,
    durationMinutes: meeting.durationMinutes,
    title: meeting.title,
    place: meeting.place,
    videoLink: meeting.videoLink,
    // Neutral on purpose: calendars travel over insecure channels.
    description: `Svar og se detaljer i Broen / Reply and see details in Broen: ${url}`,
    url,
    cancelled: meeting.cancelled,
  };
}

/**
 * Queues one e-mail per invitee who has an address, in the caller's transaction: the
 * invitation, an update (REQUEST with a higher SEQUENCE) or a cancellation (CANCEL).
 * Subject and body carry the neutral title, the time, the place and the personal link only.
 */
export async function queueInvitationMail(
  tx: Database,
  meeting: MailMeeting,
  invitees: MailInvitee[],
  kind: "invitation" | "update" | "cancellation",
): Promise<void> {
  const method = kind === "cancellation" ? "CANCEL" : "REQUEST";
  const time = when(meeting);
  const where = [meeting.place, meeting.videoLink].filter(Boolean).join(" · ");
  for (const invitee of invitees) {
    if (!invitee.email) continue;
    const url = invitationUrl(invitee.invitationId, invitee.linkVersion);
    const lead = {
      invitation: ["Du er invitert til et møte.", "You are invited to a meeting."],
      update: [
        "Et møte du er invitert til, er endret.",
        "A meeting you are invited to has changed.",
      ],
      cancellation: [
        "Et møte du var invitert til, er avlyst.",
        "A meeting you were invited to is cancelled.",
      ],
    }[kind];
    const lines = [
      lead[0],
      `Tid: ${time.nb}`,
      where ? `Sted: ${where}` : null,
      kind === "cancellation" ? null : `Svar og se detaljer: ${url}`,
      "",
      lead[1],
      `Time: ${time.en}`,
      where ? `Place: ${where}` : null,
      kind === "cancellation" ? null : `Reply and see details: ${url}`,
    ].filter((line): line is string => line !== null);
    const subject =
      kind === "cancellation" ? `Avlyst / Cancelled: ${meeting.title}` : meeting.title;
    const ics = invitationCalendar({
      meeting: calendarMeeting(meeting, url),
      organizer: meeting.organizer,
      attendees: [
        {
          name: invitee.name,
          email: invitee.email,
          partstat: invitee.response,
          rsvp: kind !== "cancellation",
        },
      ],
      method,
    });
    // Addresses were validated when saved; one that still fails is skipped, not fatal.
    await enqueueEmail(tx, {
      municipalityId: meeting.municipalityId,
      to: { address: invitee.email, name: invitee.name },
      subject,
      text: lines.join("\n"),
      html: lines.map((line) => (line ? `<p>${escapeHtml(line)}</p>` : "")).join("\n"),
      calendar: { method, ics },
      meetingId: meeting.id,
      invitationId: invitee.invitationId,
    }).catch((error: unknown) => {
      if (!(error instanceof InvalidEmailError)) throw error;
    });
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
