import cluster, { type Worker } from "node:cluster";
import type { Env } from "../app/env.server";
import { logger } from "../app/utils/logger.server";
import { openConfiguredDatabase } from "./database";

/*
 * WEB_CONCURRENCY > 1 (PostgreSQL only): this process migrates the database once, then starts
 * that many server processes sharing the port (Node's cluster module hands them connections in
 * turn, WebSocket upgrades included). Live documents stay consistent across them through
 * LISTEN/NOTIFY (docs/realtime.md). A worker that dies after it was serving is replaced; one
 * that dies while starting stops everything (a bad start would only repeat). SIGTERM is passed
 * on, and this process exits once every worker has stopped. See decision 008.
 */
export async function runPrimary(env: Env): Promise<void> {
  const database = await openConfiguredDatabase(env); // checks it answers, migrates
  await database.close();

  let stopping = false;
  let failed = false;
  const serving = new WeakSet<Worker>();
  const start = () => {
    const worker = cluster.fork();
    worker.on("listening", () => serving.add(worker));
    return worker;
  };
  for (let i = 0; i < env.WEB_CONCURRENCY; i++) start();

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };

  cluster.on("exit", (worker, code, signal) => {
    if (!stopping) {
      if (!serving.has(worker)) {
        failed = true;
        stopAll("SIGTERM");
      } else {
        logger().error({ code, signal }, "a server process stopped; starting another");
        start();
      }
    }
    if (code !== 0 && code !== null) failed = true;
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });

  let listening = 0;
  cluster.on("listening", (_worker, address) => {
    listening++;
    if (listening === env.WEB_CONCURRENCY) {
      process.stdout.write(
        `\nBroen: http://localhost:${address.port}  (database: postgres, ${env.WEB_CONCURRENCY} processes)\n`,
      );
    }
  });

  process.on("SIGTERM", () => stopAll("SIGTERM"));
  process.on("SIGINT", () => stopAll("SIGINT"));
}
