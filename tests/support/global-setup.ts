import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedDemoData } from "../../db/seed";

/*
 * Builds one migrated, seeded template per run. Each test file then gets a fresh copy:
 * on PGlite a loaded data dump, on PostgreSQL a `CREATE DATABASE … TEMPLATE`.
 * TEST_DATABASE_URL names the server database created for this run (by .ci/run);
 * the copies are named after it and dropped again.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const base = new URL(serverUrl);
    const template = `${base.pathname.slice(1)}_tmpl_${crypto.randomBytes(3).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${template}"`);
    const templateUrl = new URL(serverUrl);
    templateUrl.pathname = `/${template}`;
    const handle = await openDatabase({
      kind: "postgres",
      url: templateUrl.href,
      maxConnections: 1,
    });
    await migrateDatabase(handle);
    await seedDemoData(handle.db);
    await handle.close();
    project.provide("templateDatabase", template);
    return async () => {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
    };
  }

  const handle = await openDatabase({ kind: "pglite" });
  await migrateDatabase(handle);
  await seedDemoData(handle.db);
  const client = (handle.db as unknown as { $client: { dumpDataDir(c: "none"): Promise<Blob> } })
    .$client;
  const dump = await client.dumpDataDir("none");
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "broen-test-")), "template.tar");
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide("templateDump", file);
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase?: string;
    templateDump?: string;
  }
}
