import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = "pglite" | "postgres";

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /**
   * LISTEN on a channel (NOTIFY is sent with pg_notify in SQL, so it is delivered on commit).
   * `onListen` runs whenever listening (re)starts: a caller can catch up on what it missed.
   * Returns the function that stops listening.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: "postgres"; url: string; maxConnections?: number }
  | { kind: "pglite"; dataDir?: string; loadDataDir?: Blob | File };

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    const client = postgres(target.url, {
      max: target.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return {
      db,
      kind: "postgres",
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      listen: async (channel, onMessage, onListen) => {
        const { unlisten } = await client.listen(channel, onMessage, onListen);
        return unlisten;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  // No dataDir: in memory (tests). PGlite is a single connection; see ENGINEERING.md.
  const client = await PGlite.create({
    dataDir: target.dataDir,
    loadDataDir: target.loadDataDir,
  });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: "pglite",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: async (channel, onMessage, onListen) => {
      const unlisten = await client.listen(channel, onMessage);
      onListen?.();
      return unlisten;
    },
    close: () => client.close(),
  };
}

/*
 * One database per process, shared by the HTTP server, the Remix build (which bundles its own
 * copy of this module), realtime and scripts — hence a globalThis slot, not a module variable.
 */
const slot = globalThis as typeof globalThis & { __broenDatabase?: DatabaseHandle };

export function installDatabase(handle: DatabaseHandle): void {
  slot.__broenDatabase = handle;
}

export function getDatabase(): DatabaseHandle {
  const handle = slot.__broenDatabase;
  if (!handle) throw new Error("Broen's database has not been opened in this process");
  return handle;
}

export { schema };
