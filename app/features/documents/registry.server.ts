import { and, eq, isNull } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { planParts, type ConsentContent, type PlanPart } from "../../../db/enums";
import { meetings, networkMembers, networks, persons } from "../../../db/schema";
import { networkAccess } from "../access/access.server";
import { can, type Permission } from "../access/permissions";
import {
  currentInvitation,
  invitationActorLabel,
  invitationMaySee,
  invitationMayWrite,
  type InvitationKey,
} from "../access/invitations.server";
import type { SessionUser } from "../accounts/session.server";
import { contentsInForce, planPartsInForce } from "../consent/consent.server";
import { agendaClosedByMinutes } from "../minutes/agenda-lock.server";
import type { TicketHolder } from "./tickets.server";

/*
 * The live documents: ONE registry of their kinds, and the one answer to "what may this asker
 * do with this document". Adding a kind of live document is one entry here plus its feature.
 * Used by the realtime hooks at the upgrade and at every recheck (pages that show a document
 * ask access/invitations.server.ts, the same rule for invitees). docs/realtime.md and docs/access.md describe the rules.
 */

/** What a document belongs to: its network and person, and the meeting for meeting documents. */
export interface DocumentOwner {
  networkId: string;
  personId: string;
  municipalityId: string;
  meetingId: string | null;
}

interface DocumentKindSpec {
  /** The kind of consent a member needs to read it. */
  content: ConsentContent;
  /**
   * Whether an invitee with that consent also writes (within the kind's policy, checked for
   * each change: agenda/policy.ts) instead of only reading.
   */
  inviteesContribute: boolean;
  /** The role permission an account needs for it at all (access/permissions.ts). */
  permission: Permission;
  /**
   * The named parts of this kind, each its own document `${kind}:${id}:${part}`; without
   * them a name has no part.
   */
  parts?: readonly string[];
  /** The owner of the document with this id, or null when there is no such object. */
  owner(id: string, db: Database): Promise<DocumentOwner | null>;
}

const OWNER = {
  networkId: networks.id,
  personId: networks.personId,
  municipalityId: persons.municipalityId,
};

export const documentKinds = {
  /**
   * agenda:<meetingId> — those who manage the network edit; a partner or link holder invited
   * to the meeting contributes (adds items of their own, writes notes and their own voice:
   * agenda/policy.ts) while their invitation is current, the meeting is not cancelled and
   * their consent for "agenda" is in force. The person, through their own invitation, edits
   * it without consent (it is theirs; ADR 013).
   */
  agenda: {
    content: "agenda",
    inviteesContribute: true,
    permission: "meetings.view",
    async owner(id, db) {
      const [row] = await db
        .select({ ...OWNER, meetingId: meetings.id })
        .from(meetings)
        .innerJoin(networks, eq(networks.id, meetings.networkId))
        .innerJoin(persons, eq(persons.id, networks.personId))
        .where(eq(meetings.id, id));
      return row ?? null;
    },
  },
  /**
   * plan:<networkId> (the overview: who takes part, who coordinates, period, revision) and
   * plan:<networkId>:<part> (one life area, or the crisis plan: db/enums.ts planParts), each a
   * document of its own so that a member is never sent a part they may not see (ADR 017).
   * Those who manage the network edit; a partner who is a current member reads a part while a
   * consent for "plan" covering it is in force, and the overview while any part is covered.
   */
  plan: {
    content: "plan",
    parts: planParts,
    inviteesContribute: false,
    permission: "networks.view",
    async owner(id, db) {
      const [row] = await db
        .select(OWNER)
        .from(networks)
        .innerJoin(persons, eq(persons.id, networks.personId))
        .where(eq(networks.id, id));
      return row ? { ...row, meetingId: null } : null;
    },
  },
} satisfies Record<string, DocumentKindSpec>;

export type DocumentKind = keyof typeof documentKinds;
/**
 * "edit": everything; "contribute": writes what the kind's policy allows an invitee (the
 * realtime server checks each change); "read"; "none".
 */
export type DocumentPermission = "edit" | "contribute" | "read" | "none";

