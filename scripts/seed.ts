import { loadEnv } from "../app/env.server";
import { demoLoginLines, seedDemoData } from "../db/seed";
import { seedDemoPlan } from "../db/seed-plan";
import { ensureSessionSecret, openConfiguredDatabase } from "../server/database";

/*
 * `npm run seed [-- --force]`: adds the fictional demo municipality and accounts (idempotent).
 * Demo accounts have a published password, so a production server database gets them only
 * when --force says so.
 */
const force = process.argv.includes("--force");

try {
  let env = loadEnv();
  // The server's secret, as the server finds it: demo invitation links are derived from it.
  if (!env.SESSION_SECRET) {
    process.env.SESSION_SECRET = ensureSessionSecret(env);
    env = loadEnv();
  }
  if (env.DATABASE_URL && env.NODE_ENV === "production" && !force) {
    process.stderr.write(
      "Refusing to seed demo accounts (with a public password) into a production database. " +
        "Run with --force if you really mean it.\n",
    );
    process.exit(2);
  }
  const database = await openConfiguredDatabase(env);
  const { createdAccounts } = await seedDemoData(database.db);
  await seedDemoPlan(database.db);
  await database.close();
  process.stdout.write(
    [
      `Demo data ready on ${database.kind} (${createdAccounts} new accounts).`,
      ...demoLoginLines(),
      "",
    ].join("\n"),
  );
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Seeding failed: ${message}\n`);
  process.exit(1);
}
