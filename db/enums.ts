/* Plain value lists shared by the schema, the server and the browser (no drizzle imports). */
export const roles = ["admin", "coordinator", "leader", "partner"] as const;
export type Role = (typeof roles)[number];

export const partnerOrganisationTypes = [
  "nav",
  "housing",
  "gp_office",
  "specialist_health",
  "volunteer_organisation",
  "school",
  "employer",
  "other",
] as const;
export type PartnerOrganisationType = (typeof partnerOrganisationTypes)[number];
