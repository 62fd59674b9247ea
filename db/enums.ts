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

export const networkKinds = ["network_meeting_group", "responsibility_group"] as const;
export type NetworkKind = (typeof networkKinds)[number];

/** How a member relates to the person; the product shows these in bokmål/English. */
export const memberRelations = [
  "relative",
  "friend",
  "neighbour",
  "nav",
  "housing",
  "gp",
  "specialist_health",
  "volunteer",
  "employer",
  "school",
  "peer",
  "other",
] as const;
export type MemberRelation = (typeof memberRelations)[number];

/** The rings of the network map, inside out. */
export const networkCircles = ["family_friends", "services", "community"] as const;
export type NetworkCircle = (typeof networkCircles)[number];

export const contactChannels = ["phone", "sms", "email", "letter"] as const;
export type ContactChannel = (typeof contactChannels)[number];

/** Consent is given per kind of content; consent for "plan" names its parts (planParts). */
export const consentContents = ["agenda", "minutes", "plan"] as const;
export type ConsentContent = (typeof consentContents)[number];

/**
 * The life areas an individual plan is organised by (not by services); the person chooses
 * which their plan has. "substance_use" only where the person wants it.
 */
export const lifeAreas = [
  "mental_health",
  "housing",
  "work_activity",
  "economy",
  "network_belonging",
  "physical_health",
  "substance_use",
] as const;
export type LifeArea = (typeof lifeAreas)[number];

/**
 * The parts of a plan that consent is given for one by one: each life area and the crisis
 * plan. Each is its own live document (ADR 017), so a member is never sent a part they may
 * not see. The plan's overview (who takes part, who coordinates, period, revision) goes with
 * consent for any part.
 */
export const planParts = [...lifeAreas, "crisis_plan"] as const;
export type PlanPart = (typeof planParts)[number];

export const consentMethods = ["verbal_in_meeting", "signed_paper", "digital_by_person"] as const;
export type ConsentMethod = (typeof consentMethods)[number];

export const meetingKinds = [
  "network_meeting",
  "responsibility_group_meeting",
  "follow_up_meeting",
  "evaluation_meeting",
] as const;
export type MeetingKind = (typeof meetingKinds)[number];

export const meetingStatuses = ["scheduled", "cancelled"] as const;
export type MeetingStatus = (typeof meetingStatuses)[number];

/** RFC 5545 PARTSTAT values an invited member can have. */
export const invitationResponses = ["needs_action", "accepted", "tentative", "declined"] as const;
export type InvitationResponse = (typeof invitationResponses)[number];

export const outboxStatuses = ["pending", "sending", "sent", "failed"] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/** CHIME, the recovery frame that goals, actions and community offerings can be tagged with. */
export const chimeElements = [
  "connectedness",
  "hope_optimism",
  "identity",
  "meaning",
  "empowerment",
] as const;
export type ChimeElement = (typeof chimeElements)[number];
