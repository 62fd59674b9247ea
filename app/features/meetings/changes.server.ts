import { once, type FormClaim } from "../forms/once.server";
import crypto from "node:crypto";
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { DateTime } from "luxon";
import { getDatabase, type Database } from "../../../db/client";
import {
  invitations,
  meetingLeaders,
  meetingSeries,
  meetings,
  networkMembers,
  networks,
  persons,
} from "../../../db/schema";
import { OSLO } from "../../utils/oslo-time";
import { networkAccess, notFound } from "../access/access.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import type { MeetingInput, SeriesInput } from "./meeting-form.server";
import { invitees, loadMailMeeting, queueInvitationMail } from "./mail.server";
import { announceMeetingSave } from "./updates.server";
import { chosenLeaders, leaderChoices } from "../accounts/choices.server";
import type { SessionUser } from "../accounts/session.server";
import {
  EDITABLE,
  MeetingCancelledError,
  MeetingChoiceError,
  managedMeeting,
  snapshotOf,
  type MeetingSnapshot,
} from "./meetings.server";
import { announceAccessChange } from "../access/access-events.server";
import { personFirstName } from "../networks/person-member.server";

import { inviteMembers, newInvitations } from "./invitations.server";

type Context = { clientIp: string };

/* Changes to meetings: planning, editing, cancelling and (un)inviting, each with its e-mails. */

/** At most this many meetings in one series (a half year of weekly meetings). */
export const MAX_SERIES = 26;

/** The network a meeting is planned in, with what planning needs; the user must manage it. */
async function managedNetwork(user: SessionUser, networkId: string) {
  const access = await networkAccess(user, networkId);
  if (access.level !== "manage") notFound();
  const { db } = getDatabase();
  const [network] = await db
    .select({
      id: networks.id,
      kind: networks.kind,
      planRevisionOn: networks.planRevisionOn,
      personName: persons.name,
      personPreferredName: persons.preferredName,
      personId: persons.id,
    })
    .from(networks)
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(eq(networks.id, networkId));
  // The person first ("Inviter Siri", ticked by default; ADR 013), then the others by name.
  const rows = await db
    .select({
      id: networkMembers.id,
      name: networkMembers.name,
      wantsInvited: networkMembers.wantsInvited,
      userId: networkMembers.userId,
      isPerson: networkMembers.isPerson,
    })
    .from(networkMembers)
    .where(and(eq(networkMembers.networkId, networkId), isNull(networkMembers.removedAt)))
    .orderBy(desc(networkMembers.isPerson), asc(networkMembers.name));
  const firstName = personFirstName({
    name: network!.personName,
    preferredName: network!.personPreferredName,
  });
  const members = rows.map((m) => (m.isPerson ? { ...m, name: firstName } : m));
  return { ...network!, members, leaderChoices: await leaderChoices(user.municipalityId) };
}

/**
 * What planning a meeting in a network the user manages needs: the network, its current
 * members (the person first, named by their first name, `isPerson`), and the leaders to choose.
 * Throws the 404 answer when the user does not manage it.
 */
export async function planningChoices(user: SessionUser, networkId: string) {
  return managedNetwork(user, networkId);
}

/** Members must be current members of the network; leaders, users who can lead (any number). */
async function checkChoices(
  network: Awaited<ReturnType<typeof managedNetwork>>,
  municipalityId: string,
  input: MeetingInput,
) {
  if (!input.memberIds.every((id) => network.members.some((m) => m.id === id)))
    throw new MeetingChoiceError("memberId");
  await chosenLeaders(
    municipalityId,
    input.leaderIds,
    { min: 0, max: Infinity },
    network.leaderChoices,
  );
}

/** Start times of a series: every N weeks at the same Oslo wall-clock time. */
function seriesStarts(first: Date, series: SeriesInput | null, revisionOn: string | null): Date[] {
  if (!series) return [first];
  const start = DateTime.fromJSDate(first, { zone: OSLO });
  const until = series.untilRevision
    ? revisionOn
      ? DateTime.fromISO(revisionOn, { zone: OSLO }).endOf("day")
      : null
    : null;
  if (series.untilRevision && !until) throw new MeetingChoiceError("repeat");
  const starts: Date[] = [];
  for (let i = 0; i < MAX_SERIES; i++) {
    const next = start.plus({ weeks: series.everyWeeks * i });
    if (series.count !== null && i >= series.count) break;
    if (until && next > until) break;
    starts.push(next.toJSDate());
  }
  return starts;
}

