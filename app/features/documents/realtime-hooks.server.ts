import type { IncomingMessage } from "node:http";
import type * as Y from "yjs";
import type { DatabaseHandle } from "../../../db/client";
import type { Authorisation, RealtimeHooks, RecheckAnswer } from "../../../realtime/hooks";
import type { RealtimeLogger } from "../../../realtime/log";
import type { Env } from "../../env.server";
import { logger, safeError } from "../../utils/logger.server";
import { isOwnOrigin } from "../../utils/origin.server";
import { ACCESS_CHANNEL, parseAccessChange } from "../access/access-events.server";
import { sessionTokenHash, sessionUserById } from "../accounts/session.server";
import { recordAuditNow } from "../audit/audit.server";
import { PERSON_REF, type Ref } from "../agenda/document";
import { refusedPlanChange } from "../plan/policy";
import { projectionHooks } from "../tasks/projection.server";
import { refusedChange, type AgendaRole } from "../agenda/policy";
import {
  documentPermission,
  parseDocumentName,
  type DocumentName,
  type DocumentAsker,
  type DocumentGrant,
  type DocumentOwner,
} from "./registry.server";
import { verifyTicket } from "./tickets.server";

/*
 * Broen's policy for the realtime engine (realtime/hooks.ts): who opens which live document,
 * what is checked again while it is open, and what is logged. The rules themselves are in
 * registry.server.ts and access/; this file only connects them to sockets.
 */

/** Who holds a connection. `key` groups connections that share one recheck answer. */
export interface DocumentIdentity {
  key: string;
  asker: DocumentAsker;
  /** A logged-in user's session (SHA-256 of its id): checked again on every recheck. */
  sessionIdHash: string | null;
  userId: string | null;
  owner: DocumentOwner;
  /** A link holder as the audit log names them: the person on their own link (ADR 013). */
  linkActorLabel: string | null;
  /**
   * What the holder may change and who they are in the document (agenda/policy.ts). Updated
   * at every recheck: a leader who is no longer one may still contribute as an invitee.
   */
  role: AgendaRole;
  self: Ref | null;
}

/** The engine's permission and the policy's role for a grant (null: none). */
function rolesOf(grant: DocumentGrant, asker: DocumentAsker) {
  if (grant.permission === "none") return null;
  const role: AgendaRole =
    grant.permission === "edit"
      ? "lead"
      : grant.permission === "contribute"
        ? "contribute"
        : "read";
  const self: Ref | null =
    role === "lead" && asker.kind === "user"
      ? `user:${asker.user.id}`
      : grant.memberIsPerson
        ? PERSON_REF
        : grant.memberId
          ? `member:${grant.memberId}`
          : null;
  return { permission: role === "read" ? ("read" as const) : ("edit" as const), role, self };
}

/** Each live document's parsed name: every change is checked by kind, so it is parsed once. */
const parsedNames = new WeakMap<Y.Doc, DocumentName | null>();

function nameOf(doc: Y.Doc, documentName: string): DocumentName | null {
  let name = parsedNames.get(doc);
  if (name === undefined) parsedNames.set(doc, (name = parseDocumentName(documentName)));
  return name;
}

