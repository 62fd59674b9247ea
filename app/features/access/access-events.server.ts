import { sql } from "drizzle-orm";
import type { Database } from "../../../db/client";

/*
 * "Access may have changed": sent by every change that can take something away (consent
 * withdrawn, member removed, invitation revoked, leaders changed, user deactivated or logged
 * out). The realtime server listens and checks the open connections concerned again, closing
 * those that lost access. It is a NOTIFY inside the change's own transaction, so it is
 * delivered on commit (never for a rolled-back change) and reaches every server process.
 */
export const ACCESS_CHANNEL = "broen_access";

export type AccessChange = { personId: string } | { userId: string };

export async function announceAccessChange(tx: Database, change: AccessChange): Promise<void> {
  await tx.execute(sql`select pg_notify(${ACCESS_CHANNEL}, ${JSON.stringify(change)})`);
}

export function parseAccessChange(payload: string): AccessChange | null {
  try {
    const value = JSON.parse(payload) as { personId?: unknown; userId?: unknown };
    if (typeof value.personId === "string") return { personId: value.personId };
    if (typeof value.userId === "string") return { userId: value.userId };
  } catch {
    // Not ours: ignore.
  }
  return null;
}
