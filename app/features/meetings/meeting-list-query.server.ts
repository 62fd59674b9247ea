import { DateTime } from "luxon";
import { z } from "zod";
import { meetingKinds } from "../../../db/enums";
import { validate } from "../../utils/forms.server";
import { OSLO } from "../../utils/oslo-time";
import { message } from "../../utils/validation";
import { optionalChoice, optionalDate, optionalUuid } from "../../utils/validation.server";

/** Meetings per page in the list view. */
export const MEETINGS_PAGE_SIZE = 50;

const MeetingListQuery = z.object({
  view: optionalChoice(["list", "week", "month"] as const),
  tab: optionalChoice(["upcoming", "past", "cancelled"] as const),
  network: optionalUuid(),
  kind: optionalChoice(meetingKinds),
  date: optionalDate(),
  page: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : 1))
    .refine((v) => Number.isInteger(v) && v >= 1 && v <= 1000, message("form.invalidChoice")),
});

/** The meetings page's query string: view, tab, filters, the date shown and the list page. */
export function parseMeetingListQuery(url: URL) {
  return validate(MeetingListQuery, Object.fromEntries(url.searchParams));
}

/**
 * The whole weeks the week or month view of `date` (today in Oslo when absent) shows: as
 * yyyy-mm-dd for the page and as instants for the query.
 */
export function calendarRange(view: "week" | "month", date: string | null) {
  const anchor = DateTime.fromISO(date ?? DateTime.now().setZone(OSLO).toISODate()!, {
    zone: OSLO,
  });
  const start = view === "week" ? anchor.startOf("week") : anchor.startOf("month").startOf("week");
  const end =
    view === "week"
      ? start.plus({ weeks: 1 })
      : anchor.endOf("month").endOf("week").plus({ milliseconds: 1 });
  return {
    range: { from: start.toISODate()!, to: end.toISODate()!, anchor: anchor.toISODate()! },
    from: start.toJSDate(),
    to: end.toJSDate(),
  };
}