/**
 * Writes one planned meeting in `tx`: the meeting, its leaders, an invitation per member, the
 * invitation e-mails (outbox) and the audit row `meeting.create` (with `details`). Returns its
 * id. The caller has checked the choices and holds the transaction.
 */
export async function insertMeeting(
  tx: Database,
  user: SessionUser,
  context: Context,
  meeting: {
    networkId: string;
    personId: string;
    seriesId: string | null;
    input: MeetingInput;
    details: Record<string, unknown>;
  },
): Promise<string> {
  const id = crypto.randomUUID();
  const { memberIds, leaderIds, ...fields } = meeting.input;
  await tx.insert(meetings).values({
    ...fields,
    id,
    networkId: meeting.networkId,
    seriesId: meeting.seriesId,
    icalUid: `${id}@broen`,
    createdByUserId: user.id,
    updatedByUserId: user.id,
  });
  await tx.insert(meetingLeaders).values(leaderIds.map((userId) => ({ meetingId: id, userId })));
  if (memberIds.length > 0)
    await tx
      .insert(invitations)
      .values(newInvitations(id, memberIds, fields.startsAt, fields.durationMinutes));
  await queueInvitationMail(
    tx,
    await loadMailMeeting(tx, id),
    await invitees(tx, id),
    "invitation",
  );
  await recordAudit(
    auditActor(user, context),
    {
      action: "meeting.create",
      subjectType: "meeting",
      subjectId: id,
      personId: meeting.personId,
      details: { invitees: memberIds.length, ...meeting.details },
    },
    tx,
  );
  return id;
}

/**
 * Creates one meeting, or a series; invitations go to the outbox in the same transaction.
 * Returns the meetings' ids, first first. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function createMeetings(
  user: SessionUser,
  context: Context,
  networkId: string,
  input: MeetingInput,
  series: SeriesInput | null,

  claim?: FormClaim,
): Promise<string[]> {
  const network = await managedNetwork(user, networkId);
  await checkChoices(network, user.municipalityId, input);
  const starts = seriesStarts(input.startsAt, series, network.planRevisionOn);
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const [seriesRow] = series
        ? await tx
            .insert(meetingSeries)
            .values({
              networkId,
              everyWeeks: series.everyWeeks,
              count: series.count,
              untilOn: series.untilRevision ? network.planRevisionOn : null,
            })
            .returning({ id: meetingSeries.id })
        : [undefined];
      const ids: string[] = [];
      for (const startsAt of starts) {
        ids.push(
          await insertMeeting(tx, user, context, {
            networkId,
            personId: network.personId,
            seriesId: seriesRow?.id ?? null,
            input: { ...input, startsAt },
            details: { series: !!seriesRow },
          }),
        );
      }
      return ids;
    }),
  );
}

export type UpdateResult =
  { ok: true } | { ok: false; changedByOthers: (typeof EDITABLE)[number][] };

/**
 * Saves an edit made from `expectedVersion`. If someone saved in between, nothing is written
 * and the answer names the fields they changed (compared with what this editor started from).
 */
