/* Value lists of the offerings catalogue (issue 13), shared by schema, server and browser. */

/** Kinds of organisation that publish community offerings (issue 13). */
export const organisationKinds = [
  "volunteer_organisation",
  "volunteer_centre",
  "sports_club",
  "association",
  "faith_community",
  "peer_organisation",
  "municipal_low_threshold",
  "other",
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const offeringCategories = [
  "activity_exercise",
  "culture",
  "social_meeting_place",
  "work_education",
  "peer_support",
  "practical_help",
  "other",
] as const;
export type OfferingCategory = (typeof offeringCategories)[number];

/** Active offerings are shown to leaders; paused ones are kept; retired ones are history. */
export const offeringStatuses = ["active", "paused", "retired"] as const;
export type OfferingStatus = (typeof offeringStatuses)[number];

/** Languages an offering can be given in: ISO 639-1 codes, and "nsl" (Norwegian sign language). */
export const offeringLanguages = [
  "nb",
  "nn",
  "se",
  "en",
  "pl",
  "lt",
  "ar",
  "so",
  "ti",
  "uk",
  "fa",
  "ur",
  "nsl",
] as const;
export type OfferingLanguage = (typeof offeringLanguages)[number];
