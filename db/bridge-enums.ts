/* Plain value lists of bridges (brobygging, issue 13), shared by schema, server and pages. */

/**
 * The steps of a bridge from a person to an offering, in the order they usually come:
 * proposed by a leader, the person wants it, contact made with the organisation, first visit
 * agreed (a date, with a companion or alone), started; or did not start; or ended.
 */
export const bridgeStatuses = [
  "suggested",
  "wanted",
  "contact_made",
  "visit_agreed",
  "started",
  "not_started",
  "ended",
] as const;
export type BridgeStatus = (typeof bridgeStatuses)[number];

/** Statuses after which a bridge takes no more steps and its contact link ends. */
export const closedBridgeStatuses: readonly BridgeStatus[] = ["not_started", "ended"];

/** Who goes with the person to the first visit. */
export const bridgeCompanions = ["volunteer", "peer", "alone"] as const;
export type BridgeCompanion = (typeof bridgeCompanions)[number];

/** The longest note a step may carry, in characters. */
export const BRIDGE_NOTE_MAX = 500;

/** Days without any change after which the leaders are nudged. */
export const BRIDGE_STALL_DAYS = 14;
