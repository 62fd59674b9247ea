import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
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

// While recordStatements runs, every statement sent through drizzle in this process, on both
// drivers (also from the Remix build's own copy of this module, hence globalThis).
const counter = globalThis as typeof globalThis & { __broenStatementLog?: string[] };
const counting = {
  logQuery: (query: string) => {
    counter.__broenStatementLog?.push(query);
  },
};

/**
 * Runs `work` and returns the SQL text of every statement sent meanwhile (tests: "which
 * statements did this page cost"). Not for concurrent use.
 */
export async function recordStatements(work: () => Promise<unknown>): Promise<string[]> {
  const log: string[] = [];
  counter.__broenStatementLog = log;
  try {
    await work();
  } finally {
    counter.__broenStatementLog = undefined;
  }
  return log;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    const client = postgres(target.url, {
      max: target.maxConnections ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
    });
    const db = drizzlePostgres(preparing(client), {
      schema,
      logger: counting,
    }) as unknown as Database;
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
    // Trigram similarity for the offerings search (migration 0016, ADR 024).
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(client, { schema, logger: counting }) as unknown as Database;
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
 * drizzle runs every query through postgres.js `unsafe(text, params, { prepare: false })`
 * unless the query was built with .prepare(). An unprepared query with parameters costs
 * postgres.js two round trips (Parse/Describe, wait for the parameter types, then
 * Bind/Execute), and PostgreSQL parses and plans it again each time. As named prepared
 * statements, cached per connection by their text, a query is one round trip from its second
 * use on a connection (issue 3).
 * Statements are per connection and go with it; postgres.js recycles connections after
 * 30–60 minutes (max_lifetime), which bounds the cache, and it re-prepares a statement
 * that a schema change invalidated.
 */
function preparing(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === "unsafe") {
        return (text: string, params?: postgres.ParameterOrJSON<never>[], options?: object) =>
          // Without parameters postgres.js sends a simple query: one round trip already.
          target.unsafe(text, params, params?.length ? { ...options, prepare: true } : options);
      }
      if (key === "begin" || key === "savepoint") {
        // Transactions hand drizzle a connection of their own: prepare there too.
        return (...args: unknown[]) => {
          const body = args.pop() as (sql: postgres.Sql) => unknown;
          const start = Reflect.get(target, key, receiver) as (...a: unknown[]) => unknown;
          return start.call(target, ...args, (sql: postgres.Sql) => body(preparing(sql)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
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
