import type { SessionUser } from "../accounts/session.server";
import { can } from "../access/permissions";
import { idFromUrl, notFound } from "../access/access.server";
import { proposePage, UnknownPlanEntryError } from "./bridges.server";

/*
 * Where a proposal comes from (issue 13): a person's network, and the goal or action of their
 * plan it serves, carried in the links of the propose page and of the offerings search
 * (?for=<networkId>&goalId=…&actionId=…), so a leader can search with every filter and
 * propose a hit from the results. One place for reading and checking those parameters.
 */

/** Ids of plan entries (goals, actions) as the plan document makes them. */
const ENTRY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface ProposalContext {
  networkId: string;
  goalId: string | null;
  actionId: string | null;
  /** The goal's words and the action's text, for the page to say what the proposal serves. */
  goal: string | null;
  action: string | null;
}

/**
 * `goalId` and `actionId` of `params` (null when absent). Throws the 404 answer for a value
 * that cannot be a plan entry's id.
 */
export function servesFrom(params: URLSearchParams): {
  goalId: string | null;
  actionId: string | null;
} {
  const read = (name: string) => {
    const value = params.get(name);
    if (!value) return null;
    if (!ENTRY_ID.test(value)) notFound();
    return value;
  };
  return { goalId: read("goalId"), actionId: read("actionId") };
}

/**
 * The proposal the offerings search is part of: null without `for`; otherwise the network
 * (`for`, a uuid) and the plan entry it serves, when `user` may propose there (manages the
 * network; proposePage decides). Throws the 404 answer for anything else: a malformed id,
 * another network, an entry not in this plan.
 */
export async function proposalFromSearch(
  user: SessionUser,
  params: URLSearchParams,
): Promise<ProposalContext | null> {
  const networkParam = params.get("for");
  if (!networkParam) return null;
  if (!can(user.roles, "people.manage")) notFound();
  const networkId = idFromUrl(networkParam);
  const serves = servesFrom(params);
  try {
    const page = await proposePage(user, networkId, serves);
    return { networkId, ...serves, goal: page.goal, action: page.action };
  } catch (error) {
    if (error instanceof UnknownPlanEntryError) notFound();
    throw error;
  }
}

/** A plan entry's ids as URL parameters (those that are set). */
function servesParams(serves: { goalId: string | null; actionId: string | null }) {
  const params = new URLSearchParams();
  if (serves.goalId) params.set("goalId", serves.goalId);
  if (serves.actionId) params.set("actionId", serves.actionId);
  return params;
}

/** The search's parameters that keep a proposal's context (hidden fields of its form). */
export function proposalFields(context: ProposalContext): Record<string, string> {
  return { for: context.networkId, ...Object.fromEntries(servesParams(context)) };
}

/** The offerings search opened for a proposal, landing in its field (#q). */
export function proposalSearchHref(
  networkId: string,
  serves: { goalId: string | null; actionId: string | null },
): string {
  return `/offerings/search?${new URLSearchParams({ for: networkId, ...Object.fromEntries(servesParams(serves)) })}#q`;
}

/**
 * The propose page's address in the context the search was opened in, without the offering:
 * the browser adds the chosen offering's id to it (it ends in "offeringId=").
 */
export function proposeHrefBase(context: ProposalContext): string {
  const params = servesParams(context);
  params.set("offeringId", "");
  return `/networks/${context.networkId}/bridges/new?${params}`;
}
