import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../../../db/client";
import {
  invitations,
  meetingLeaders,
  meetings,
  networkMembers,
  networks,
  persons,
  users,
} from "../../../db/schema";
import type { InvitationResponse, MeetingKind } from "../../../db/enums";
import { nb } from "../../i18n/nb";
import { meetingTimeText } from "./meeting-time";
import { invitationCalendar, type CalendarMeeting } from "../calendar/ical.server";
import { invitationUrl } from "./invitation-links.server";
import { calendarPart, enqueueEmail, InvalidEmailError, textAsHtml } from "../mail/outbox.server";

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
  /** What subscription feeds call the meeting: always the calendar title. */
  feedTitle: string;
  cancelled: boolean;
  municipalityId: string;
  /** The first leader by name. */
  organizer: { name: string; email: string };
  /** Every leader's name, as the invitation page shows them. */
  leaders: string[];
}

export interface MailInvitee {
  invitationId: string;
  linkVersion: number;
  name: string;
  email: string | null;
  response: InvitationResponse;
}

/** One instant per clock time, also in the hour that happens twice (meeting-time.ts). */
const when = (meeting: MailMeeting) => meetingTimeText(meeting.startsAt, meeting.durationMinutes);

/**
 * What invitations call a meeting: the neutral calendar title, unless a leader deliberately
 * chose to show the Broen title, the person's name and the kind of meeting (what the choice
 * on the meeting form promises).
 */
export function invitationTitle(
  meeting: {
    detailsInInvites: boolean;
    internalTitle: string;
    calendarTitle: string;
    kind: MeetingKind;
  },
  personName: string,
): string {
  return meeting.detailsInInvites
    ? `${meeting.internalTitle} (${personName}, ${nb[`meetingKind.${meeting.kind}`]})`
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
  const leaders = await tx
    .select({ name: users.name, email: users.email })
    .from(meetingLeaders)
    .innerJoin(users, eq(users.id, meetingLeaders.userId))
    .where(eq(meetingLeaders.meetingId, meetingId))
    .orderBy(asc(users.name), asc(users.id));
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
    feedTitle: m.calendarTitle,
    cancelled: m.status === "cancelled",
    municipalityId: row!.municipalityId,
    organizer: leaders[0] ?? NO_ORGANIZER,
    leaders: leaders.map((l) => l.name),
  };
}

/** The invitees of a meeting (or of the given invitations) as the mail needs them. */
export async function invitees(
  tx: Database,
  meetingId: string,
  invitationIds?: string[],
): Promise<MailInvitee[]> {
  if (invitationIds?.length === 0) return [];
  const rows = await tx
    .select({
      invitationId: invitations.id,
      linkVersion: invitations.linkVersion,
      response: invitations.response,
      name: networkMembers.name,
      memberEmail: networkMembers.email,
      userEmail: users.email,
    })
    .from(invitations)
    .innerJoin(networkMembers, eq(networkMembers.id, invitations.memberId))
    .leftJoin(users, eq(users.id, networkMembers.userId))
    .where(
      and(
        eq(invitations.meetingId, meetingId),
        invitationIds ? inArray(invitations.id, invitationIds) : isNull(invitations.revokedAt),
      ),
    );
  return rows.map((r) => ({
    invitationId: r.invitationId,
    linkVersion: r.linkVersion,
    response: r.response,
    name: r.name,
    email: r.userEmail ?? r.memberEmail,
  }));
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
 * The e-mails one save can send a member (ADR 011): a first invitation (REQUEST), an update
 * (REQUEST with a higher SEQUENCE), an uninvitation (CANCEL without STATUS, RFC 5546 §3.2.5:
 * the meeting goes on without them) or a cancellation of the meeting (CANCEL, STATUS:CANCELLED).
 */
export type InvitationMailKind = "invitation" | "update" | "uninvitation" | "cancellation";

const WORDING: Record<InvitationMailKind, { lead: [string, string]; subject: string | null }> = {
  invitation: {
    lead: ["Du er invitert til et møte.", "You are invited to a meeting."],
    subject: null,
  },
  update: {
    lead: ["Et møte du er invitert til, er endret.", "A meeting you are invited to has changed."],
    subject: "Endret / Changed",
  },
  uninvitation: {
    lead: [
      "Du er ikke lenger invitert til dette møtet. Møtet blir holdt som planlagt.",
      "You are no longer invited to this meeting. The meeting goes ahead as planned.",
    ],
    subject: "Ikke lenger invitert / No longer invited",
  },
  cancellation: {
    lead: [
      "Et møte du var invitert til, er avlyst.",
      "A meeting you were invited to is cancelled.",
    ],
    subject: "Avlyst / Cancelled",
  },
};
const NEW_TIME: [string, string] = [
  "Møtet har fått nytt tidspunkt. Tidligere svar gjelder ikke lenger: svar på nytt.",
  "The meeting has a new time. Earlier replies no longer count: please reply again.",
];

/**
 * Queues one e-mail per invitee who has an address, in the caller's transaction. Which kind
 * each member gets is decided in updates.server.ts (mailPlan), not here. Subject and body carry
 * the neutral title, the time, the place and the personal link only. `newTime`: the start or
 * end changed in this save, so the update asks for a new answer.
 */
export async function queueInvitationMail(
  tx: Database,
  meeting: MailMeeting,
  invitees: MailInvitee[],
  kind: InvitationMailKind,
  options: { newTime?: boolean } = {},
): Promise<void> {
  const cancelling = kind === "uninvitation" || kind === "cancellation";
  const method = cancelling ? "CANCEL" : "REQUEST";
  const time = when(meeting);
  const where = [meeting.place, meeting.videoLink].filter(Boolean).join(" · ");
  const { lead, subject: prefix } = WORDING[kind];
  const newTime = kind === "update" && options.newTime ? NEW_TIME : null;
  const subject = prefix ? `${prefix}: ${meeting.title}` : meeting.title;
  for (const invitee of invitees) {
    if (!invitee.email) continue;
    const url = invitationUrl(invitee.invitationId, invitee.linkVersion);
    const lines = [
      lead[0],
      newTime?.[0] ?? null,
      `Tid: ${time.nb}`,
      where ? `Sted: ${where}` : null,
      cancelling ? null : `Svar og se detaljer: ${url}`,
      "",
      lead[1],
      newTime?.[1] ?? null,
      `Time: ${time.en}`,
      where ? `Place: ${where}` : null,
      cancelling ? null : `Reply and see details: ${url}`,
    ].filter((line): line is string => line !== null);
    const ics = invitationCalendar({
      meeting: calendarMeeting(meeting, url),
      organizer: meeting.organizer,
      attendees: [
        {
          name: invitee.name,
          email: invitee.email,
          partstat: invitee.response,
          // Every REQUEST asks for an answer; after a time change the answer was reset first.
          rsvp: !cancelling,
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
      html: textAsHtml(lines.join("\n")),
      // The part's method is read from the calendar itself (RFC 6047 §2.4).
      calendar: calendarPart(ics),
      meetingId: meeting.id,
      invitationId: invitee.invitationId,
    }).catch((error: unknown) => {
      if (!(error instanceof InvalidEmailError)) throw error;
    });
  }
}
