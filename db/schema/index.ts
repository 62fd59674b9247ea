/*
 * The one schema, one file per feature (drizzle-kit reads this index; db/migrations is
 * generated from it).
 */
export { partnerOrganisationTypes, roles } from "../enums";
export type { PartnerOrganisationType, Role } from "../enums";
export * from "./accounts";
export * from "./audit";
export * from "./people";
export * from "./networks";
export * from "./consent";
export * from "./meetings";
export * from "./mail";
export * from "./documents";
export * from "./forms";
export * from "./minutes";
export * from "./tasks";
export * from "./plan";
export * from "./offerings";
export * from "./bridges";
