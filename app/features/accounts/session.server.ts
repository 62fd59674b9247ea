import { createCookie, redirect, type AppLoadContext } from "@remix-run/node";
import { eq, lt, or, sql } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { roleAssignments, sessions, users, type Role } from "../../../db/schema";
import { env, servedOverHttps } from "../../env.server";
import { hashToken, newToken } from "../../utils/tokens.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { can, type Permission } from "../access/permissions";
import { announceAccessChange } from "../access/access-events.server";

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often, so browsing does not write on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

let cookie: ReturnType<typeof createCookie> | undefined;
function sessionCookie() {
  const secure = servedOverHttps(); // and then the __Host- prefix too
  cookie ??= createCookie(secure ? "__Host-broen_session" : "broen_session", {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SESSION_ABSOLUTE_MS / 1000,
    secrets: [env().SESSION_SECRET ?? ""],
  });
  return cookie;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  municipalityId: string;
  partnerOrganisationId: string | null;
  roles: Role[];
  /** Each role with the unit it is bound to (a coordinator's unit decides what they oversee). */
  assignments: { role: Role; unitId: string | null }[];
  sessionIdHash: string;
}

/**
 * Creates a session and returns the Set-Cookie header value. A session the browser already
 * had is ended, so a new login never keeps an old (possibly planted) session id alive.
 */
export async function createSession(
  userId: string,
  meta: { ip: string; userAgent: string | null; previousSessionHash?: string | null },
  tx: Database = getDatabase().db,
): Promise<string> {
  const { token, hash } = newToken();
  const now = Date.now();
  if (meta.previousSessionHash) {
    await tx.delete(sessions).where(eq(sessions.idHash, meta.previousSessionHash));
  }
  await tx.insert(sessions).values({
    idHash: hash,
    userId,
    lastSeenAt: new Date(now),
    expiresAt: new Date(now + SESSION_ABSOLUTE_MS),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return sessionCookie().serialize(token);
}

export async function destroySessionCookie(): Promise<string> {
  return sessionCookie().serialize("", { maxAge: 0 });
}

export async function sessionTokenHash(request: Request): Promise<string | null> {
  const token = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof token === "string" && token.length > 0 ? hashToken(token) : null;
}

// Remix hands each loader of a request its own copy of the Request, but the same load context.
// For GET and HEAD the root and the page loader share one lookup through the context. Not for
// other methods: there the action runs first and may end or change the session (log out,
// roles) before the loaders read it again.
const perRequest = new WeakMap<Request, Promise<SessionUser | null>>();

export function getSessionUser(
  request: Request,
  context: AppLoadContext,
): Promise<SessionUser | null> {
  const shared = request.method === "GET" || request.method === "HEAD";
  if (shared && context.sessionUser) return context.sessionUser;
  let pending = perRequest.get(request);
  if (!pending) {
    pending = loadSessionUser(request);
    perRequest.set(request, pending);
  }
  if (shared) context.sessionUser = pending;
  return pending;
}

async function loadSessionUser(request: Request): Promise<SessionUser | null> {
  const idHash = await sessionTokenHash(request);
  if (!idHash) return null;
  return sessionUserById(idHash);
}

/**
 * A user with their role assignments aggregated: the columns every SessionUser is built from.
 * The outer user is named in full ("users"."id"): in a select from users alone drizzle writes
 * its columns without the table, and "id" inside the subquery would be role_assignments.id.
 */
const USER_COLUMNS = {
  id: users.id,
  name: users.name,
  email: users.email,
  municipalityId: users.municipalityId,
  partnerOrganisationId: users.partnerOrganisationId,
  active: users.active,
  assignments: sql<{ role: Role; unitId: string | null }[] | string>`coalesce((
    select json_agg(json_build_object('role', ${roleAssignments.role}, 'unitId', ${roleAssignments.unitId}))
    from ${roleAssignments} where ${roleAssignments.userId} = "users"."id"
  ), '[]'::json)`,
};

type UserRow = {
  id: string;
  name: string;
  email: string;
  municipalityId: string;
  partnerOrganisationId: string | null;
  assignments: { role: Role; unitId: string | null }[] | string;
};

/** The one way a SessionUser is built from USER_COLUMNS (with or without a session). */
function toSessionUser(row: UserRow, sessionIdHash: string): SessionUser {
  // postgres.js parses json; PGlite may hand it over as text.
  const assignments: { role: Role; unitId: string | null }[] =
    typeof row.assignments === "string" ? JSON.parse(row.assignments) : row.assignments;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    municipalityId: row.municipalityId,
    partnerOrganisationId: row.partnerOrganisationId,
    roles: [...new Set(assignments.map((a) => a.role))],
    assignments,
    sessionIdHash,
  };
}

/*
 * One round trip for the session, the user and their roles: it runs on every request. Built
 * once per database (drizzle's query building costs more than PostgreSQL answering it).
 */
function buildSessionQuery(db: Database) {
  return db
    .select({ lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt, ...USER_COLUMNS })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, sql.placeholder("idHash")))
    .limit(1)
    .prepare("session_user");
}
const sessionQueries = new WeakMap<Database, ReturnType<typeof buildSessionQuery>>();

