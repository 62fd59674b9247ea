import fs from "node:fs";
import path from "node:path";
import type { Env } from "../app/env.server";
import { openDatabase, type DatabaseHandle } from "../db/client";
import { migrateDatabase } from "../db/migrate";

/** A failure at start-up that deserves one clear line, not a stack dump. */
export class StartupError extends Error {}

/** Opens the configured database (server or embedded), checks it answers and migrates it. */
export async function openConfiguredDatabase(env: Env): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (env.DATABASE_URL) {
    handle = await openDatabase({ kind: "postgres", url: env.DATABASE_URL });
    try {
      await handle.ping();
    } catch (error) {
      await handle.close().catch(() => {});
      throw new StartupError(
        `Cannot reach the database at ${describeUrl(env.DATABASE_URL)}: ${reason(error)}`,
      );
    }
  } else {
    const dataDir = path.resolve(env.BROEN_DATA_DIR, "pglite");
    try {
      fs.mkdirSync(dataDir, { recursive: true });
      handle = await openDatabase({ kind: "pglite", dataDir });
    } catch (error) {
      throw new StartupError(`Cannot open the embedded database in ${dataDir}: ${reason(error)}`);
    }
  }
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close().catch(() => {});
    throw new StartupError(`Database migrations failed: ${reason(error)}`);
  }
  return handle;
}

/** The host and database name only: never the password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (error as { code?: string }).code;
    const message = cause instanceof Error ? cause.message : error.message;
    return [code, message.split("\n")[0]].filter(Boolean).join(" ");
  }
  return String(error);
}

/**
 * Without SESSION_SECRET outside production, a random secret is kept in the data folder so
 * sessions survive a restart of the embedded demo.
 */
export function ensureSessionSecret(env: Env): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  const file = path.resolve(env.BROEN_DATA_DIR, "session-secret");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomUUID() + crypto.randomUUID(), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}
