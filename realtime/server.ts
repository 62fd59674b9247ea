import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import * as Y from "yjs";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { DatabaseHandle } from "../db/client";
import { CLOSE, Connection, type CloseReason } from "./connection";
import { DocumentRegistry, LiveDocument } from "./documents";
import { Fanout } from "./fanout";
import type { Authorisation, Identity, OpenConnection, RealtimeHooks } from "./hooks";
import { logger, safeError, useRealtimeLogger, type RealtimeLogger } from "./log";
import { RealtimeMetrics } from "./metrics";
import { Rechecker } from "./recheck";
import { installRealtime, type RealtimeHandle } from "./running";
import { mergeToState, storedUpdates, UpdateLog } from "./update-log";
import { refuseUpgrade, UpgradeLimiter } from "./upgrade";

export const REALTIME_PREFIX = "/realtime/";
/** The heartbeat period is cut into this many turns, each pinging its share of connections. */
const HEARTBEAT_SLICES = 10;

export interface RealtimeServer extends RealtimeHandle {
  documents: DocumentRegistry;
  log: UpdateLog;
  /** Stops accepting, stores what is pending, closes every socket with "going away". */
  close(): Promise<void>;
}

/** The engine's limits (docs/realtime.md); the application's validated environment fits. */
export interface RealtimeSettings {
  REALTIME_MAX_PAYLOAD: number;
  REALTIME_MESSAGES_PER_SECOND: number;
  REALTIME_UNLOAD_GRACE_MS: number;
  REALTIME_HEARTBEAT_MS: number;
  REALTIME_RECHECK_MS: number;
  REALTIME_UPGRADES_PER_MINUTE: number;
  REALTIME_WRITE_GATHER_MS: number;
  REALTIME_COMPACT_AFTER: number;
}

export interface RealtimeOptions<I extends Identity> {
  database: DatabaseHandle;
  settings: RealtimeSettings;
  hooks: RealtimeHooks<I>;
  logger?: RealtimeLogger;
}

/*
 * The WebSocket engine (docs/realtime.md): Yjs sync and awareness, the update log, fan-out
 * between processes, limits. Every upgrade on /realtime/<name> is authorised by the
 * application's `authorise` hook before the handshake; a refusal is a plain HTTP answer and
 * the socket is destroyed, so no Yjs frame is ever exchanged with a stranger.
 */
