import { redirect } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { getDatabase } from "../../../db/client";
import { offerings, organisations, type WeeklySlot } from "../../../db/schema";
import { auditActor, recordAuditNow } from "../audit/audit.server";
import type { SessionUser } from "../accounts/session.server";
import { scheduleCalendar, type ScheduleCalendarInput } from "../calendar/schedule-ical.server";
import { publicBaseUrl } from "../meetings/invitation-links.server";
import { notFound } from "../access/access.server";
import { calendarContentType } from "../calendar/mime";
import { badRequest, formFields, submittedText, type FieldErrors } from "../../utils/forms.server";
import { formatNorwegianDate } from "./schedule";
import { OSLO, osloDayStart, osloInstants, osloToday } from "../../utils/oslo-time";
import { message, unpackMessage } from "../../utils/validation";
import { translator } from "../../i18n";

/*
 * An offering's schedule as iCalendar (issue 13, ADR 026):
 * - a subscription feed behind the offering's secret feed token, readable without logging in,
 *   with public fields only (title, place, organisation and its contact, the free-text "when",
 *   the offering's description): no contact person. Paused: the series end today and later
 *   dates are left out; retired: an empty calendar, so subscribed calendars drop the events.
 * - a one-off file for a first visit on a chosen date, for signed-in readers, audited.
 */

/** The feed's address, as https and as webcal (which calendar programs open as a subscription). */
export function offeringFeedUrls(feedToken: string): { https: string; webcal: string } {
  const https = new URL(`/offerings/calendar/${feedToken}.ics`, publicBaseUrl()).href;
  return { https, webcal: https.replace(/^https?:/, "webcal:") };
}

type OfferingRow = typeof offerings.$inferSelect;
type OrganisationContact = Pick<
  typeof organisations.$inferSelect,
  "name" | "email" | "phone" | "web"
>;

const offeringUrl = (id: string) => new URL(`/offerings/${id}`, publicBaseUrl()).href;
const hhmm = (time: string) => time.replace(":", "");
const slotUid = (offeringId: string, slot: WeeklySlot) =>
  `offering-${offeringId}-w${slot.weekday}-${hhmm(slot.start)}-${hhmm(slot.end)}@broen`;

/**
 * The DESCRIPTION text: the offering's own description, then organisation and its contact, the
 * free-text "when", paused, and (one-off files only) the contact person. Bokmål with English.
 */
function describe(
  offering: OfferingRow,
  organisation: OrganisationContact,
  withContactPerson: boolean,
): string {
  const lines = [offering.description.trim(), ""];
  lines.push(`Arrangør / Organiser: ${organisation.name}`);
  const contact = [organisation.phone, organisation.email, organisation.web].filter(Boolean);
  if (contact.length > 0) lines.push(`Kontakt / Contact: ${contact.join(" · ")}`);
  if (withContactPerson && offering.contactName) {
    const person = [offering.contactName, offering.contactPhone].filter(Boolean).join(", ");
    lines.push(`Kontaktperson / Contact person: ${person}`);
  }
  if (offering.scheduleNote) lines.push(`Når / When: ${offering.scheduleNote}`);
  if (offering.status === "paused") {
    lines.push("Tilbudet har pause nå. / The offering is paused for now.");
  }
  return lines.join("\n").trim();
}

function common(
  offering: OfferingRow,
  organisation: OrganisationContact,
  withContactPerson: boolean,
): Omit<ScheduleCalendarInput, "series" | "days" | "events" | "name" | "stamp"> {
  return {
    summary: offering.title,
    location: offering.address,
    description: describe(offering, organisation, withContactPerson),
    url: offeringUrl(offering.id),
    organizer: { name: organisation.name, email: organisation.email },
  };
}

/**
 * The feed's calendar for an offering at `now`: each weekly slot as a weekly series from the
 * day the offering was added, each listed date as a whole-day event. Paused: nothing from the
 * start of today (Oslo) on; retired: no events at all.
 */