/** The hooks for attachRealtime, bound to this process's environment and database. */
export function documentHooks(env: Env, database: DatabaseHandle): RealtimeHooks<DocumentIdentity> {
  return {
    // Goals and actions follow the documents into SQL (ADR 019).
    ...projectionHooks(),

    async authorise(request, rawName) {
      const origin = request.headers.origin;
      if (!origin || !isOwnOrigin(env, origin, request.headers.host)) {
        return { ok: false, status: 403, reason: "origin" };
      }
      const document = parseDocumentName(rawName);
      if (!document) return { ok: false, status: 404, reason: "unknown document" };
      const asked = await askerOf(request, document.name);
      if (!asked.ok) return asked;
      // A well-formed name of something that does not exist is refused like a forbidden one.
      const grant = await documentPermission(asked.asker, document);
      const roles = rolesOf(grant, asked.asker);
      if (!roles || !grant.owner) {
        return { ok: false, status: 403, reason: "forbidden" };
      }
      return {
        ok: true,
        documentName: document.name,
        permission: roles.permission,
        // A link holder with an account of their own is concerned by changes to that account.
        identity: {
          ...asked.identity,
          owner: grant.owner,
          userId: grant.accountId,
          linkActorLabel: grant.linkActorLabel,
          role: roles.role,
          self: roles.self,
        },
      };
    },

    async recheck(identity, documentName): Promise<RecheckAnswer> {
      let asker = identity.asker;
      if (asker.kind === "user") {
        const user = await sessionUserById(identity.sessionIdHash ?? "");
        if (!user) return "sessionEnded";
        asker = { kind: "user", user };
      }
      const document = parseDocumentName(documentName);
      const grant = document ? await documentPermission(asker, document) : null;
      const roles = grant ? rolesOf(grant, asker) : null;
      if (!roles) return "accessWithdrawn";
      identity.role = roles.role;
      identity.self = roles.self;
      return roles.permission;
    },

    acceptUpdate({ documentName, identity }, doc, update) {
      // Agendas and the plan's areas have parts that belong to different writers (ADR 014,
      // plan/policy.ts); other documents are edited whole by those who may edit them.
      const document = nameOf(doc, documentName);
      if (document?.kind === "agenda")
        return refusedChange(doc, update, identity.role, identity.self);
      if (document?.kind === "plan" && document.part !== null && document.part !== "crisis_plan")
        return refusedPlanChange(doc, update, identity.self);
      return null;
    },

    async watchAccess(listener) {
      return database.listen(ACCESS_CHANNEL, (payload) => {
        const change = parseAccessChange(payload);
        if (!change) return;
        listener((identity) =>
          "personId" in change
            ? identity.owner.personId === change.personId
            : identity.userId === change.userId,
        );
      });
    },

    opened({ documentName, identity, permission, ip }) {
      const document = parseDocumentName(documentName)!;
      const { asker, owner } = identity;
      recordAuditNow(
        asker.kind === "user"
          ? { userId: asker.user.id, municipalityId: asker.user.municipalityId, ip }
          : {
              label: identity.linkActorLabel ?? `invitation:${asker.invitationId}`,
              municipalityId: owner.municipalityId,
              ip,
            },
        {
          action: "document.open",
          subjectType: document.kind,
          subjectId: document.id,
          personId: owner.personId,
          details: { permission },
        },
      ).catch((error: unknown) =>
        logger().error({ err: safeError(error) }, "realtime: audit entry failed"),
      );
    },
  };
}

type Asked =
  | {
      ok: true;
      asker: DocumentAsker;
      identity: Omit<DocumentIdentity, "owner" | "linkActorLabel">;
    }
  | Extract<Authorisation<DocumentIdentity>, { ok: false }>;

/** The asker of an upgrade: an invitation ticket in the URL, or else the session cookie. */
async function askerOf(request: IncomingMessage, documentName: string): Promise<Asked> {
  const ticket = new URL(request.url ?? "/", "http://broen.invalid").searchParams.get("ticket");
  if (ticket) {
    const checked = verifyTicket(ticket, documentName);
    if (!checked.ok) return { ok: false, status: 401, reason: `ticket ${checked.reason}` };
    const asker: DocumentAsker = {
      kind: "invitation",
      invitationId: checked.invitationId,
      linkVersion: checked.linkVersion,
    };
    const key = `invitation:${checked.invitationId}:${checked.linkVersion}`;
    return {
      ok: true,
      asker,
      identity: { key, asker, sessionIdHash: null, userId: null, role: "read", self: null },
    };
  }
  const sessionIdHash = await sessionTokenHash(
    new Request("http://broen.invalid/", { headers: { Cookie: request.headers.cookie ?? "" } }),
  );
  const user = sessionIdHash ? await sessionUserById(sessionIdHash) : null;
  if (!user) return { ok: false, status: 401, reason: "no session" };
  const asker: DocumentAsker = { kind: "user", user };
  return {
    ok: true,
    asker,
    identity: {
      key: `session:${sessionIdHash}`,
      asker,
      sessionIdHash,
      userId: user.id,
      role: "read",
      self: null,
    },
  };
}

/** The application's logger, as the realtime engine takes it. */
export const realtimeLogger: RealtimeLogger = {
  debug: (fields, message) => logger().debug(fields, message),
  info: (fields, message) => logger().info(fields, message),
  warn: (fields, message) => logger().warn(fields, message),
  error: (fields, message) => logger().error(fields, message),
  describeError: safeError,
};
