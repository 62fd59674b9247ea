import { and, desc, eq } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { minutesCorrections, minutesVersions } from "../../../db/schema";

/**
 * How far a meeting's minutes close its agenda: "none" before the meeting is closed; "leaders"
 * once it is closed (the minutes were copied: only leaders may still correct the agenda, and
 * contributors read); "all" when the newest version is locked and no correction of it is open
 * (everyone reads). The document registry applies it (documents/registry.server.ts). One query.
 * Kept apart from minutes.server.ts so the registry imports nothing else of the feature.
 */
export async function agendaClosedByMinutes(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<"none" | "leaders" | "all"> {
  const [latest] = await db
    .select({ lockedAt: minutesVersions.lockedAt, correction: minutesCorrections.id })
    .from(minutesVersions)
    .leftJoin(
      minutesCorrections,
      and(
        eq(minutesCorrections.meetingId, minutesVersions.meetingId),
        eq(minutesCorrections.fromVersion, minutesVersions.version),
      ),
    )
    .where(eq(minutesVersions.meetingId, meetingId))
    .orderBy(desc(minutesVersions.version))
    .limit(1);
  if (!latest) return "none";
  return latest.lockedAt && !latest.correction ? "all" : "leaders";
}