export function offeringFeedCalendar(
  offering: OfferingRow,
  organisation: OrganisationContact,
  now: Date = new Date(),
): string {
  const today = osloToday(now);
  const paused = offering.status === "paused";
  const retired = offering.status === "retired";
  const until = paused ? osloDayStart(today) : null;
  const from = DateTime.fromJSDate(offering.createdAt, { zone: OSLO }).toISODate()!;
  const suffix = retired ? " (avsluttet / ended)" : paused ? " (pause / paused)" : "";
  return scheduleCalendar({
    ...common(offering, organisation, false),
    name: offering.title + suffix,
    stamp: now,
    series: retired
      ? []
      : offering.weeklySlots.map((slot) => ({
          uid: slotUid(offering.id, slot),
          weekday: slot.weekday,
          start: slot.start,
          end: slot.end,
          from,
          until,
        })),
    days: offering.dates
      .filter((date) => !retired && !(paused && date >= today))
      .map((date) => ({ uid: `offering-${offering.id}-d${date.replace(/-/g, "")}@broen`, date })),
    events: [],
  });
}

/**
 * The feed behind a feed token, for anyone holding the link (no session: calendar programs
 * fetch it). Null for a malformed or unknown token (an old one after renewal included).
 * Not audited: the feed holds no personal data (ADR 026).
 */
export async function offeringFeedByToken(token: string, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await getDatabase()
    .db.select({
      offering: offerings,
      organisation: {
        name: organisations.name,
        email: organisations.email,
        phone: organisations.phone,
        web: organisations.web,
      },
    })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(eq(offerings.feedToken, token))
    .limit(1);
  return row ? offeringFeedCalendar(row.offering, row.organisation, now) : null;
}

/**
 * The one-off form's fields: a date and a weekly slot ("slot-<index>"), or own times on one of
 * the offering's listed dates ("listed") or on any date ("free").
 */
export interface VisitForm {
  date: string;
  time: string;
  start: string;
  end: string;
}

/** How far ahead a first visit can be put in a calendar: two years. */
const VISIT_MAX_DAYS_AHEAD = 731;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Reads "yyyy-mm-dd" (what a date input sends) or "dd.mm.yyyy"; null when neither. */
function readDate(value: string): string | null {
  const norwegian = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value.trim());
  const iso = norwegian
    ? `${norwegian[3]}-${norwegian[2]!.padStart(2, "0")}-${norwegian[1]!.padStart(2, "0")}`
    : value.trim();
  const parsed = DateTime.fromISO(iso, { zone: OSLO });
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && parsed.isValid && parsed.toISODate() === iso
    ? iso
    : null;
}

/**
 * Checks a first-visit choice against the offering at `now`. Returns the visit (date and Oslo
 * times) or field errors (packed messages): a date that does not exist, has passed or is more
 * than two years ahead; a weekly slot on another weekday than the date; "listed" on a date the
 * offering does not list; own times that are not
 * hh:mm, end before start, or a start or end that does not exist or happens twice that day
 * (clock change); a paused or retired offering.
 */
export function checkVisit(
  offering: Pick<OfferingRow, "status" | "weeklySlots" | "dates">,
  form: VisitForm,
  now: Date = new Date(),
): { ok: true; date: string; start: string; end: string } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (offering.status !== "active") {
    errors.form = [message(offering.status === "paused" ? "visit.paused" : "visit.retired")];
    return { ok: false, errors };
  }
  const date = readDate(form.date);
  const today = osloToday(now);
  if (!date) errors.date = [message("visit.error.date")];
  else if (date < today) errors.date = [message("visit.error.past")];
  else if (
    DateTime.fromISO(date, { zone: OSLO }).diff(DateTime.fromISO(today, { zone: OSLO }), "days")
      .days > VISIT_MAX_DAYS_AHEAD
  )
    errors.date = [message("visit.error.farAhead")];
  let start = "";
  let end = "";
  const slotMatch = /^slot-(\d{1,2})$/.exec(form.time);
  const slot = slotMatch ? offering.weeklySlots[Number(slotMatch[1])] : undefined;
  if (slot) {
    ({ start, end } = slot);
    if (date && DateTime.fromISO(date, { zone: OSLO }).weekday !== slot.weekday)
      errors.time = [message("visit.error.weekday")];
  } else if (form.time === "free" || form.time === "listed") {
    if (form.time === "listed" && date && !offering.dates.includes(date))
      errors.date = [
        message("visit.error.notListed", {
          dates: offering.dates.map(formatNorwegianDate).join(", ") || "–",
        }),
      ];
    start = form.start.trim();
    end = form.end.trim();
    if (!CLOCK.test(start)) errors.start = [message("visit.error.clock")];
    if (!CLOCK.test(end)) errors.end = [message("visit.error.clock")];
    else if (CLOCK.test(start) && end <= start) errors.end = [message("visit.error.order")];
  } else errors.time = [message("form.invalidChoice")];
  if (Object.keys(errors).length === 0 && date) {
    // A wall-clock time skipped or repeated at a clock change names no single instant.
    for (const [field, time] of [
      ["start", start],
      ["end", end],
    ] as const) {
      if (time !== "24:00" && osloInstants(date, time).length !== 1)
        errors[slot ? "time" : field] = [message("visit.error.clockChange")];
    }
  }
  if (Object.keys(errors).length > 0 || !date) return { ok: false, errors };
  return { ok: true, date, start, end };
}

