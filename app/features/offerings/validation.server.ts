import { z } from "zod";
import { chimeElements, lifeAreas, type ChimeElement, type LifeArea } from "../../../db/enums";
import {
  offeringCategories,
  offeringLanguages,
  offeringStatuses,
  organisationKinds,
  type OfferingCategory,
  type OfferingLanguage,
  type OfferingStatus,
  type OrganisationKind,
} from "../../../db/offering-enums";
import type { WeeklySlot } from "../../../db/schema/offerings";
import { validate, type FieldErrors } from "../../utils/forms.server";
import { isPlausibleDate } from "../../utils/oslo-time";
import { message } from "../../utils/validation";
import {
  choice,
  optionalEmail,
  optionalPhone,
  optionalSingleLine,
  optionalUuid,
  singleLine,
} from "../../utils/validation.server";
import { isValidOrganisationNumber, normaliseOrganisationNumber } from "./organisation-number";
import { parseDateList, parseWeeklySlots } from "./schedule";

/*
 * The one place that decides what an organisation and an offering may hold (issue 13). The
 * forms and the CSV import both hand their values here as raw fields (text, and lists for the
 * repeated checkboxes), and get back either clean values or an error per field, as packed
 * i18n messages (utils/validation.ts) the page shows in bokmål or English.
 */

/** Raw values from a form or a CSV row: single texts, and lists for multi-valued fields. */
export type RawFields = Record<string, string | string[] | undefined>;

export interface OrganisationInput {
  name: string;
  kind: OrganisationKind;
  organisationNumber: string | null;
  email: string | null;
  phone: string | null;
  web: string | null;
  partnerOrganisationId: string | null;
}

export interface OfferingInput {
  organisationId: string;
  title: string;
  description: string;
  category: OfferingCategory;
  lifeAreas: LifeArea[];
  chime: ChimeElement[];
  weeklySlots: WeeklySlot[];
  dates: string[];
  scheduleNote: string | null;
  address: string | null;
  accessibilityNotes: string | null;
  costOre: number;
  noReferral: boolean;
  welcomeWhileUsing: boolean;
  wheelchairAccessible: boolean;
  languages: OfferingLanguage[];
  ageMin: number | null;
  ageMax: number | null;
  capacity: number | null;
  waitingList: boolean;
  contactName: string | null;
  contactPhone: string | null;
  contactEmail: string | null;
  status: OfferingStatus;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** A multi-line text (description, notes): line breaks allowed, markup characters not. */
// U+FFFD (undecodable input), control characters other than tab and line break, and markup.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_OR_MARKUP = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F<>]/;

const optionalText = (max: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? "").replace(/\r\n?/g, "\n"))
    .refine((value) => value.length <= max, message("form.tooLong", { max }))
    .refine((value) => !CONTROL_OR_MARKUP.test(value), message("form.invalidChars"))
    .transform((value) => value.trim() || null);

const webAddress = () =>
  optionalSingleLine(500).refine(
    (value) => value === null || /^https?:\/\/[^\s<>"]+\.[^\s<>"]+$/i.test(value),
    message("offering.error.web"),
  );

const OrganisationFields = z.object({
  name: singleLine(200),
  kind: choice(organisationKinds),
  organisationNumber: optionalSingleLine(20)
    .transform((value) => (value ? normaliseOrganisationNumber(value) : null))
    .refine(
      (value) => value === null || isValidOrganisationNumber(value),
      message("organisation.error.number"),
    ),
  email: optionalEmail(),
  phone: optionalPhone(),
  web: webAddress(),
  partnerOrganisationId: optionalUuid(),
});

/** Checks an organisation's fields. Returns the clean values or an error per field. */
export function parseOrganisation(raw: RawFields): Parsed<OrganisationInput> {
  const fields = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, single(v)]));
  return validate(OrganisationFields, fields);
}

/** A whole number in a range, optional: "" is none. */
const optionalWhole = (min: number, max: number, key: Parameters<typeof message>[0]) =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim())
    .refine((value) => value === "" || /^-?\d{1,6}$/.test(value), message(key))
    .transform((value) => (value === "" ? null : Number(value)))
    .refine((value) => value === null || (value >= min && value <= max), message(key));

const box = () =>
  z
    .string()
    .optional()
    .transform((value) => value === "on");

