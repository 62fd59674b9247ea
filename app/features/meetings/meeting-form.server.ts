import { DateTime } from "luxon";
import type { MeetingFormValues } from "./meeting-form";
import { z } from "zod";
import { meetingKinds, type MeetingKind, type NetworkKind } from "../../../db/enums";
import { formFields, submittedText, validate, type FieldErrors } from "../../utils/forms.server";
import { OSLO, osloToday } from "../../utils/oslo-time";
import { message } from "../../utils/validation";
import {
  choice,
  optionalSingleLine,
  requiredDate,
  singleLine,
} from "../../utils/validation.server";

export const NEUTRAL_CALENDAR_TITLE = "Møte – Broen";
const MAX_DURATION_MINUTES = 12 * 60;
const MAX_YEARS_AHEAD = 2;

export interface MeetingInput {
  kind: MeetingKind;
  startsAt: Date;
  durationMinutes: number;
  place: string | null;
  videoLink: string | null;
  internalTitle: string;
  calendarTitle: string;
  detailsInInvites: boolean;
  memberIds: string[];
  leaderIds: string[];
}

export interface SeriesInput {
  everyWeeks: number;
  count: number | null;
  untilRevision: boolean;
}

const Fields = z.object({
  kind: choice(meetingKinds),
  date: requiredDate(),
  time: z
    .string({ error: message("form.required") })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, message("meeting.invalidTime")),
  durationMinutes: z.coerce
    .number({ error: message("meeting.invalidDuration") })
    .int(message("meeting.invalidDuration"))
    .min(15, message("meeting.invalidDuration"))
    .max(MAX_DURATION_MINUTES, message("meeting.tooLong")),
  place: optionalSingleLine(300),
  videoLink: optionalSingleLine(500).refine(
    (value) => value === null || /^https:\/\/[^\s<>"]+$/.test(value),
    message("meeting.invalidVideoLink"),
  ),
  internalTitle: singleLine(200),
  calendarTitle: optionalSingleLine(200),
  detailsInInvites: z.enum(["on"]).optional(),
  repeatEveryWeeks: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine(
      (v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 12),
      message("meeting.invalidRepeat"),
    ),
  repeatCount: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine(
      (v) => v === null || (Number.isInteger(v) && v >= 2 && v <= 26),
      message("meeting.invalidRepeat"),
    ),
  repeatUntilRevision: z.enum(["on"]).optional(),
});

const uuid = z.uuid();

/** Ids from repeated checkboxes: each must be a uuid, and none may repeat. */
function ids(form: FormData, name: string, errors: FieldErrors): string[] {
  const values = form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");
  if (values.some((v) => !uuid.safeParse(v).success))
    errors[name] = [message("form.invalidChoice")];
  else if (new Set(values).size !== values.length)
    errors[name] = [message("meeting.duplicateMember")];
  return values;
}

/**
 * Reads a meeting form. Times are Oslo wall-clock times; a time that does not exist there
 * (the hour skipped when summer time starts) is refused rather than silently moved.
 */
export function parseMeetingForm(
  form: FormData,
  now: Date = new Date(),
):
  | { ok: true; meeting: MeetingInput; series: SeriesInput | null }
  | { ok: false; errors: FieldErrors } {
  const fields = validate(Fields, formFields(form));
  const errors: FieldErrors = fields.ok ? {} : { ...fields.errors };
  const memberIds = ids(form, "memberId", errors);
  const leaderIds = ids(form, "leaderId", errors);
  if (!fields.ok) return { ok: false, errors };
  const v = fields.value;

  const start = DateTime.fromISO(`${v.date}T${v.time}`, { zone: OSLO });
  if (!start.isValid || start.toFormat("HH:mm") !== v.time) {
    errors.time = [message("meeting.timeDoesNotExist")];
  } else if (
    start.toJSDate() > DateTime.fromJSDate(now).plus({ years: MAX_YEARS_AHEAD }).toJSDate()
  ) {
    errors.date = [message("meeting.tooFarAhead")];
  }
  if (!v.place && !v.videoLink) errors.place = [message("meeting.placeRequired")];
  if (leaderIds.length === 0) errors.leaderId = [message("meeting.leaderRequired")];
  const series =
    v.repeatEveryWeeks !== null
      ? {
          everyWeeks: v.repeatEveryWeeks,
          count: v.repeatCount,
          untilRevision: v.repeatUntilRevision === "on",
        }
      : null;
  if (series && series.count === null && !series.untilRevision)
    errors.repeatCount = [message("meeting.invalidRepeat")];
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  return {
    ok: true,
    meeting: {
      kind: v.kind,
      startsAt: start.toJSDate(),
      durationMinutes: v.durationMinutes,
      place: v.place,
      videoLink: v.videoLink,
      internalTitle: v.internalTitle,
      calendarTitle: v.calendarTitle ?? NEUTRAL_CALENDAR_TITLE,
      detailsInInvites: v.detailsInInvites === "on",
      memberIds,
      leaderIds,
    },
    series,
  };
}

/**
 * A new meeting's form: the network's kind of meeting today at 10:00 for 90 minutes, with the
 * members who want invitations and the given leaders.
 */
export function newMeetingValues(
  network: { kind: NetworkKind; members: { id: string; wantsInvited: boolean }[] },
  leaderIds: string[],
) {
  return {
    kind:
      network.kind === "responsibility_group"
        ? ("responsibility_group_meeting" as const)
        : ("network_meeting" as const),
    date: osloToday(),
    time: "10:00",
    durationMinutes: 90,
    place: "",
    videoLink: "",
    internalTitle: "",
    calendarTitle: NEUTRAL_CALENDAR_TITLE,
    detailsInInvites: false,
    memberIds: network.members.filter((m) => m.wantsInvited).map((m) => m.id),
    leaderIds,
  } satisfies MeetingFormValues;
}

/** The wall-clock date and time of an instant in Oslo, for form fields. */
export function osloDateTime(instant: Date): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone: OSLO });
  return { date: local.toISODate()!, time: local.toFormat("HH:mm") };
}

/** The meeting form as typed (see submittedText), with its checkboxes, to show it again. */
export function submittedMeetingValues(form: FormData): MeetingFormValues {
  const text = submittedText(form);
  const all = (name: string) =>
    form
      .getAll(name)
      .filter((v): v is string => typeof v === "string")
      .slice(0, 200);
  const duration = Number(text.durationMinutes);
  return {
    kind: text.kind ?? "",
    date: text.date ?? "",
    time: text.time ?? "",
    durationMinutes: Number.isFinite(duration) ? duration : 0,
    place: text.place ?? "",
    videoLink: text.videoLink ?? "",
    internalTitle: text.internalTitle ?? "",
    calendarTitle: text.calendarTitle ?? "",
    detailsInInvites: text.detailsInInvites === "on",
    memberIds: all("memberId"),
    leaderIds: all("leaderId"),
  };
}
