import { DateTime } from "luxon";
import type { MeetingFormValues } from "./meeting-form";
import { z } from "zod";
import { meetingKinds, type MeetingKind, type NetworkKind } from "../../../db/enums";
import { formFields, submittedText, validate, type FieldErrors } from "../../utils/forms.server";
import {
  formatUtcOffset,
  OSLO,
  osloInstants,
  osloOccursTwice,
  osloToday,
} from "../../utils/oslo-time";
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
/** As changes.server.ts: a series has at most this many meetings. */
const MAX_SERIES = 26;

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
  /** Which of two instants a wall-clock time in autumn's repeated hour means: "+02:00"/"+01:00". */
  utcOffset: z.string().max(6).optional(),
  /** The leader's "yes, it was held then", asked once a start time has passed. */
  pastConfirmed: z.enum(["on"]).optional(),
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
 * (the hour skipped when summer time starts) is refused rather than silently moved, and a time
 * that happens twice (the hour repeated when it ends) needs the leader to say which one they
 * mean (`utcOffset`, offered by the form once it is needed): Broen never guesses, so what it
 * stores is what the e-mail says and the calendar file means (docs/decisions/005).
 *
 * A start before `now` is neither refused nor taken silently (a meeting held earlier may be
 * registered afterwards): it gives the error `pastConfirmed` until the leader ticks that box.
 * On an edit, `unchangedStart` (the start the editor began from) is not asked about again.
 */
export function parseMeetingForm(
  form: FormData,
  now: Date = new Date(),
  unchangedStart: Date | null = null,
):
  | { ok: true; meeting: MeetingInput; series: SeriesInput | null }
  | { ok: false; errors: FieldErrors } {
  const fields = validate(Fields, formFields(form));
  const errors: FieldErrors = fields.ok ? {} : { ...fields.errors };
  const memberIds = ids(form, "memberId", errors);
  const leaderIds = ids(form, "leaderId", errors);
  if (!fields.ok) return { ok: false, errors };
  const v = fields.value;

  const instants = osloInstants(v.date, v.time);
  const start =
    instants.length === 1
      ? instants[0]!.instant
      : (instants.find((i) => formatUtcOffset(i.offset) === v.utcOffset)?.instant ?? null);
  if (instants.length === 0) errors.time = [message("meeting.timeDoesNotExist")];
  else if (!start) errors.utcOffset = [message("meeting.timeOccursTwice")];
  else if (start > DateTime.fromJSDate(now).plus({ years: MAX_YEARS_AHEAD }).toJSDate()) {
    errors.date = [message("meeting.tooFarAhead")];
  }
  if (
    start &&
    start < now &&
    v.pastConfirmed !== "on" &&
    start.getTime() !== unchangedStart?.getTime()
  ) {
    errors.pastConfirmed = [message("meeting.inPast")];
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
  // Later meetings of a series keep the wall-clock time (changes.server.ts); one that would fall
  // in a skipped or repeated hour would be moved or guessed, so the series is refused instead.
  const clash = series ? seriesClockChange(v.date, v.time, series) : null;
  if (clash) errors.repeatEveryWeeks = [message("meeting.seriesClockChange", { date: clash })];
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  return {
    ok: true,
    meeting: {
      kind: v.kind,
      startsAt: start!,
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

/** The first later date of a series on which its wall-clock time is skipped or repeated. */
function seriesClockChange(date: string, time: string, series: SeriesInput): string | null {
  const first = DateTime.fromISO(date, { zone: OSLO });
  const count = Math.min(series.count ?? MAX_SERIES, MAX_SERIES);
  for (let i = 1; i < count; i++) {
    const day = first.plus({ weeks: series.everyWeeks * i }).toISODate()!;
    if (osloInstants(day, time).length !== 1) return day;
  }
  return null;
}

/** What the form needs to ask which of two instants a time means, when it means two. */
export interface OffsetChoice {
  /** The UTC offset, "+02:00" or "+01:00": the value the form sends back. */
  value: string;
  summerTime: boolean;
}

/** The choices for a date and time in autumn's repeated hour, earliest first; none otherwise. */
export function offsetChoices(date: string, time: string): OffsetChoice[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return [];
  const instants = osloInstants(date, time);
  if (instants.length < 2) return [];
  return instants.map((i) => ({ value: formatUtcOffset(i.offset), summerTime: i.summerTime }));
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
    utcOffset: "",
    offsetChoices: [],
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

/**
 * The wall-clock date and time of an instant in Oslo, for form fields, with which of the two
 * instants it is when that time happens twice (so saving the form again keeps the instant).
 */
export function osloDateTime(instant: Date): {
  date: string;
  time: string;
  utcOffset: string;
  offsetChoices: OffsetChoice[];
} {
  const local = DateTime.fromJSDate(instant, { zone: OSLO });
  const date = local.toISODate()!;
  const time = local.toFormat("HH:mm");
  return {
    date,
    time,
    utcOffset: osloOccursTwice(instant) ? formatUtcOffset(local.offset) : "",
    offsetChoices: offsetChoices(date, time),
  };
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
    utcOffset: text.utcOffset ?? "",
    offsetChoices: offsetChoices(text.date ?? "", text.time ?? ""),
    durationMinutes: Number.isFinite(duration) ? duration : 0,
    place: text.place ?? "",
    videoLink: text.videoLink ?? "",
    internalTitle: text.internalTitle ?? "",
    calendarTitle: text.calendarTitle ?? "",
    detailsInInvites: text.detailsInInvites === "on",
    pastConfirmed: text.pastConfirmed === "on",
    memberIds: all("memberId"),
    leaderIds: all("leaderId"),
  };
}
