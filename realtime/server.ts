import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import * as Y from "yjs";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import {
  ACCESS_CHANNEL,
  parseAccessChange,
  type AccessChange,
} from "../app/models/access-events.server";
import { recordAudit } from "../app/models/audit.server";
import {
  documentPermission,
  parseDocumentName,
  verifyTicket,
  type DocumentAsker,
  type DocumentGrant,
  type DocumentName,
} from "../app/models/document-access.server";
import { sessionTokenHash, sessionUserById, type SessionUser } from "../app/models/session.server";
import type { Env } from "../app/env.server";
import { logger, safeError } from "../app/utils/logger.server";
import type { DatabaseHandle } from "../db/client";
import { isOwnOrigin } from "../server/security";
import { CLOSE, Connection, type CloseReason, type ConnectionIdentity } from "./connection";
import { DocumentRegistry, LiveDocument } from "./documents";
import { Fanout } from "./fanout";
import { RealtimeMetrics } from "./metrics";
import { installRealtime, type RealtimeHandle } from "./running";
import { mergeToState, storedUpdates, UpdateLog } from "./update-log";

export const REALTIME_PREFIX = "/realtime/";

export interface RealtimeServer extends RealtimeHandle {
  documents: DocumentRegistry;
  log: UpdateLog;
  /** Stops accepting, stores what is pending, closes every socket with "going away". */
  close(): Promise<void>;
}

type Authorised = {
  ok: true;
  document: DocumentName;
  identity: ConnectionIdentity;
  grant: DocumentGrant & { permission: "edit" | "read"; personId: string };
};
type Refused = { ok: false; status: 400 | 401 | 403 | 404 | 429 | 503; reason: string };

const STATUS_TEXT: Record<Refused["status"], string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/*
 * The WebSocket half of Broen (docs/realtime.md). Every upgrade on /realtime/<kind>:<id> is
 * authorised before the handshake: the Origin, then the session cookie (or an invitation
 * ticket), then the permission from app/models/document-access.server.ts. A refusal is a plain
 * HTTP answer and the socket is destroyed; no Yjs frame is ever exchanged with a stranger.
 */
