import { once, type FormClaim } from "../forms/once.server";
import { and, asc, eq, gte, inArray, isNull, lte, or, sql, type Placeholder } from "drizzle-orm";
import { DateTime } from "luxon";
import { getDatabase, type Database } from "../../../db/client";
import {
  planParts,
  type ConsentContent,
  type ConsentMethod,
  type PlanPart,
} from "../../../db/enums";
import { consents, networkMembers, networks, persons } from "../../../db/schema";
import { OSLO, osloToday } from "../../utils/oslo-time";
import { recordAudit, type AuditActor } from "../audit/audit.server";
import { announceAccessChange } from "../access/access-events.server";

/**
 * SQL: the consent row is in force today (given, not expired, not withdrawn). `today` is an
 * Oslo date (yyyy-mm-dd), or a placeholder for one in a prepared query.
 */
export function consentInForce(today: string | Placeholder = osloToday()) {
  return and(
    isNull(consents.withdrawnAt),
    lte(consents.givenOn, today),
    or(isNull(consents.expiresOn), gte(consents.expiresOn, today)),
  );
}

/** Which kinds of content a member may see right now. Withdrawal and expiry count at once. */
export async function contentsInForce(
  memberId: string,
  tx: Database = getDatabase().db,
): Promise<Set<ConsentContent>> {
  const rows = await tx
    .select({ content: consents.content })
    .from(consents)
    .where(and(eq(consents.memberId, memberId), consentInForce()));
  return new Set(rows.map((r) => r.content));
}

/**
 * Which parts of the plan a member may see right now (db/enums.ts planParts): the union of
 * their consents for "plan" in force; a consent given before the plan was split (no parts
 * named) covers every part. Empty when there is none. Withdrawal and expiry count at once.
 */
export async function planPartsInForce(
  memberId: string,
  tx: Database = getDatabase().db,
): Promise<Set<PlanPart>> {
  const rows = await tx
    .select({ parts: consents.planParts })
    .from(consents)
    .where(and(eq(consents.memberId, memberId), eq(consents.content, "plan"), consentInForce()));
  const seen = new Set<PlanPart>();
  for (const row of rows) for (const part of row.parts ?? planParts) seen.add(part);
  return seen;
}

export interface ConsentInput {
  contents: ConsentContent[];
  /** The parts a consent for "plan" covers (at least one when "plan" is in `contents`). */
  planParts?: PlanPart[];
  givenOn: string;
  expiresOn: string | null;
  method: ConsentMethod;
}

/**
 * Records one consent row per kind of content, and logs it with the person concerned. Returns
 * the new rows' ids. With a form `claim` (once.server.ts) a repeated post gets the first post's result.
 */
export async function recordConsent(
  actor: AuditActor & { userId: string },
  member: { id: string; personId: string },
  input: ConsentInput,

  claim?: FormClaim,
): Promise<string[]> {
  return getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const rows = await tx
        .insert(consents)
        .values(
          input.contents.map((content) => ({
            memberId: member.id,
            content,
            planParts: content === "plan" ? (input.planParts ?? null) : null,
            givenOn: input.givenOn,
            expiresOn: input.expiresOn,
            method: input.method,
            recordedByUserId: actor.userId,
          })),
        )
        .returning({ id: consents.id, content: consents.content, planParts: consents.planParts });
      await recordAudit(
        actor,
        {
          action: "consent.record",
          subjectType: "member",
          subjectId: member.id,
          personId: member.personId,
          details: {
            consents: rows,
            givenOn: input.givenOn,
            expiresOn: input.expiresOn,
            method: input.method,
          },
        },
        tx,
      );
      return rows.map((row) => row.id);
    }),
  );
}

/** Withdraws a consent now; false when it was not in force (already withdrawn or unknown). */
export async function withdrawConsent(
  actor: AuditActor & { userId: string },
  member: { id: string; personId: string },
  consentId: string,
): Promise<boolean> {
  return getDatabase().db.transaction(async (tx) => {
    const changed = await tx
      .update(consents)
      .set({ withdrawnAt: new Date(), withdrawnByUserId: actor.userId })
      .where(
        and(
          eq(consents.id, consentId),
          eq(consents.memberId, member.id),
          isNull(consents.withdrawnAt),
        ),
      )
      .returning({ id: consents.id, content: consents.content });
    if (changed.length === 0) return false;
    await recordAudit(
      actor,
      {
        action: "consent.withdraw",
        subjectType: "member",
        subjectId: member.id,
        personId: member.personId,
        details: { consentId, content: changed[0]!.content },
      },
      tx,
    );
    await announceAccessChange(tx, { personId: member.personId });
    return true;
  });
}

/** Consents in force that expire within `days` days, for the given persons. */
export async function expiringConsents(personIds: string[], days = 30) {
  if (personIds.length === 0) return [];
  const today = osloToday();
  const until = DateTime.fromISO(today, { zone: OSLO }).plus({ days }).toISODate()!;
  return getDatabase()
    .db.select({
      consentId: consents.id,
      content: consents.content,
      expiresOn: consents.expiresOn,
      memberId: networkMembers.id,
      memberName: networkMembers.name,
      networkId: networks.id,
      personId: persons.id,
      personName: persons.name,
    })
    .from(consents)
    .innerJoin(networkMembers, eq(networkMembers.id, consents.memberId))
    .innerJoin(networks, eq(networks.id, networkMembers.networkId))
    .innerJoin(persons, eq(persons.id, networks.personId))
    .where(
      and(
        inArray(persons.id, personIds),
        isNull(networkMembers.removedAt),
        consentInForce(today),
        sql`${consents.expiresOn} is not null`,
        lte(consents.expiresOn, until),
      ),
    )
    .orderBy(asc(consents.expiresOn));
}
