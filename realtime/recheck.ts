import type { Connection } from "./connection";
import type { DocumentRegistry } from "./documents";
import type { Identity, RealtimeHooks, RecheckAnswer } from "./hooks";
import { CLOSE } from "./connection";
import { logger, safeError } from "./log";
import type { RealtimeMetrics } from "./metrics";

/** Identities the periodic pass checks at the same time. */
const PERIODIC_CHECKS_AT_ONCE = 4;

/**
 * Asks the application again about open connections: on every announced access change that
 * concerns them, and on a timer for what changes by itself (consent expiring at midnight,
 * sessions timing out). Connections with the same identity key on one document share one
 * answer, so a user with many tabs costs one check. A connection is never checked twice at once.
 */
export class Rechecker {
  private readonly running = new Set<Connection>();
  /** Connections asked about again while a check of theirs ran: checked once more after it. */
  private readonly again = new Set<Connection>();

  constructor(
    private readonly hooks: RealtimeHooks,
    private readonly documents: DocumentRegistry,
    private readonly metrics: RealtimeMetrics,
  ) {}

  async recheck(targets: Iterable<Connection>): Promise<void> {
    const answers = new Map<string, Promise<RecheckAnswer>>();
    await Promise.all(
      [...targets].map(async (connection) => {
        if (connection.closed) return;
        if (this.running.has(connection)) {
          // Its running check may have read the database before the change being announced.
          this.again.add(connection);
          return;
        }
        this.running.add(connection);
        try {
          const key = `${connection.identity.key}|${connection.documentName}`;
          let pending = answers.get(key);
          if (!pending) {
            pending = this.hooks.recheck(connection.identity, connection.documentName);
            answers.set(key, pending);
          }
          this.apply(connection, await pending);
        } catch (error) {
          logger().warn({ err: safeError(error) }, "realtime: checking access again failed");
        } finally {
          this.running.delete(connection);
        }
        if (this.again.delete(connection)) await this.recheck([connection]);
      }),
    );
  }

  /**
   * The periodic pass: every connection, a few identities (key and document) at a time. All at
   * once, the pass over the benchmark's 200 connections started 40 checks of several queries
   * each in one moment, a burst of work for the event loop and the database every minute.
   */
  async recheckInTurn(
    targets: Iterable<Connection>,
    concurrency = PERIODIC_CHECKS_AT_ONCE,
  ): Promise<void> {
    const groups = new Map<string, Connection[]>();
    for (const connection of targets) {
      const key = `${connection.identity.key}|${connection.documentName}`;
      const group = groups.get(key);
      if (group) group.push(connection);
      else groups.set(key, [connection]);
    }
    const queue = [...groups.values()];
    const turn = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) await this.recheck(group);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, turn));
  }

  /** The connections an announcement concerns, checked at once. */
  recheckWhere(connections: Iterable<Connection>, concerns: (identity: Identity) => boolean) {
    const targets = [...connections].filter((connection) => {
      try {
        return concerns(connection.identity);
      } catch (error) {
        logger().warn({ err: safeError(error) }, "realtime: an access announcement failed");
        return true; // when in doubt, check
      }
    });
    return this.recheck(targets);
  }

  private apply(connection: Connection, answer: RecheckAnswer): void {
    if (answer === "sessionEnded" || answer === "accessWithdrawn") {
      this.metrics.closed.revoked++;
      return connection.refuse(CLOSE[answer]);
    }
    if (connection.permission === "edit" && answer === "read") {
      this.documents.get(connection.documentName)?.tellReadOnly(connection);
    }
    connection.permission = answer;
  }
}
