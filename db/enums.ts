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

/** Consent is given per kind of content (the plan issue may split "plan" into sections). */
export const consentContents = ["agenda", "minutes", "plan"] as const;
export type ConsentContent = (typeof consentContents)[number];

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
