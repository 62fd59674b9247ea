import type { offerings, organisations } from "../../../db/schema";
import { submittedText } from "../../utils/forms.server";
import { costText } from "./labels";
import type { OfferingFormValues } from "./offering-form";
import type { OrganisationFormValues } from "./organisation-form";
import { formatNorwegianDate, formatWeeklySlots } from "./schedule";

/*
 * The forms' values: a new offering's, a saved one's (for editing), and what was posted (to
 * show a refused form again as typed).
 */

/** A new offering: active, no referral needed, for the only organisation when there is one. */
export function newOfferingValues(organisationIds: string[]): OfferingFormValues {
  return {
    organisationId: organisationIds.length === 1 ? organisationIds[0]! : "",
    title: "",
    description: "",
    category: "social_meeting_place",
    status: "active",
    lifeAreas: [],
    chime: [],
    weeklySlots: "",
    dates: "",
    scheduleNote: "",
    address: "",
    accessibilityNotes: "",
    cost: "",
    noReferral: true,
    welcomeWhileUsing: false,
    wheelchairAccessible: false,
    waitingList: false,
    languages: ["nb"],
    ageMin: "",
    ageMax: "",
    capacity: "",
    contactName: "",
    contactPhone: "",
    contactEmail: "",
  };
}

const text = (value: string | number | null) => (value === null ? "" : String(value));

/** A saved offering as the form shows it. */
export function offeringValues(
  row: Omit<typeof offerings.$inferSelect, "searchVector" | "searchText">,
): OfferingFormValues {
  return {
    organisationId: row.organisationId,
    title: row.title,
    description: row.description,
    category: row.category,
    status: row.status,
    lifeAreas: row.lifeAreas,
    chime: row.chime,
    weeklySlots: formatWeeklySlots(row.weeklySlots),
    dates: row.dates.map(formatNorwegianDate).join(", "),
    scheduleNote: text(row.scheduleNote),
    address: text(row.address),
    accessibilityNotes: text(row.accessibilityNotes),
    cost: costText(row.costOre),
    noReferral: row.noReferral,
    welcomeWhileUsing: row.welcomeWhileUsing,
    wheelchairAccessible: row.wheelchairAccessible,
    waitingList: row.waitingList,
    languages: row.languages,
    ageMin: text(row.ageMin),
    ageMax: text(row.ageMax),
    capacity: text(row.capacity),
    contactName: text(row.contactName),
    contactPhone: text(row.contactPhone),
    contactEmail: text(row.contactEmail),
  };
}

const list = (form: FormData, name: string) =>
  form
    .getAll(name)
    .filter((v): v is string => typeof v === "string")
    .slice(0, 50);

/** The offering form as posted (see submittedText), to show it again after a refusal. */
export function submittedOfferingValues(form: FormData): OfferingFormValues {
  const t = submittedText(form, 4000);
  return {
    organisationId: t.organisationId ?? "",
    title: t.title ?? "",
    description: t.description ?? "",
    category: t.category ?? "",
    status: t.status ?? "",
    lifeAreas: list(form, "lifeAreas"),
    chime: list(form, "chime"),
    weeklySlots: t.weeklySlots ?? "",
    dates: t.dates ?? "",
    scheduleNote: t.scheduleNote ?? "",
    address: t.address ?? "",
    accessibilityNotes: t.accessibilityNotes ?? "",
    cost: t.cost ?? "",
    noReferral: t.noReferral === "on",
    welcomeWhileUsing: t.welcomeWhileUsing === "on",
    wheelchairAccessible: t.wheelchairAccessible === "on",
    waitingList: t.waitingList === "on",
    languages: list(form, "languages"),
    ageMin: t.ageMin ?? "",
    ageMax: t.ageMax ?? "",
    capacity: t.capacity ?? "",
    contactName: t.contactName ?? "",
    contactPhone: t.contactPhone ?? "",
    contactEmail: t.contactEmail ?? "",
  };
}

export const newOrganisationValues = (): OrganisationFormValues => ({
  name: "",
  kind: "volunteer_organisation",
  organisationNumber: "",
  email: "",
  phone: "",
  web: "",
  partnerOrganisationId: "",
});

export function organisationValues(row: typeof organisations.$inferSelect): OrganisationFormValues {
  return {
    name: row.name,
    kind: row.kind,
    organisationNumber: text(row.organisationNumber),
    email: text(row.email),
    phone: text(row.phone),
    web: text(row.web),
    partnerOrganisationId: text(row.partnerOrganisationId),
  };
}

export function submittedOrganisationValues(form: FormData): OrganisationFormValues {
  const t = submittedText(form);
  return {
    name: t.name ?? "",
    kind: t.kind ?? "",
    organisationNumber: t.organisationNumber ?? "",
    email: t.email ?? "",
    phone: t.phone ?? "",
    web: t.web ?? "",
    partnerOrganisationId: t.partnerOrganisationId ?? "",
  };
}