export async function updateMeeting(
  user: SessionUser,
  context: Context,
  meetingId: string,
  edit: {
    expectedVersion: number;
    startedFrom: Partial<MeetingSnapshot> | null;
    input: MeetingInput;
  },
): Promise<UpdateResult> {
  const network = await managedNetwork(user, (await managedMeeting(user, meetingId)).networkId);
  await checkChoices(network, user.municipalityId, edit.input);
  return getDatabase().db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(meetings)
      .where(eq(meetings.id, meetingId))
      .for("update");
    if (!current) notFound();
    if (current.status === "cancelled") throw new MeetingCancelledError();
    if (current.version !== edit.expectedVersion) {
      const now = snapshotOf(current);
      const changed = EDITABLE.filter(
        (field) => !edit.startedFrom || edit.startedFrom[field] !== now[field],
      );
      return { ok: false, changedByOthers: changed };
    }
    const { memberIds, leaderIds, ...fields } = edit.input;
    const edited = { was: snapshotOf(current), is: snapshotOf({ ...current, ...fields }) };
    const changed = EDITABLE.filter((field) => edited.was[field] !== edited.is[field]);
    // What calendars showed before anything is written (ADR 011).
    const before = await loadMailMeeting(tx, meetingId);

    const existing = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.meetingId, meetingId), isNull(invitations.revokedAt)));
    const removed = existing.filter((i) => !memberIds.includes(i.memberId));
    const added = memberIds.filter((id) => !existing.some((i) => i.memberId === id));

    await tx
      .update(meetings)
      .set({
        ...fields,
        version: current.version + 1,
        updatedAt: new Date(),
        updatedByUserId: user.id,
      })
      .where(eq(meetings.id, meetingId));
    await tx.delete(meetingLeaders).where(eq(meetingLeaders.meetingId, meetingId));
    await tx.insert(meetingLeaders).values(leaderIds.map((userId) => ({ meetingId, userId })));
    if (removed.length > 0) {
      await tx
        .update(invitations)
        .set({ revokedAt: new Date() })
        .where(
          inArray(
            invitations.id,
            removed.map((i) => i.id),
          ),
        );
    }
    const invited = await inviteMembers(
      tx,
      meetingId,
      added,
      fields.startsAt,
      fields.durationMinutes,
    );
    const announced = await announceMeetingSave(tx, {
      meetingId,
      before,
      invited: invited.invitationIds,
      reinvited: invited.reinvited,
      uninvited: removed.map((i) => i.id),
    });
    await recordAudit(
      auditActor(user, context),
      {
        action: "meeting.update",
        subjectType: "meeting",
        subjectId: meetingId,
        personId: network.personId,
        details: {
          changed,
          calendarChanged: announced.calendarChanged,
          added: added.length,
          removed: removed.length,
          sequence: announced.sequence,
          // The answers given for the old time, kept here as well as in the invitations.
          ...(announced.answersReset.length > 0 ? { answersReset: announced.answersReset } : {}),
        },
      },
      tx,
    );
    if (removed.length > 0) await announceAccessChange(tx, { personId: network.personId });
    return { ok: true };
  });
}

/** Cancels a meeting: everyone invited gets a CANCEL with the same UID and a higher SEQUENCE. */
export async function cancelMeeting(
  user: SessionUser,
  context: Context,
  meetingId: string,
): Promise<void> {
  const network = await managedNetwork(user, (await managedMeeting(user, meetingId)).networkId);
  await getDatabase().db.transaction(async (tx) => {
    await cancelInTransaction(tx, user, context, meetingId, network.personId);
    await announceAccessChange(tx, { personId: network.personId });
  });
}

/**
 * Cancels `meetingId` in `tx` (the caller checked that `user` manages it and announces the
 * access change): status, SEQUENCE and version raised, a CANCEL to every invitee through the
 * outbox, audited as `meeting.cancel` with `details`. Throws MeetingCancelledError when it is
 * already cancelled.
 */
export async function cancelInTransaction(
  tx: Database,
  user: SessionUser,
  context: Context,
  meetingId: string,
  personId: string,
  details?: Record<string, unknown>,
): Promise<void> {
  const [current] = await tx
    .select()
    .from(meetings)
    .where(eq(meetings.id, meetingId))
    .for("update");
  if (!current || current.status === "cancelled") throw new MeetingCancelledError();
  await tx
    .update(meetings)
    .set({
      status: "cancelled",
      cancelledAt: new Date(),
      sequence: current.sequence + 1,
      version: current.version + 1,
      updatedAt: new Date(),
      updatedByUserId: user.id,
    })
    .where(eq(meetings.id, meetingId));
  await queueInvitationMail(
    tx,
    await loadMailMeeting(tx, meetingId),
    await invitees(tx, meetingId),
    "cancellation",
  );
  await recordAudit(
    auditActor(user, context),
    { action: "meeting.cancel", subjectType: "meeting", subjectId: meetingId, personId, details },
    tx,
  );
}
