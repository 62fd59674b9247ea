import { data, redirect } from "@remix-run/node";
import { LeaderChoiceError } from "../accounts/choices.server";
import type { SessionUser } from "../accounts/session.server";
import { notFound } from "../access/access.server";
import { badRequest, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { intentForm } from "../../utils/validation.server";
import { cancelMeeting, planningChoices, updateMeeting } from "./changes.server";
import { osloDateTime, parseMeetingForm, submittedMeetingValues } from "./meeting-form.server";
import { MeetingVersion, startedFrom } from "./meeting-page-form.server";
import {
  MeetingCancelledError,
  MeetingChoiceError,
  snapshotOf,
  viewMeeting,
} from "./meetings.server";

/*
 * Changing a meeting's time, place or invitees, and cancelling it (issue 11): a page of its own
 * (/meetings/<id>/edit), so the meeting page stays a calm workspace. The rules are those the
 * form had on the meeting page: a version check against changes by others, the past-time
 * confirmation, updates and e-mail to the invitees, audit (changes.server.ts).
 */

type Context = { clientIp: string };

/** The buttons of the edit page. */
export const MeetingEditIntent = intentForm(["update", "cancel"]);

/** Where the meeting page shows what was done on the edit page (`?changed=`). */
export const CHANGED_NOTICE = { saved: "meeting.saved", cancelled: "meeting.cancelled" } as const;

const backToMeeting = (meetingId: string, changed: keyof typeof CHANGED_NOTICE) =>
  redirect(`/meetings/${meetingId}?changed=${changed}#changed`);

/**
 * What the edit page shows: the meeting (its header facts), the form's values as stored, the
 * network's current members and the users who can lead. Reading it is logged as a view of
 * the meeting (viewMeeting). Throws the 404 answer unless the user manages the meeting's
 * network, as the meeting page does for one who may not see it.
 */
export async function meetingEditPage(user: SessionUser, context: Context, meetingId: string) {
  const view = await viewMeeting(user, context, meetingId);
  if (!view.manage) notFound();
  const m = view.meeting;
  const planning = await planningChoices(user, m.networkId);
  // With which of two instants a time in autumn's repeated hour is (osloDateTime).
  const { date, time, utcOffset, offsetChoices } = osloDateTime(m.startsAt);
  return {
    meeting: {
      id: m.id,
      kind: m.kind,
      title: m.internalTitle,
      startsAt: m.startsAt.toISOString(),
      status: m.status,
      personName: view.personName,
    },
    members: planning.members.map(({ id, name, isPerson }) => ({ id, name, isPerson })),
    leaders: planning.leaderChoices,
    hidden: { version: String(m.version), startedFrom: JSON.stringify(snapshotOf(m)) },
    values: {
      kind: m.kind,
      date,
      time,
      utcOffset,
      offsetChoices,
      durationMinutes: m.durationMinutes,
      place: m.place ?? "",
      videoLink: m.videoLink ?? "",
      internalTitle: m.internalTitle,
      calendarTitle: m.calendarTitle,
      detailsInInvites: m.detailsInInvites,
      memberIds: view.invited.map((i) => i.memberId),
      leaderIds: view.leaders.map((l) => l.id),
    },
  };
}

/**
 * Handles a post to the edit page by one who may manage the meeting (the route checks the
 * permission; changes.server.ts the network). `update` saves the form, `cancel` cancels the
 * meeting; both redirect to the meeting page with `?changed=` on success. Returns 400 with the
 * field errors and the submitted values for bad input, 409 with the changed fields when someone
 * else saved since the form was filled in. Throws the 404 answer for a meeting the user does not
 * manage.
 */
export async function changeMeeting(
  manager: SessionUser,
  context: Context,
  meetingId: string,
  form: FormData,
) {
  const fields = formFields(form);
  const intent = validate(MeetingEditIntent, fields);
  if (!intent.ok) return badRequest(intent.errors);
  try {
    if (intent.value.intent === "cancel") {
      await cancelMeeting(manager, context, meetingId);
      return backToMeeting(meetingId, "cancelled");
    }
    const values = submittedMeetingValues(form);
    const version = validate(MeetingVersion, fields);
    const begunFrom = startedFrom(fields.startedFrom);
    // A past start the editor began from was confirmed already (or is the meeting held): only
    // a change to a past time asks again.
    const keptStart = begunFrom?.startsAt ? new Date(begunFrom.startsAt) : null;
    const parsed = parseMeetingForm(form, new Date(), keptStart);
    if (!version.ok || !parsed.ok) {
      return badRequest(
        { ...(version.ok ? {} : version.errors), ...(parsed.ok ? {} : parsed.errors) },
        { values },
      );
    }
    try {
      const result = await updateMeeting(manager, context, meetingId, {
        expectedVersion: version.value.version,
        startedFrom: begunFrom,
        input: parsed.meeting,
      });
      if (!result.ok) {
        return data(
          { ok: false as const, conflict: result.changedByOthers, errors: undefined },
          { status: 409 },
        );
      }
    } catch (error) {
      if (error instanceof LeaderChoiceError) {
        return badRequest({ leaderId: [message("meeting.unknownLeader")] }, { values });
      }
      if (error instanceof MeetingChoiceError) {
        return badRequest(
          {
            [error.field]: [
              message(
                error.field === "memberId" ? "meeting.unknownMember" : "meeting.noRevisionDate",
              ),
            ],
          },
          { values },
        );
      }
      throw error;
    }
    return backToMeeting(meetingId, "saved");
  } catch (error) {
    if (error instanceof MeetingCancelledError) {
      return badRequest({ intent: [message("meeting.alreadyCancelled")] });
    }
    throw error;
  }
}