export interface DocumentName {
  kind: DocumentKind;
  id: string;
  /** The part of the object (plan parts), or null for the whole (or the plan's overview). */
  part: string | null;
  /** `${kind}:${id}` or `${kind}:${id}:${part}`: the room name clients use and the log key. */
  name: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A well-formed name of a registered kind (`kind:uuid`, or `kind:uuid:part` for a part the
 * kind names), or null. Whether the object exists is checked later.
 */
export function parseDocumentName(value: string): DocumentName | null {
  const [kind = "", id = "", part, ...rest] = value.toLowerCase().split(":");
  if (rest.length > 0 || !Object.hasOwn(documentKinds, kind) || !UUID.test(id)) return null;
  const spec: DocumentKindSpec = documentKinds[kind as DocumentKind];
  if (part !== undefined && !spec.parts?.includes(part)) return null;
  const name = part === undefined ? `${kind}:${id}` : `${kind}:${id}:${part}`;
  return { kind: kind as DocumentKind, id, part: part ?? null, name };
}

/**
 * The live document of one part of a network's plan (`part` given) or of its overview.
 * The one place that spells plan document names.
 */
export function planDocumentName(networkId: string, part?: PlanPart): string {
  return part ? `plan:${networkId}:${part}` : `plan:${networkId}`;
}

/** Who is asking: a logged-in user, or the holder of an invitation link (through a ticket). */
export type DocumentAsker =
  { kind: "user"; user: SessionUser } | ({ kind: "invitation" } & TicketHolder);

export interface DocumentGrant {
  permission: DocumentPermission;
  /** Whom the document is about (for the audit log and for targeted revocation); null: none. */
  owner: DocumentOwner | null;
  /** The account behind the asker: the user, or a link holder's own account if they have one. */
  accountId: string | null;
  /** A link holder as the audit log names them (invitationActorLabel); null for users. */
  linkActorLabel: string | null;
  /** The network member the asker is invited as (meeting documents), or null. */
  memberId: string | null;
  /** Whether that member is the person the meeting is about (ADR 013). */
  memberIsPerson: boolean;
}

/**
 * What `asker` may do with `doc` now: "edit", "contribute", "read" or "none" (also for a
 * document of nothing). Throws only on database errors.
 */
export async function documentPermission(
  asker: DocumentAsker,
  doc: DocumentName,
  db: Database = getDatabase().db,
): Promise<DocumentGrant> {
  const grant = await askerPermission(asker, doc, db);
  // Once a meeting's minutes are locked (and no correction is open) its agenda is the record:
  // read-only for everyone, leaders included (docs/minutes.md).
  // Once it is closed, only leaders (and the person) may still correct it until the lock.
  if (grant.permission !== "edit" && grant.permission !== "contribute") return grant;
  if (doc.kind !== "agenda") return grant;
  const closed = await agendaClosedByMinutes(doc.id, db);
  if (closed === "all" || (closed === "leaders" && grant.permission === "contribute")) {
    return { ...grant, permission: "read" };
  }
  return grant;
}

async function askerPermission(
  asker: DocumentAsker,
  doc: DocumentName,
  db: Database,
): Promise<DocumentGrant> {
  const spec: DocumentKindSpec = documentKinds[doc.kind];
  const owner = await spec.owner(doc.id, db);
  let accountId = asker.kind === "user" ? asker.user.id : null;
  if (!owner) {
    return {
      permission: "none",
      owner: null,
      accountId,
      linkActorLabel: null,
      memberId: null,
      memberIsPerson: false,
    };
  }
  let linkActorLabel: string | null = null;
  let memberId: string | null = null;
  let memberIsPerson = false;
  const grant = (permission: DocumentPermission): DocumentGrant => ({
    permission,
    owner,
    accountId,
    linkActorLabel,
    memberId,
    memberIsPerson,
  });

  if (asker.kind === "user") {
    if (!can(asker.user.roles, spec.permission)) return grant("none");
    const access = await networkAccess(asker.user, owner.networkId);
    if (access.level === "manage") return grant("edit");
    if (access.level !== "member") return grant("none");
  } else if (!owner.meetingId) {
    // Links lead to one meeting; only the person's own link also opens their plan, which is
    // theirs to write in without an account (issue 12), while that link is current.
    const invitation = await currentInvitation(
      { invitationId: asker.invitationId, linkVersion: asker.linkVersion },
      db,
    );
    if (invitation?.networkId !== owner.networkId || !invitationMayWrite(invitation, spec.content))
      return grant("none");
    accountId = invitation.member.userId ?? null;
    linkActorLabel = invitationActorLabel(invitation);
    memberId = invitation.member.id;
    memberIsPerson = true;
    return grant("edit");
  }

  if (owner.meetingId) {
    const key: InvitationKey =
      asker.kind === "user"
        ? { userId: asker.user.id, meetingId: owner.meetingId }
        : { invitationId: asker.invitationId, linkVersion: asker.linkVersion };
    const invitation = await currentInvitation(key, db);
    accountId ??= invitation?.member.userId ?? null;
    if (asker.kind === "invitation" && invitation)
      linkActorLabel = invitationActorLabel(invitation);
    memberId = invitation?.member.id ?? null;
    memberIsPerson = invitation?.member.isPerson ?? false;
    if (invitation?.meeting.id !== owner.meetingId) return grant("none");
    if (invitationMayWrite(invitation, spec.content)) return grant("edit");
    if (!invitationMaySee(invitation, spec.content)) return grant("none");
    return grant(spec.inviteesContribute ? "contribute" : "read");
  }
  if (asker.kind !== "user") return grant("none");
  const member = await currentMember(asker.user.id, owner.networkId, db);
  if (!member) return grant("none");
  if (doc.kind === "plan") {
    const parts = await planPartsInForce(member.id, db);
    return grant(memberSeesPlanPart(parts, doc.part as PlanPart | null) ? "read" : "none");
  }
  return grant((await contentsInForce(member.id, db)).has(spec.content) ? "read" : "none");
}

/** A partner with consent for `parts` sees that part, and the overview (null) with any part. */
function memberSeesPlanPart(parts: ReadonlySet<PlanPart>, part: PlanPart | null): boolean {
  return part === null ? parts.size > 0 : parts.has(part);
}

/** What a user may do with a network's plan: its overview and each part (see `plan` above). */
export interface PlanPermissions {
  owner: DocumentOwner | null;
  overview: DocumentPermission;
  parts: Record<PlanPart, DocumentPermission>;
}

/**
 * The same rule as documentPermission for every document of one network's plan at once, for
 * the plan pages (a handful of queries instead of ten times as many). "none" for everything
 * when there is no such network. Throws only on database errors.
 */
export async function planPermissions(
  user: SessionUser,
  networkId: string,
  db: Database = getDatabase().db,
): Promise<PlanPermissions> {
  const owner = await documentKinds.plan.owner(networkId, db);
  const all = (permission: DocumentPermission): PlanPermissions => ({
    owner,
    overview: permission,
    parts: Object.fromEntries(planParts.map((p) => [p, permission])) as PlanPermissions["parts"],
  });
  if (!owner || !can(user.roles, documentKinds.plan.permission)) return all("none");
  const access = await networkAccess(user, owner.networkId);
  if (access.level === "manage") return all("edit");
  if (access.level !== "member") return all("none");
  const member = await currentMember(user.id, owner.networkId, db);
  if (!member) return all("none");
  const parts = await planPartsInForce(member.id, db);
  const seen = (part: PlanPart | null) => (memberSeesPlanPart(parts, part) ? "read" : "none");
  return {
    owner,
    overview: seen(null),
    parts: Object.fromEntries(planParts.map((p) => [p, seen(p)])) as PlanPermissions["parts"],
  };
}

/** A user's current membership of a network, or undefined. */
async function currentMember(userId: string, networkId: string, db: Database) {
  const [member] = await db
    .select({ id: networkMembers.id })
    .from(networkMembers)
    .where(
      and(
        eq(networkMembers.networkId, networkId),
        eq(networkMembers.userId, userId),
        isNull(networkMembers.removedAt),
      ),
    );
  return member;
}
