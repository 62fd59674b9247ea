import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { invitations, meetings, networks } from "../../../db/schema";
import { resetAnswers, type ResetAnswer } from "./answers.server";
import { linkExpiry } from "./invitation-links.server";
import {
  invitees,
  loadMailMeeting,
  queueInvitationMail,
  type InvitationMailKind,
  type MailMeeting,
} from "./mail.server";

/*
 * What a saved change means for the invitees' calendars (ADR 011): whether SEQUENCE rises,
 * whether answers still hold, and which e-mail each member gets. Every change that can alter
 * what a calendar shows (editing a meeting, inviting and uninviting, renaming the person)
 * ends in announceMeetingSave, so the rules live here once.
 */

/**
 * Everything a calendar shows of a meeting — the invitation e-mail and its calendar part, the
 * invitation page and calendar file, the subscription feed — derived from what is stored.
 * The one list: a save that changes any of these is an update for every invitee.
 */
export const CALENDAR_SHOWS = [
  "title",
  "feedTitle",
  "startsAt",
  "endsAt",
  "place",
  "videoLink",
  "organizer",
  "leaders",
] as const;
export type CalendarField = (typeof CALENDAR_SHOWS)[number];

/** After a change of these, earlier answers no longer hold. */
const TIME: readonly CalendarField[] = ["startsAt", "endsAt"];

export function calendarView(meeting: MailMeeting): Record<CalendarField, string> {
  const end = new Date(meeting.startsAt.getTime() + meeting.durationMinutes * 60_000);
  return {
    title: meeting.title,
    feedTitle: meeting.feedTitle,
    startsAt: meeting.startsAt.toISOString(),
    endsAt: end.toISOString(),
    place: meeting.place ?? "",
    videoLink: meeting.videoLink ?? "",
    organizer: `${meeting.organizer.name} <${meeting.organizer.email}>`,
    leaders: JSON.stringify(meeting.leaders),
  };
}

/** The fields of CALENDAR_SHOWS that differ between two states of one meeting. */
export function calendarChanges(before: MailMeeting, after: MailMeeting): CalendarField[] {
  const a = calendarView(before);
  const b = calendarView(after);
  return CALENDAR_SHOWS.filter((field) => a[field] !== b[field]);
}

export const timeChanged = (changed: readonly CalendarField[]) =>
  changed.some((field) => TIME.includes(field));

export interface SaveOutcome {
  /** The invitations current after the save. */
  current: string[];
  /** Invited in this save, for the first time or again after being uninvited. */
  invited: string[];
  /** Uninvited in this save (the meeting goes on). */
  uninvited: string[];
  /** What calendars show that this save changed. */
  calendarChanged: readonly CalendarField[];
}

/**
 * Which e-mail each member gets from one save; the one place this is decided. A member
 * invited in this save gets an invitation whatever else changed; one uninvited gets an
 * uninvitation; everyone else still invited gets an update when what calendars show changed,
 * and nothing otherwise. (Cancelling the whole meeting sends every invitee a cancellation.)
 */
export function mailPlan(save: SaveOutcome): Map<string, InvitationMailKind> {
  const plan = new Map<string, InvitationMailKind>();
  const changed = save.calendarChanged.length > 0;
  for (const id of save.current) {
    if (save.invited.includes(id)) plan.set(id, "invitation");
    else if (changed) plan.set(id, "update");
  }
  for (const id of save.uninvited) plan.set(id, "uninvitation");
  return plan;
}

/**
 * SEQUENCE rises when what calendars show changed, when someone is uninvited (their CANCEL must
 * outrank the REQUEST they hold) and when someone uninvited earlier is invited again (their
 * REQUEST must outrank the CANCEL they hold). A plain first invitation needs no rise: each
 * member's calendar part lists only that member.
 */
export function raisesSequence(
  save: Pick<SaveOutcome, "uninvited" | "calendarChanged">,
  reinvited: number,
): boolean {
  return save.calendarChanged.length > 0 || save.uninvited.length > 0 || reinvited > 0;
}

export interface MeetingSave {
  meetingId: string;
  /** loadMailMeeting() before the save wrote anything. */
  before: MailMeeting;
  invited?: string[];
  /** How many of `invited` had been uninvited before. */
  reinvited?: number;
  uninvited?: string[];
}

/**
 * Announces a save that has been written (in `tx`): compares what calendars show with `before`,
 * raises SEQUENCE, resets answers and moves link expiry when the time changed, and queues each
 * member's e-mail (mailPlan). Returns what the audit entry of the change should record.
 */
export async function announceMeetingSave(
  tx: Database,
  save: MeetingSave,
): Promise<{
  calendarChanged: CalendarField[];
  sequence: number;
  answersReset: ResetAnswer[];
}> {
  const invited = save.invited ?? [];
  const uninvited = save.uninvited ?? [];
  const written = await loadMailMeeting(tx, save.meetingId);
  const calendarChanged = calendarChanges(save.before, written);
  let sequence = written.sequence;
  if (raisesSequence({ uninvited, calendarChanged }, save.reinvited ?? 0)) {
    const [raised] = await tx
      .update(meetings)
      .set({ sequence: sql`${meetings.sequence} + 1` })
      .where(eq(meetings.id, save.meetingId))
      .returning({ sequence: meetings.sequence });
    sequence = raised!.sequence;
  }
  const newTime = timeChanged(calendarChanged);
  let answersReset: ResetAnswer[] = [];
  if (newTime) {
    answersReset = await resetAnswers(tx, save.meetingId, save.before);
    await tx
      .update(invitations)
      .set({ expiresAt: linkExpiry(written.startsAt, written.durationMinutes) })
      .where(eq(invitations.meetingId, save.meetingId));
  }
  const meeting = { ...written, sequence };
  const current = await invitees(tx, save.meetingId);
  const plan = mailPlan({
    current: current.map((i) => i.invitationId),
    invited,
    uninvited,
    calendarChanged,
  });
  const gone = await invitees(tx, save.meetingId, uninvited);
  for (const kind of ["invitation", "update", "uninvitation"] as const) {
    const to = [...current, ...gone].filter((i) => plan.get(i.invitationId) === kind);
    if (to.length > 0) await queueInvitationMail(tx, meeting, to, kind, { newTime });
  }
  return { calendarChanged, sequence, answersReset };
}

/**
 * The person's scheduled meetings that have not ended, as calendars show them now, locked for
 * the rest of `tx`. For changes outside the meeting that calendars may show (the person's name,
 * when a leader chose to show it): read these first, write, then announce each with
 * announceMeetingSave. Returns the announced meeting ids whose calendars changed.
 */
export async function announcePersonChange(
  tx: Database,
  personId: string,
  write: () => Promise<void>,
): Promise<string[]> {
  const coming = await tx
    .select({ id: meetings.id })
    .from(meetings)
    .innerJoin(networks, eq(networks.id, meetings.networkId))
    .where(
      and(
        eq(networks.personId, personId),
        eq(meetings.status, "scheduled"),
        sql`${meetings.startsAt} + ${meetings.durationMinutes} * interval '1 minute' > now()`,
      ),
    )
    // One lock order everywhere meetings are locked together, so two changes cannot deadlock.
    .orderBy(asc(meetings.id))
    .for("update", { of: meetings });
  const before = [];
  for (const { id } of coming) before.push(await loadMailMeeting(tx, id));
  await write();
  const changed: string[] = [];
  for (const meeting of before) {
    const announced = await announceMeetingSave(tx, { meetingId: meeting.id, before: meeting });
    if (announced.calendarChanged.length > 0) changed.push(meeting.id);
  }
  return changed;
}
