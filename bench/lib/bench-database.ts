/*
 * A throw-away database for one benchmark run: a fresh `broen_bench_<random>` on the local
 * PostgreSQL server (dropped at the end, also on failure), or, when PostgreSQL does not answer,
 * the embedded database (PGlite) in a temporary folder.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import postgres from "postgres";

type Row = Record<string, unknown>;

export interface BenchDatabase {
  kind: "postgres" | "pglite";
  /** Where it lives, without any password. */
  label: string;
  /** Why PostgreSQL was not used, when kind is "pglite". */
  fallbackReason: string | null;
  /** DATABASE_URL or BROEN_DATA_DIR for the server and the seed script. */
  serverEnv: Record<string, string | undefined>;
  /** PGlite is one process at a time: the server must be stopped while the bench queries it. */
  exclusive: boolean;
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Closes the benchmark's own connection (before the server opens a PGlite folder). */
  release(): Promise<void>;
  /** Drops the database / removes the folder. Safe to call more than once. */
  drop(): Promise<void>;
  /** Last resort from a process "exit" handler, where nothing can be awaited. */
  dropSync(): void;
}

const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const CONNECT_TIMEOUT_S = 3;

function describeUrl(url: URL): string {
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return [code, message].filter(Boolean).join(" ");
}

/**
 * PostgreSQL if it answers (and BENCH_DB is not "pglite"), otherwise the embedded database;
 * `kind: "pglite"` asks for the embedded one.
 */
export async function openBenchDatabase(kind?: "pglite"): Promise<BenchDatabase> {
  if (kind === "pglite") return embedded("the embedded database was asked for");
  if (process.env.BENCH_DB === "pglite") return embedded("BENCH_DB=pglite was set");
  const adminUrl = new URL(ADMIN_URL);
  const admin = postgres(ADMIN_URL, {
    max: 1,
    connect_timeout: CONNECT_TIMEOUT_S,
    onnotice: () => {},
  });
  const name = `broen_bench_${crypto.randomBytes(6).toString("hex")}`;
  try {
    await admin`select 1`;
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    return embedded(`PostgreSQL at ${describeUrl(adminUrl)} did not answer: ${reason(error)}`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = postgres(url.href, { max: 2, connect_timeout: 10, onnotice: () => {} });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    await client.end({ timeout: 2 }).catch(() => {});
    // WITH (FORCE): a server killed mid-run may leave connections behind (PostgreSQL 13+).
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    dropped = true;
    await admin.end({ timeout: 2 }).catch(() => {});
  };
  return {
    kind: "postgres",
    label: `PostgreSQL ${describeUrl(url)}`,
    fallbackReason: null,
    serverEnv: { DATABASE_URL: url.href, BROEN_DATA_DIR: undefined },
    exclusive: false,
    query: async <T extends Row>(text: string, params: unknown[] = []) =>
      (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    release: async () => {},
    drop,
    dropSync() {
      if (dropped) return;
      spawnSync("psql", [ADMIN_URL, "-q", "-c", `drop database if exists "${name}" with (force)`], {
        stdio: "ignore",
        timeout: 5_000,
      });
      dropped = true;
    },
  };
}

function embedded(why: string): BenchDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-bench-calendar-"));
  let client: PGlite | null = null;
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const release = async () => {
    await client?.close();
    client = null;
  };
  return {
    kind: "pglite",
    label: `PGlite ${dir}`,
    fallbackReason: why,
    serverEnv: { DATABASE_URL: undefined, BROEN_DATA_DIR: dir },
    exclusive: true,
    async query<T extends Row>(text: string, params: unknown[] = []) {
      // The same folder the server uses (server/database.ts: <BROEN_DATA_DIR>/pglite).
      client ??= await PGlite.create({
        dataDir: path.join(dir, "pglite"),
        extensions: { pg_trgm },
      });
      return (await client.query<T>(text, params)).rows;
    },
    release,
    async drop() {
      await release().catch(() => {});
      remove();
    },
    dropSync: remove,
  };
}
