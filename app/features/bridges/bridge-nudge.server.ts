import { and, inArray, lt, notInArray } from "drizzle-orm";
import type { Database } from "../../../db/client";
import { BRIDGE_STALL_DAYS, closedBridgeStatuses } from "../../../db/bridge-enums";
import { bridges, networkLeaders, users } from "../../../db/schema";
import { publicBaseUrl } from "../meetings/invitation-links.server";
import { optedOut, sendReminder, TURN_OFF } from "../mail/reminders.server";
import { stalledSince } from "./bridges.server";

/*
 * The nudge when a bridge has had no change for BRIDGE_STALL_DAYS days (issue 13; ADR 025):
 * shown on the person's page (bridges.server.ts bridgesForPersonPage) and sent once to each
 * leader of the bridge's network through the reminders machinery (reminders_sent claims it,
 * reminder_opt_outs turns it off). A later change and a new stall give a new nudge (the subject
 * holds the time of the last change). Neutral text: no name, no offering, only a link to the
 * bridge page, which only those with access can open.
 */

/**
 * Queues the nudge for every open bridge whose last change is older than BRIDGE_STALL_DAYS
 * days at `now`, to each active leader of its network (the one who proposed it when the network
 * has none), unless they turned reminders off. Returns how many were queued.
 */
export async function remindStalledBridges(now: Date, db: Database): Promise<number> {
  const stalled = await db
    .select({
      id: bridges.id,
      networkId: bridges.networkId,
      personId: bridges.personId,
      municipalityId: bridges.municipalityId,
      createdBy: bridges.createdByUserId,
      updatedAt: bridges.updatedAt,
    })
    .from(bridges)
    .where(
      and(
        notInArray(bridges.status, [...closedBridgeStatuses]),
        lt(bridges.updatedAt, stalledSince(now)),
      ),
    );
  if (stalled.length === 0) return 0;
  const leaders = await db
    .select({ networkId: networkLeaders.networkId, userId: networkLeaders.userId })
    .from(networkLeaders)
    .where(inArray(networkLeaders.networkId, [...new Set(stalled.map((b) => b.networkId))]));
  const recipientsOf = (bridge: (typeof stalled)[number]) => {
    const ids = leaders.filter((l) => l.networkId === bridge.networkId).map((l) => l.userId);
    return ids.length > 0 ? ids : bridge.createdBy ? [bridge.createdBy] : [];
  };
  const userIds = [...new Set(stalled.flatMap(recipientsOf))];
  if (userIds.length === 0) return 0;
  const accounts = await db
    .select({ id: users.id, name: users.name, email: users.email, active: users.active })
    .from(users)
    .where(inArray(users.id, userIds));
  const off = await optedOut(db, userIds, []);
  let queued = 0;
  for (const bridge of stalled) {
    const url = new URL(`/bridges/${bridge.id}`, publicBaseUrl()).href;
    for (const userId of recipientsOf(bridge)) {
      const account = accounts.find((a) => a.id === userId);
      if (!account?.active || off.users.has(userId)) continue;
      const sent = await sendReminder(db, {
        kind: "bridge_stalled",
        subject: `${bridge.id}:${bridge.updatedAt.toISOString()}`,
        to: { key: `user:${userId}`, address: account.email, name: account.name },
        municipalityId: bridge.municipalityId,
        personId: bridge.personId,
        mail: {
          subject: "Påminnelse: følg opp et tilbud / Reminder: follow up an offering",
          text: [
            `Et tilbud du følger opp, har ikke hatt noen endring på ${BRIDGE_STALL_DAYS} dager.`,
            `Se Broen: ${url}`,
            "",
            `An offering you follow up has had no change for ${BRIDGE_STALL_DAYS} days.`,
            `See Broen: ${url}`,
            "",
            TURN_OFF,
          ].join("\n"),
        },
      });
      if (sent) queued++;
    }
  }
  return queued;
}