/** Also used by the realtime server: a live connection keeps its session alive. */
export async function sessionUserById(idHash: string): Promise<SessionUser | null> {
  const { db } = getDatabase();
  let query = sessionQueries.get(db);
  if (!query) {
    query = buildSessionQuery(db);
    sessionQueries.set(db, query);
  }
  const [row] = await query.execute({ idHash });
  if (!row) return null;

  const now = Date.now();
  const idle = row.lastSeenAt.getTime() + SESSION_IDLE_MS < now;
  const expired = row.expiresAt.getTime() < now;
  if (idle || expired || !row.active) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.idHash, idHash));
  }
  return toSessionUser(row, idHash);
}

/** A user as the access rules see them, without a session (calendar feeds, background work). */
export async function accessUserById(userId: string): Promise<SessionUser | null> {
  const [row] = await getDatabase()
    .db.select(USER_COLUMNS)
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.active ? toSessionUser(row, "") : null;
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  const query = back === "/" ? "" : `?redirectTo=${encodeURIComponent(back)}`;
  return redirect(`/login${query}`);
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<SessionUser> {
  const user = await getSessionUser(request, context);
  if (!user) throw loginRedirect(request);
  return user;
}

/** Every protected loader and action starts here. */
export async function requirePermission(
  request: Request,
  context: AppLoadContext,
  permission: Permission,
): Promise<SessionUser> {
  const user = await requireUser(request, context);
  if (!can(user.roles, permission)) {
    throw new Response("Ingen tilgang. / No access.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  return user;
}

/** Logout: ends this session, logged in the same transaction. */
export async function logOut(user: SessionUser, context: { clientIp: string }): Promise<void> {
  await getDatabase().db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.idHash, user.sessionIdHash));
    await recordAudit(
      auditActor(user, context),
      { action: "auth.logout", subjectType: "user", subjectId: user.id },
      tx,
    );
    await announceAccessChange(tx, { userId: user.id });
  });
}

/** "Log out all my sessions": ends every session of the user, this one included. */
export async function logOutEverywhere(
  user: SessionUser,
  context: { clientIp: string },
): Promise<void> {
  await getDatabase().db.transaction(async (tx) => {
    const removed = await tx
      .delete(sessions)
      .where(eq(sessions.userId, user.id))
      .returning({ idHash: sessions.idHash });
    await recordAudit(
      auditActor(user, context),
      {
        action: "auth.logout_all",
        subjectType: "user",
        subjectId: user.id,
        details: { sessions: removed.length },
      },
      tx,
    );
    await announceAccessChange(tx, { userId: user.id });
  });
}

export async function listSessions(userId: string) {
  return getDatabase()
    .db.select({
      idHash: sessions.idHash,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(sql`${sessions.lastSeenAt} desc`);
}

/** Removes sessions past their idle or absolute limit. */
export async function pruneExpiredSessions(): Promise<void> {
  const now = Date.now();
  await getDatabase()
    .db.delete(sessions)
    .where(
      or(
        lt(sessions.expiresAt, new Date(now)),
        lt(sessions.lastSeenAt, new Date(now - SESSION_IDLE_MS)),
      ),
    );
}
