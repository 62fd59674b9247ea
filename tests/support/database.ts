import crypto from "node:crypto";
import fs from "node:fs";
import postgres from "postgres";
import { inject } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../db/client";

/** A fresh copy of the migrated, seeded template: PGlite in memory, or a server database. */
export async function openTestDatabase(): Promise<
  DatabaseHandle & { drop(): Promise<void>; url?: string }
> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const template = inject("templateDatabase");
  if (serverUrl && template) {
    const name = `${new URL(serverUrl).pathname.slice(1)}_f${crypto.randomBytes(4).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template "${template}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ kind: "postgres", url: url.href, maxConnections: 5 });
    return {
      ...handle,
      url: url.href,
      drop: async () => {
        await handle.close();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const dumpFile = inject("templateDump");
  if (!dumpFile) throw new Error("the test template was not prepared (global setup)");
  const dump = new Blob([fs.readFileSync(dumpFile)]);
  const handle = await openDatabase({ kind: "pglite", loadDataDir: dump });
  return { ...handle, drop: () => handle.close() };
}