export async function attachRealtime<I extends Identity>(
  server: Server,
  options: RealtimeOptions<I>,
): Promise<RealtimeServer> {
  const { database, settings } = options;
  const hooks = options.hooks as unknown as RealtimeHooks;
  useRealtimeLogger(options.logger);
  const metrics = new RealtimeMetrics();
  const fanout: Fanout | null =
    database.kind === "postgres"
      ? new Fanout(
          database,
          (): DocumentRegistry => documents,
          (): UpdateLog => log,
          settings.REALTIME_WRITE_GATHER_MS,
        )
      : null;
  metrics.crossProcess = fanout;
  const log: UpdateLog = new UpdateLog(
    database.db,
    metrics,
    fanout,
    settings.REALTIME_WRITE_GATHER_MS,
  );
  const documents: DocumentRegistry = new DocumentRegistry(
    (name, onUnloaded) =>
      new LiveDocument(
        name,
        log,
        metrics,
        {
          unloadGraceMs: settings.REALTIME_UNLOAD_GRACE_MS,
          compactAfter: settings.REALTIME_COMPACT_AFTER,
          loaded: hooks.loaded,
          changed: hooks.changed,
          unloading: hooks.unloading,
          acceptUpdate: hooks.acceptUpdate
            ? (connection, doc, update) => {
                try {
                  return hooks.acceptUpdate!(describe(connection), doc, update);
                } catch (error) {
                  logger().error({ err: safeError(error) }, "realtime: acceptUpdate hook failed");
                  return "the check failed"; // fail closed: nothing unchecked is applied
                }
              }
            : undefined,
        },
        fanout,
        onUnloaded,
      ),
    metrics,
  );
  log.onStored = (name, ids) => {
    documents.get(name)?.rowsStored(ids);
    // After the rows are committed: a failing hook must not make the writer store them again.
    callHook("stored", () => hooks.stored?.(name));
  };
  const wss = new WebSocketServer({
    noServer: true,
    // Frames up to 4× the limit are read and refused with 4413, which y-websocket does not retry
    // (a 1009 from ws made it reconnect and send the same change again, in a loop).
    maxPayload: settings.REALTIME_MAX_PAYLOAD * 4,
    perMessageDeflate: false,
  });
  const connections = new Set<Connection>();
  let acceptedConnections = 0;
  const rechecker = new Rechecker(hooks, documents, metrics);
  const limiter = new UpgradeLimiter(settings.REALTIME_UPGRADES_PER_MINUTE);
  let closing = false;

  await fanout?.start();
  // Announcements so far: an upgrade whose authorisation overlapped one is checked again.
  let announcements = 0;
  const stopWatching = hooks.watchAccess
    ? await hooks.watchAccess((concerns) => {
        announcements++;
        void rechecker.recheckWhere(connections, concerns);
      })
    : async () => {};

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const url = new URL(request.url ?? "/", "http://broen.invalid");
    if (!url.pathname.startsWith(REALTIME_PREFIX)) return refuseUpgrade(socket, 404);
    if (closing) return refuseUpgrade(socket, 503);
    if (!limiter.allow(request.socket.remoteAddress ?? "unknown")) {
      metrics.refusedUpgrades++;
      return refuseUpgrade(socket, 429);
    }
    let documentName: string;
    try {
      documentName = decodeURIComponent(url.pathname.slice(REALTIME_PREFIX.length));
    } catch {
      return refuseUpgrade(socket, 404);
    }
    const announcementsBefore = announcements;
    // Called inside a promise so that a hook that throws at once is refused like one that rejects.
    Promise.resolve(documentName)
      .then((name) => hooks.authorise(request, name))
      .then(
        (result) => {
          if (!result.ok) {
            metrics.refusedUpgrades++;
            logger().info(
              { realtime: "refused", status: result.status, reason: result.reason },
              "realtime: upgrade refused",
            );
            return refuseUpgrade(socket, result.status);
          }
          if (socket.destroyed || closing) return socket.destroy();
          wss.handleUpgrade(request, socket, head, (ws) => {
            const connection = accept(
              ws,
              result.documentName ?? documentName,
              result,
              request.socket.remoteAddress ?? "unknown",
            );
            // Access may have changed while it was being decided.
            if (announcements !== announcementsBefore) void rechecker.recheck([connection]);
          });
        },
        (error: unknown) => {
          logger().error({ err: safeError(error) }, "realtime: authorising an upgrade failed");
          refuseUpgrade(socket, 503);
        },
      );
  });

  function accept(
    ws: WebSocket,
    documentName: string,
    grant: Extract<Authorisation<Identity>, { ok: true }>,
    ip: string,
  ): Connection {
    ws.on("error", (error) => {
      logger().debug({ err: safeError(error), document: documentName }, "realtime: socket error");
    });
    const connection = new Connection(
      ws,
      documentName,
      grant.identity,
      ip,
      grant.permission,
      settings.REALTIME_MESSAGES_PER_SECOND,
      (reason: CloseReason) => {
        if (reason === CLOSE.rateLimited) metrics.closed.rateLimited++;
        logger().info(
          { document: documentName, code: reason.code, reason: reason.reason },
          "realtime: connection closed by the server",
        );
      },
    );
    connection.heartbeatSlice = acceptedConnections++ % HEARTBEAT_SLICES;
    connections.add(connection);
    metrics.connections = connections.size;
    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        metrics.closed.malformed++;
        return connection.refuse(CLOSE.malformed);
      }
      const frame = toBytes(data);
      if (frame.length > settings.REALTIME_MAX_PAYLOAD) {
        metrics.closed.tooLarge++;
        return connection.refuse(CLOSE.changeTooLarge);
      }
      connection.receive(frame);
    });
    ws.on("pong", () => {
      connection.alive = true;
    });
    ws.on("close", (code: number) => {
      if (code === 1009) metrics.closed.tooLarge++;
      connection.closed = true;
      connections.delete(connection);
      metrics.connections = connections.size;
      documents.get(documentName)?.detach(connection);
      callHook("closed", () => hooks.closed?.(describe(connection)));
    });
    void documents.attach(documentName, connection);
    logger().info(
      { document: documentName, permission: grant.permission },
      "realtime: connection opened",
    );
    callHook("opened", () => hooks.opened?.(describe(connection)));
    return connection;
  }

  const recheckTimer = setInterval(
    () => void rechecker.recheckInTurn(connections),
    settings.REALTIME_RECHECK_MS,
  );
  recheckTimer.unref();

  // The pings go out in slices over the period, not all in one moment (200 connections took
  // ~5 ms at once): each connection is still pinged once a period, and cut off at its next
  // turn when it did not answer.
  let heartbeatTurn = 0;
  const heartbeat = setInterval(() => {
    const slice = heartbeatTurn++ % HEARTBEAT_SLICES;
    for (const connection of connections) {
      if (connection.heartbeatSlice !== slice) continue;
      if (!connection.alive) {
        metrics.closed.heartbeat++;
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, settings.REALTIME_HEARTBEAT_MS / HEARTBEAT_SLICES);
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
    // The stored rows merged with the loaded document, if any: the loaded document holds this
    // process's updates not yet stored, the rows those other processes stored that may not
    // have reached it yet. Merged in this module's merge lane.
    readState: async (name) => {
      const stored = await storedUpdates(database.db, name);
      const live = liveState(name);
      return mergeToState(live ? [...stored, live] : stored);
    },
    change: async (name, apply) => {
      const value = await documents.change(name, apply);
      await log.flush();
      return value;
    },
    close: () => {
      closed ??= (async () => {
        closing = true;
        clearInterval(recheckTimer);
        clearInterval(heartbeat);
        clearInterval(sampler);
        metrics.stop();
        await stopWatching().catch(() => {});
        await fanout?.stop().catch(() => {});
        const sockets = [...connections].map(
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

const describe = (connection: Connection): OpenConnection<Identity> => ({
  documentName: connection.documentName,
  identity: connection.identity,
  permission: connection.permission,
  ip: connection.ip,
});

/** A hook's failure is logged and never reaches the socket or the process. */
function callHook(name: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    logger().error({ err: safeError(error), hook: name }, "realtime: hook failed");
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