/**
 * A one-off calendar file (METHOD:PUBLISH, one event) for a first visit to an offering the user
 * can see, with the contact person's name and phone (the reader sees them on the page). Audited
 * as "offering.calendar". Returns the file, or field errors to show on the page.
 */
export async function visitCalendar(
  user: SessionUser,
  context: { clientIp: string },
  offering: OfferingRow,
  organisation: OrganisationContact,
  form: VisitForm,
  now: Date = new Date(),
): Promise<{ ok: true; ics: string } | { ok: false; errors: FieldErrors }> {
  const visit = checkVisit(offering, form, now);
  if (!visit.ok) return visit;
  const ics = scheduleCalendar({
    ...common(offering, organisation, true),
    name: offering.title,
    stamp: now,
    series: [],
    days: [],
    events: [
      {
        uid: `offering-${offering.id}-visit-${visit.date.replace(/-/g, "")}-${hhmm(visit.start)}@broen`,
        date: visit.date,
        start: visit.start,
        end: visit.end,
      },
    ],
  });
  await recordAuditNow(auditActor(user, context), {
    action: "offering.calendar",
    subjectType: "offering",
    subjectId: offering.id,
    details: { date: visit.date, start: visit.start, end: visit.end },
  });
  return { ok: true, ics };
}

/** An offering of the user's municipality with its organisation's public contact, or null. */
export async function offeringForCalendar(user: SessionUser, offeringId: string) {
  const [row] = await getDatabase()
    .db.select({
      offering: offerings,
      organisation: {
        name: organisations.name,
        email: organisations.email,
        phone: organisations.phone,
        web: organisations.web,
      },
    })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(and(eq(offerings.id, offeringId), eq(offerings.municipalityId, user.municipalityId)))
    .limit(1);
  return row ?? null;
}

const visitForm = (fields: Record<string, string>): VisitForm => ({
  date: (fields.date ?? "").slice(0, 20),
  time: (fields.time ?? "").slice(0, 20),
  start: (fields.start ?? "").slice(0, 20),
  end: (fields.end ?? "").slice(0, 20),
});

/**
 * The offering page's "visit" intent (a posted form): 400 with field errors and the typed values
 * for the page to show, or a redirect to the download (visitDownload) with the checked choice.
 * "Not found" for an offering the user cannot see.
 */
export async function runVisitAction(user: SessionUser, offeringId: string, form: FormData) {
  const row = await offeringForCalendar(user, offeringId);
  if (!row) notFound();
  const fields = visitForm(formFields(form));
  const checked = checkVisit(row.offering, fields);
  if (!checked.ok) {
    return badRequest(checked.errors, { form: "visit" as const, values: submittedText(form, 20) });
  }
  const query = new URLSearchParams({ ...fields });
  return redirect(`/offerings/${offeringId}/visit.ics?${query}`, 303);
}

/**
 * The first-visit file for the choice in `url`'s query (see runVisitAction), as an attachment;
 * a choice that does not hold is 400 with the reasons as text (bokmål, then English).
 */
export async function visitDownload(
  user: SessionUser,
  context: { clientIp: string },
  offeringId: string,
  url: URL,
): Promise<Response> {
  const row = await offeringForCalendar(user, offeringId);
  if (!row) notFound();
  const fields = visitForm(Object.fromEntries(url.searchParams));
  const result = await visitCalendar(user, context, row.offering, row.organisation, fields);
  if (!result.ok) {
    const reasons = (locale: "nb" | "en") =>
      Object.values(result.errors)
        .flat()
        .map((packed) => {
          const { key, values } = unpackMessage(packed);
          return translator(locale)(key, values);
        })
        .join(" ");
    return new Response(`${reasons("nb")}\n\n${reasons("en")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(result.ics, {
    headers: {
      "Content-Type": calendarContentType(result.ics),
      "Content-Disposition": 'attachment; filename="tilbud.ics"',
      "Cache-Control": "no-store",
    },
  });
}