const OfferingFields = z.object({
  organisationId: z.uuid({ error: message("offering.error.organisation") }),
  title: singleLine(200),
  description: optionalText(4000).refine((value) => value !== null, message("form.required")),
  category: choice(offeringCategories),
  scheduleNote: optionalText(500),
  address: optionalSingleLine(300),
  accessibilityNotes: optionalText(1000),
  cost: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .trim()
        .replace(/\s/g, "")
        .replace(/^kr\.?/i, ""),
    )
    .refine(
      (value) => value === "" || /^\d{1,6}([.,]\d{1,2})?$/.test(value),
      message("offering.error.cost"),
    )
    .transform((value) => {
      if (value === "") return 0;
      const [kroner, ore = ""] = value.split(/[.,]/);
      return Number(kroner) * 100 + Number(ore.padEnd(2, "0"));
    }),
  noReferral: box(),
  welcomeWhileUsing: box(),
  wheelchairAccessible: box(),
  waitingList: box(),
  ageMin: optionalWhole(0, 130, "offering.error.age"),
  ageMax: optionalWhole(0, 130, "offering.error.age"),
  capacity: optionalWhole(0, 100_000, "offering.error.capacity"),
  contactName: optionalSingleLine(200),
  contactPhone: optionalPhone(),
  contactEmail: optionalEmail(),
  status: z
    .string()
    .optional()
    .transform((value) => value || "active")
    .pipe(choice(offeringStatuses)),
  weeklySlots: z
    .string()
    .max(2000, message("form.tooLong", { max: 2000 }))
    .optional(),
  dates: z
    .string()
    .max(2000, message("form.tooLong", { max: 2000 }))
    .optional(),
});

/** Values of a multi-valued field that must all be in `allowed`, without repeats. */
function listOf<T extends string>(
  raw: string | string[] | undefined,
  allowed: readonly T[],
  field: string,
  errors: FieldErrors,
): T[] {
  const values = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((v) => v !== "");
  if (values.length > allowed.length * 2 || values.some((v) => !allowed.includes(v as T))) {
    errors[field] = [message("form.invalidChoice")];
    return [];
  }
  return allowed.filter((value) => values.includes(value));
}

const SLOT_PROBLEM = {
  format: "offering.error.slotFormat",
  time: "offering.error.slotTime",
  order: "offering.error.slotOrder",
  count: "offering.error.slotCount",
} as const;

/** At most this many single dates per offering. */
export const MAX_DATES = 60;

/**
 * Checks an offering's fields (the same rules for the form and each CSV row). Weekly times are
 * read by parseWeeklySlots, dates by parseDateList (dd.mm.yyyy), the price in kroner (with
 * øre after a comma; empty is free) is stored in øre; an age range must not be upside down.
 * Returns the clean values or an error per field.
 */
export function parseOffering(raw: RawFields): Parsed<OfferingInput> {
  const multi = new Set(["lifeAreas", "chime", "languages"]);
  const fields = Object.fromEntries(
    Object.entries(raw)
      .filter(([k]) => !multi.has(k))
      .map(([k, v]) => [k, single(v)]),
  );
  const checked = validate(OfferingFields, fields);
  const errors: FieldErrors = checked.ok ? {} : { ...checked.errors };
  const areas = listOf(raw.lifeAreas, lifeAreas, "lifeAreas", errors);
  const chime = listOf(raw.chime, chimeElements, "chime", errors);
  const languages = listOf(raw.languages, offeringLanguages, "languages", errors);

  let weeklySlots: WeeklySlot[] = [];
  const slots = parseWeeklySlots(single(raw.weeklySlots) ?? "");
  if ("error" in slots) {
    const { part, problem } = slots.error;
    errors.weeklySlots = [message(SLOT_PROBLEM[problem], { part })];
  } else weeklySlots = slots.slots;

  let dates: string[] = [];
  const dateList = parseDateList(single(raw.dates) ?? "");
  if ("error" in dateList)
    errors.dates = [message("offering.error.dates", { part: dateList.error })];
  else if (dateList.dates.length > MAX_DATES)
    errors.dates = [message("offering.error.tooManyDates", { max: MAX_DATES })];
  else {
    const impossible = dateList.dates.find((date) => !isPlausibleDate(date));
    if (impossible) errors.dates = [message("offering.error.dates", { part: impossible })];
    else dates = dateList.dates;
  }

  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const v = checked.value;
  if (v.ageMin !== null && v.ageMax !== null && v.ageMin > v.ageMax) {
    return { ok: false, errors: { ageMax: [message("offering.error.ageOrder")] } };
  }
  return {
    ok: true,
    value: {
      organisationId: v.organisationId,
      title: v.title,
      description: v.description!,
      category: v.category,
      lifeAreas: areas,
      chime,
      weeklySlots,
      dates,
      scheduleNote: v.scheduleNote,
      address: v.address,
      accessibilityNotes: v.accessibilityNotes,
      costOre: v.cost,
      noReferral: v.noReferral,
      welcomeWhileUsing: v.welcomeWhileUsing,
      wheelchairAccessible: v.wheelchairAccessible,
      languages,
      ageMin: v.ageMin,
      ageMax: v.ageMax,
      capacity: v.capacity,
      waitingList: v.waitingList,
      contactName: v.contactName,
      contactPhone: v.contactPhone,
      contactEmail: v.contactEmail,
      status: v.status,
    },
  };
}

/** The raw fields of a posted form: single texts, and every value of the multi-valued ones. */
export function rawFieldsOf(form: FormData): RawFields {
  const raw: RawFields = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") continue;
    if (name === "lifeAreas" || name === "chime" || name === "languages") {
      const list = (raw[name] as string[] | undefined) ?? [];
      list.push(value);
      raw[name] = list;
    } else if (!(name in raw)) raw[name] = value;
  }
  return raw;
}