export async function attachRealtime(
  server: Server,
  options: { database: DatabaseHandle; env: Env },
): Promise<RealtimeServer> {
  const { database, env } = options;
  const metrics = new RealtimeMetrics();
  const fanout: Fanout | null =
    database.kind === "postgres"
      ? new Fanout(
          database,
          (): DocumentRegistry => documents,
          (): UpdateLog => log,
        )
      : null;
  const log: UpdateLog = new UpdateLog(database.db, metrics, fanout, env.REALTIME_WRITE_GATHER_MS);
  const documents: DocumentRegistry = new DocumentRegistry(
    (name, onUnloaded) =>
      new LiveDocument(
        name,
        log,
        metrics,
        { unloadGraceMs: env.REALTIME_UNLOAD_GRACE_MS, compactAfter: env.REALTIME_COMPACT_AFTER },
        fanout,
        onUnloaded,
      ),
    metrics,
  );
  log.onStored = (name, ids) => documents.get(name)?.rowsStored(ids);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: env.REALTIME_MAX_PAYLOAD,
    perMessageDeflate: false,
  });
  const connections = new Map<Connection, DocumentName>();
  let closing = false;

  await fanout?.start();
  const stopListening = await database.listen(ACCESS_CHANNEL, (payload) => {
    const change = parseAccessChange(payload);
    if (change) recheckWhere(change);
  });

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const url = new URL(request.url ?? "/", "http://broen.invalid");
    if (!url.pathname.startsWith(REALTIME_PREFIX)) {
      return refuse(socket, { ok: false, status: 404, reason: "not found" });
    }
    if (closing) return refuse(socket, { ok: false, status: 503, reason: "shutting down" });
    if (!upgradeAllowed(request.socket.remoteAddress ?? "unknown")) {
      metrics.refusedUpgrades++;
      return refuse(socket, { ok: false, status: 429, reason: "too many attempts" });
    }
    authorise(request, url).then(
      (result) => {
        if (!result.ok) {
          metrics.refusedUpgrades++;
          logger().info(
            { realtime: "refused", status: result.status, reason: result.reason },
            "realtime: upgrade refused",
          );
          return refuse(socket, result);
        }
        if (socket.destroyed || closing) return socket.destroy();
        wss.handleUpgrade(request, socket, head, (ws) => accept(ws, result));
      },
      (error: unknown) => {
        logger().error({ err: safeError(error) }, "realtime: authorising an upgrade failed");
        refuse(socket, { ok: false, status: 503, reason: "try again later" });
      },
    );
  });

  // Upgrade attempts per address and minute: each attempt costs queries before it is refused.
  let attemptsWindow = { startedAt: Date.now(), counts: new Map<string, number>() };
  function upgradeAllowed(address: string): boolean {
    const now = Date.now();
    if (now - attemptsWindow.startedAt >= 60_000) {
      attemptsWindow = { startedAt: now, counts: new Map() };
    }
    const count = (attemptsWindow.counts.get(address) ?? 0) + 1;
    attemptsWindow.counts.set(address, count);
    return count <= env.REALTIME_UPGRADES_PER_MINUTE;
  }

  async function authorise(request: IncomingMessage, url: URL): Promise<Authorised | Refused> {
    const origin = request.headers.origin;
    if (!origin || !isOwnOrigin(env, origin, request.headers.host)) {
      return { ok: false, status: 403, reason: "origin" };
    }
    let rawName: string;
    try {
      rawName = decodeURIComponent(url.pathname.slice(REALTIME_PREFIX.length));
    } catch {
      return { ok: false, status: 404, reason: "unknown document" };
    }
    const document = parseDocumentName(rawName);
    if (!document) return { ok: false, status: 404, reason: "unknown document" };

    const ip = request.socket.remoteAddress ?? "unknown";
    let asker: DocumentAsker;
    let sessionIdHash: string | null = null;
    const ticket = url.searchParams.get("ticket");
    if (ticket) {
      const checked = verifyTicket(ticket, document.name);
      if (!checked.ok) return { ok: false, status: 401, reason: `ticket ${checked.reason}` };
      asker = { kind: "invitation", invitationId: checked.invitationId };
    } else {
      sessionIdHash = await sessionTokenHash(
        new Request("http://broen.invalid/", { headers: { Cookie: request.headers.cookie ?? "" } }),
      );
      const user = sessionIdHash ? await sessionUserById(sessionIdHash) : null;
      if (!user) return { ok: false, status: 401, reason: "no session" };
      asker = { kind: "user", user };
    }
    // A well-formed name of something that does not exist is refused like a forbidden one.
    const grant = await documentPermission(asker, document);
    if (grant.permission === "none" || !grant.personId) {
      return { ok: false, status: 403, reason: "forbidden" };
    }
    return {
      ok: true,
      document,
      grant: { ...grant, permission: grant.permission, personId: grant.personId },
      identity: {
        asker,
        sessionIdHash,
        userId: asker.kind === "user" ? asker.user.id : null,
        ip,
      },
    };
  }

  function accept(ws: WebSocket, auth: Authorised): void {
    ws.on("error", (error) => {
      logger().debug(
        { err: safeError(error), document: describe(auth.document) },
        "realtime: socket error",
      );
    });
    const connection = new Connection(
      ws,
      auth.identity,
      auth.grant,
      env.REALTIME_MESSAGES_PER_SECOND,
      (reason: CloseReason) => {
        if (reason === CLOSE.rateLimited) metrics.closed.rateLimited++;
        logger().info(
          { document: describe(auth.document), code: reason.code, reason: reason.reason },
          "realtime: connection closed by the server",
        );
      },
    );
    connections.set(connection, auth.document);
    metrics.connections = connections.size;
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        metrics.closed.malformed++;
        return connection.refuse(CLOSE.malformed);
      }
      connection.receive(toBytes(data));
    });
    ws.on("pong", () => {
      connection.alive = true;
    });
    ws.on("close", (code: number) => {
      if (code === 1009) metrics.closed.tooLarge++;
      connection.closed = true;
      connections.delete(connection);
      metrics.connections = connections.size;
      documents.get(auth.document.name)?.detach(connection);
    });
    void documents.attach(auth.document.name, connection);
    logger().info(
      { document: describe(auth.document), permission: auth.grant.permission },
      "realtime: connection opened",
    );
    const { asker } = auth.identity;
    recordAudit(
      asker.kind === "user"
        ? { userId: asker.user.id, municipalityId: asker.user.municipalityId, ip: auth.identity.ip }
        : {
            label: `invitation:${asker.invitationId}`,
            municipalityId: auth.grant.municipalityId,
            ip: auth.identity.ip,
          },
      {
        action: "document.open",
        subjectType: auth.document.kind,
        subjectId: auth.document.id,
        personId: auth.grant.personId,
        details: { permission: auth.grant.permission },
      },
    ).catch((error: unknown) =>
      logger().error({ err: safeError(error) }, "realtime: audit entry failed"),
    );
  }

  // Access checked again: on every announced change that concerns the connection, and on a
  // timer for what changes by itself (consent expiring at midnight, sessions timing out).
  const rechecking = new Set<Connection>();
  /**
   * Checks these connections again. Connections of one session (or invitation) on one document
   * share one answer: a user with many tabs, or many users of one session, cost one check.
   */
  async function recheck(targets: [Connection, DocumentName][]): Promise<void> {
    const sessions = new Map<string, Promise<SessionUser | null>>();
    const grants = new Map<string, Promise<DocumentGrant>>();
    const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
      let pending = cache.get(key);
      if (!pending) cache.set(key, (pending = load()));
      return pending;
    };
    await Promise.all(
      targets.map(async ([connection, document]) => {
        if (rechecking.has(connection) || connection.closed) return;
        rechecking.add(connection);
        try {
          let asker = connection.identity.asker;
          let askerKey: string;
          if (asker.kind === "user") {
            const hash = connection.identity.sessionIdHash ?? "";
            const user = await once(sessions, hash, () => sessionUserById(hash));
            if (!user) {
              metrics.closed.revoked++;
              return connection.refuse(CLOSE.sessionEnded);
            }
            asker = { kind: "user", user };
            askerKey = `session:${hash}`;
          } else {
            askerKey = `invitation:${asker.invitationId}`;
          }
          const current = asker;
          const grant = await once(grants, `${askerKey}|${document.name}`, () =>
            documentPermission(current, document),
          );
          if (grant.permission === "none") {
            metrics.closed.revoked++;
            return connection.refuse(CLOSE.accessWithdrawn);
          }
          if (connection.permission === "edit" && grant.permission === "read") {
            documents.get(document.name)?.tellReadOnly(connection);
          }
          connection.permission = grant.permission;
        } catch (error) {
          logger().warn({ err: safeError(error) }, "realtime: checking access again failed");
        } finally {
          rechecking.delete(connection);
        }
      }),
    );
  }

  function recheckWhere(change: AccessChange): void {
    void recheck(
      [...connections].filter(([connection]) =>
        "personId" in change
          ? connection.personId === change.personId
          : connection.identity.userId === change.userId,
      ),
    );
  }

  const recheckTimer = setInterval(() => void recheck([...connections]), env.REALTIME_RECHECK_MS);
  recheckTimer.unref();

  const heartbeat = setInterval(() => {
    for (const connection of connections.keys()) {
      if (!connection.alive) {
        metrics.closed.heartbeat++;
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, env.REALTIME_HEARTBEAT_MS);
  heartbeat.unref();

  const sampler = setInterval(() => metrics.sample(), 1000);
  sampler.unref();

  const liveState = (name: string) => {
    const live = documents.get(name);
    return live?.isReady ? Y.encodeStateAsUpdate(live.doc) : null;
  };

  let closed: Promise<void> | undefined;
  const realtime: RealtimeServer = {
    metrics,
    documents,
    log,
    flush: () => log.flush(),
    liveState,
    // A loaded document holds every stored and received update: no flush, no database.
    // Otherwise the stored rows, merged in this module's merge lane.
    readState: async (name) =>
      liveState(name) ?? mergeToState(await storedUpdates(database.db, name)),
    close: () => {
      closed ??= (async () => {
        closing = true;
        clearInterval(recheckTimer);
        clearInterval(heartbeat);
        clearInterval(sampler);
        metrics.stop();
        await stopListening().catch(() => {});
        await fanout?.stop().catch(() => {});
        const sockets = [...connections.keys()].map(
          (connection) =>
            new Promise<void>((resolve) => {
              if (connection.socket.readyState === connection.socket.CLOSED) return resolve();
              connection.socket.once("close", () => resolve());
              connection.refuse(CLOSE.goingAway);
            }),
        );
        await log.flush();
        await Promise.all(sockets);
        await log.flush();
        documents.destroyAll();
        wss.close();
        installRealtime(undefined);
      })();
      return closed;
    },
  };
  installRealtime(realtime);
  return realtime;
}

function refuse(socket: Duplex, result: Refused): void {
  const status = result.status;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`,
    () => socket.destroy(),
  );
}

const describe = (document: DocumentName) => ({ kind: document.kind, id: document.id });

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
