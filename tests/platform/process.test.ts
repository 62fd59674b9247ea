import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, healthy, launch, root, tsx } from "../support/processes";
import { until } from "../support/until";

const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe("the server process", () => {
  it("stops with one clear line when the database cannot be reached", async () => {
    const run = launch({
      DATABASE_URL: "postgres://postgres:secret-pw@127.0.0.1:1/broen",
      SESSION_SECRET: "a-long-enough-session-secret-for-tests-1234",
      PUBLIC_URL: "https://broen.fjordvik.test",
      PORT: "0",
    });
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^Broen could not start: Cannot reach the database at 127\.0\.0\.1:1\/broen/,
    );
    expect(run.stderr()).not.toContain("secret-pw");
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("refuses several processes on the embedded database", async () => {
    const run = launch({ WEB_CONCURRENCY: "2", PORT: "0" });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toMatch(
      /^Broen could not start: Invalid configuration: WEB_CONCURRENCY above 1 needs DATABASE_URL/,
    );
  }, 60_000);

  it("stops with one clear line on bad configuration", async () => {
    const run = launch({ PORT: "not-a-port" });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toMatch(/^Broen could not start: Invalid configuration: PORT: /);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("refuses to seed demo accounts into a production server database without --force", async () => {
    const cleanEnv = { ...process.env };
    delete cleanEnv.TEST_DATABASE_URL;
    const child = spawn(tsx, ["scripts/seed.ts"], {
      cwd: root,
      env: {
        ...cleanEnv,
        NODE_ENV: "production",
        DATABASE_URL: "postgres://postgres@127.0.0.1:1/none",
        SESSION_SECRET: "x".repeat(40),
        PUBLIC_URL: "https://broen.fjordvik.test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (chunk) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain("Refusing to seed demo accounts");
  }, 60_000);

  it("stops with one clear line when migrations fail", async () => {
    // An embedded database whose tables clash with Broen's first migration.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-clash-"));
    dataDirs.push(dataDir);
    const { PGlite } = await import("@electric-sql/pglite");
    const clash = await PGlite.create({ dataDir: path.join(dataDir, "pglite") });
    await clash.exec("create type role as enum ('other')");
    await clash.close();
    const run = launch({ BROEN_DATA_DIR: dataDir, PORT: "0" });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim()).toMatch(/^Broen could not start: Database migrations failed: /);
    expect(run.stderr().trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("seeds an empty embedded database, keeps its data across a restart, and shuts down cleanly", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "broen-process-"));
    dataDirs.push(dataDir);
    const port = String(await freePort());
    const base = `http://127.0.0.1:${port}`;

    const first = launch({ BROEN_DATA_DIR: dataDir, PORT: port });
    await until(
      () => (first.stdout().includes("Demo logins") ? true : undefined),
      "first start",
      150_000,
    );
    expect(first.stdout()).toContain("admin@fjordvik.test");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const login = await fetch(`${base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "email=admin%40fjordvik.test&password=broen-demo-2026",
    });
    expect(login.status).toBe(302);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    // As a browser: the form page gives the one-time token the post carries (decision 012).
    const form = await (
      await fetch(`${base}/admin/users/new`, { headers: { Cookie: cookie } })
    ).text();
    const formToken = /name="formToken" value="([^"]+)"/.exec(form)?.[1] ?? "";
    const created = await fetch(`${base}/admin/users/new`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie },
      body: `name=Vidar+Varig&email=vidar%40fjordvik.test&role=leader&formToken=${encodeURIComponent(formToken)}`,
    });
    expect(created.status).toBe(302);

    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = launch({ BROEN_DATA_DIR: dataDir, PORT: port });
    await healthy(base, "second start");
    // Same session secret and data: the old session still works and the user is still there.
    const users = await (
      await fetch(`${base}/admin/users`, { headers: { Cookie: cookie } })
    ).text();
    expect(users).toContain("Vidar Varig");
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  }, 180_000);
});
