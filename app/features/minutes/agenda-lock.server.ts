import { and, desc, eq } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { minutesCorrections, minutesVersions } from "../../../db/schema";

/**
 * Whether a meeting's agenda is closed for editing by its minutes: the newest version is locked
 * and no correction of it is open. The document registry then caps every asker at "read"
 * (documents/registry.server.ts). One query. Kept apart from minutes.server.ts so the registry
 * imports nothing else of the feature.
 */
export async function agendaClosedByMinutes(
  meetingId: string,
  db: Database = getDatabase().db,
): Promise<boolean> {
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
  return !!latest?.lockedAt && !latest.correction;
}
