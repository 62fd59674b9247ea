import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activationTokens, auditLog, loginThrottle, sessions, units, users } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

const PASSWORD = "broen-demo-2026";
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const login = (email: string, password: string, extra: Record<string, string> = {}) =>
  server.post("/login", { email, password, ...extra });

const sessionCookie = (response: Response) =>
  response.headers.get("set-cookie")?.split(";")[0] ?? "";

async function isLoggedIn(cookie: string) {
  const response = await server.fetch("/", { cookie });
  return response.status === 200;
}

describe("login", () => {
  it("logs in with the right password and sets a safe session cookie", async () => {
    const response = await login(DEMO.leader, PASSWORD, { redirectTo: "/meetings" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/meetings");
    const header = response.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^broen_session=/);
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    // The cookie holds only a random id: nothing about the user.
    expect(header).not.toContain("leder");
    expect(await isLoggedIn(sessionCookie(response))).toBe(true);
  });

  it("never redirects off-site after login", async () => {
    for (const target of ["//evil.example/x", "https://evil.example/", "/\\evil.example"]) {
      const response = await login(DEMO.leader, PASSWORD, { redirectTo: target });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/");
    }
  });

  it("gives the same answer for a wrong password and an unknown e-mail", async () => {
    const wrong = await login(DEMO.leader2, "not-the-password");
    const unknown = await login("ingen@fjordvik.test", "not-the-password");
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const text = (html: string) => html.replace(/nonce="[^"]+"/g, "").replace(/:R[0-9a-z]+:/g, "");
    expect(text(await wrong.text())).toBe(text(await unknown.text()));
  });

  it("locks an account after repeated failures, without telling whether it exists", async () => {
    const target = DEMO.housing;
    for (let i = 0; i < 5; i++) expect((await login(target, `wrong-${i}`)).status).toBe(400);
    const locked = await login(target, PASSWORD);
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("For mange mislykkede forsøk");
    // An unknown e-mail locks the same way.
    for (let i = 0; i < 5; i++) await login("finnes.ikke@fjordvik.test", `wrong-${i}`);
    expect((await login("finnes.ikke@fjordvik.test", "x")).status).toBe(429);
    await server.database.db.delete(loginThrottle);
  });

  it("locks an address after many failures across accounts", async () => {
    for (let i = 0; i < 30; i++) await login(`person${i}@fjordvik.test`, "wrong");
    const response = await login(DEMO.volunteer, PASSWORD);
    expect(response.status).toBe(429);
    await server.database.db.delete(loginThrottle);
    expect((await login(DEMO.volunteer, PASSWORD)).status).toBe(302);
  });

  it("records logins and failures in the audit log", async () => {
    const rows = await server.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(sql`${auditLog.action} in ('auth.login', 'auth.login_failed')`);
    expect(rows.some((r) => r.action === "auth.login")).toBe(true);
    expect(rows.some((r) => r.action === "auth.login_failed")).toBe(true);
  });
});

describe("sessions", () => {
  it("logs out one session, and 'log out all' ends every session", async () => {
    const a = await server.cookieFor(DEMO.coordinator);
    const b = await server.cookieFor(DEMO.coordinator);
    const logout = await server.post("/logout", {}, a);
    expect(logout.status).toBe(302);
    expect(await isLoggedIn(a)).toBe(false);
    expect(await isLoggedIn(b)).toBe(true);

    const c = await server.cookieFor(DEMO.coordinator);
    const all = await server.post("/account", { intent: "logout-all" }, c);
    expect(all.status).toBe(302);
    expect(await isLoggedIn(b)).toBe(false);
    expect(await isLoggedIn(c)).toBe(false);
  });

  it("ends a session after 30 minutes without activity", async () => {
    const cookie = await server.cookieFor(DEMO.leader2);
    expect(await isLoggedIn(cookie)).toBe(true);
    await server.database.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 31 * 60 * 1000) })
      .where(eq(sessions.userId, await server.userId(DEMO.leader2)));
    const response = await server.fetch("/", { cookie });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/login");
  });

  it("keeps an active session alive, but not past 12 hours", async () => {
    const cookie = await server.cookieFor(DEMO.nav);
    const userId = await server.userId(DEMO.nav);
    await server.database.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 20 * 60 * 1000) })
      .where(eq(sessions.userId, userId));
    expect(await isLoggedIn(cookie)).toBe(true);
    const [touched] = await server.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, userId));
    expect(Date.now() - touched!.lastSeenAt.getTime()).toBeLessThan(60_000);

    await server.database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.userId, userId));
    expect(await isLoggedIn(cookie)).toBe(false);
  });

  it("housekeeping removes expired sessions and stale login counters", async () => {
    const { pruneExpiredSessions } = await import("../../app/features/accounts/session.server");
    const { pruneLoginThrottle } = await import("../../app/features/accounts/login.server");
    const cookie = await server.cookieFor(DEMO.coordinator);
    const userId = await server.userId(DEMO.coordinator);
    await server.database.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - 40 * 60 * 1000) })
      .where(eq(sessions.userId, userId));
    const old = new Date(Date.now() - 60 * 60 * 1000);
    await server.database.db.insert(loginThrottle).values([
      { key: "account:stale@fjordvik.test", failures: 2, windowStartedAt: old },
      {
        key: "account:locked@fjordvik.test",
        failures: 5,
        windowStartedAt: old,
        lockedUntil: new Date(Date.now() + 60_000),
      },
    ]);
    await pruneExpiredSessions();
    await pruneLoginThrottle();
    expect(
      await server.database.db.select().from(sessions).where(eq(sessions.userId, userId)),
    ).toHaveLength(0);
    const keys = (await server.database.db.select().from(loginThrottle)).map((row) => row.key);
    expect(keys).not.toContain("account:stale@fjordvik.test");
    expect(keys).toContain("account:locked@fjordvik.test");
    expect(await isLoggedIn(cookie)).toBe(false);
    await server.database.db.delete(loginThrottle);
  });

  it("ignores a forged or tampered cookie", async () => {
    const cookie = await server.cookieFor(DEMO.leader);
    const tampered = cookie.slice(0, -3) + (cookie.endsWith("a") ? "bbb" : "aaa");
    expect(await isLoggedIn(tampered)).toBe(false);
    expect(await isLoggedIn("broen_session=abc")).toBe(false);
  });
});

describe("user administration and activation", () => {
  it("lets an admin create a user, issue a one-time link, and the user set a password", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const created = await server.post(
      "/admin/users/new",
      [
        ["name", "Nora Fjellstad"],
        ["email", "Nora.Fjellstad@fjordvik.test"],
        ["role", "leader"],
        ["unit_leader", ""],
      ],
      admin,
    );
    expect(created.status).toBe(302);
    const location = created.headers.get("location")!;
    expect(location).toMatch(/^\/admin\/users\/[0-9a-f-]{36}\?created=1$/);
    const userPath = location.split("?")[0]!;

    const issued = await server.post(userPath, { intent: "issue-link" }, admin);
    expect(issued.status).toBe(200);
    const link = /\/activate\/([A-Za-z0-9_-]+)/.exec(await issued.text())?.[1];
    expect(link).toBeTruthy();

    // Stored hashed, never in clear.
    const stored = await server.database.db.select().from(activationTokens);
    expect(stored.some((t) => t.tokenHash === link)).toBe(false);

    const page = await server.fetch(`/activate/${link}`);
    expect(await page.text()).toContain("nora.fjellstad@fjordvik.test");

    const short = await server.post(`/activate/${link}`, { password: "kort", confirm: "kort" });
    expect(short.status).toBe(400);
    const mismatch = await server.post(`/activate/${link}`, {
      password: "et-langt-og-godt-passord",
      confirm: "et-annet-passord-helt",
    });
    expect(mismatch.status).toBe(400);

    const done = await server.post(`/activate/${link}`, {
      password: "et-langt-og-godt-passord",
      confirm: "et-langt-og-godt-passord",
    });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login?activated=1");

    const again = await server.post(`/activate/${link}`, {
      password: "et-langt-og-godt-passord-2",
      confirm: "et-langt-og-godt-passord-2",
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("ugyldig, brukt eller utløpt");

    expect((await login("nora.fjellstad@fjordvik.test", "et-langt-og-godt-passord")).status).toBe(
      302,
    );
  });

  it("refuses an expired activation link", async () => {
    const { userId, token } = await server.activationLinkForNewUser("utlopt@fjordvik.test");
    await server.database.db
      .update(activationTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(activationTokens.userId, userId));
    const response = await server.post(`/activate/${token}`, {
      password: "et-langt-og-godt-passord",
      confirm: "et-langt-og-godt-passord",
    });
    expect(response.status).toBe(400);
  });

  it("gives no activation link for an account that already has a password", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const response = await server.post(
      `/admin/users/${await server.userId(DEMO.leader2)}`,
      { intent: "issue-link" },
      admin,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("allerede laget passord");
  });

  it("spends unused activation links when a user is deactivated", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const { userId, token } = await server.activationLinkForNewUser("deaktivert@fjordvik.test");
    await server.post(`/admin/users/${userId}`, { intent: "deactivate" }, admin);
    await server.post(`/admin/users/${userId}`, { intent: "reactivate" }, admin);
    const response = await server.post(`/activate/${token}`, {
      password: "et-langt-og-godt-passord",
      confirm: "et-langt-og-godt-passord",
    });
    expect(response.status).toBe(400);
  });

  it("refuses an admin changing their own roles", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const response = await server.post(
      `/admin/users/${await server.userId(DEMO.admin)}`,
      [
        ["intent", "save-roles"],
        ["role", "admin"],
        ["role", "leader"],
      ],
      admin,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("egne roller");
    expect((await server.fetch("/meetings", { cookie: admin })).status).toBe(403);
  });

  it("keeps the old and new access in the audit entry of a role change", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const userId = await server.createUser("rolle@fjordvik.test", ["leader"]);
    await server.post(
      `/admin/users/${userId}`,
      [
        ["intent", "save-roles"],
        ["role", "coordinator"],
        ["unit_coordinator", ""],
      ],
      admin,
    );
    // A coordinator needs a unit: refused, nothing logged.
    const [unit] = await server.database.db.select({ id: units.id }).from(units).limit(1);
    await server.post(
      `/admin/users/${userId}`,
      [
        ["intent", "save-roles"],
        ["role", "coordinator"],
        ["unit_coordinator", unit!.id],
      ],
      admin,
    );
    const [entry] = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.roles_change"), eq(auditLog.subjectId, userId)));
    expect(entry!.details).toMatchObject({
      before: { roles: [{ role: "leader", unitId: null }] },
      after: { roles: [{ role: "coordinator", unitId: unit!.id }] },
    });
  });

  it("ends every session of a user the moment they are deactivated", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const victim = await server.cookieFor(DEMO.volunteer);
    const userId = await server.userId(DEMO.volunteer);
    expect(await isLoggedIn(victim)).toBe(true);
    const response = await server.post(`/admin/users/${userId}`, { intent: "deactivate" }, admin);
    expect(response.status).toBe(200);
    expect(await isLoggedIn(victim)).toBe(false);
    expect((await login(DEMO.volunteer, PASSWORD)).status).toBe(400);
    const [row] = await server.database.db.select().from(users).where(eq(users.id, userId));
    expect(row!.active).toBe(false);

    await server.post(`/admin/users/${userId}`, { intent: "reactivate" }, admin);
    expect((await login(DEMO.volunteer, PASSWORD)).status).toBe(302);
  });

  it("changes roles, and the navigation follows at once", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const userId = await server.userId(DEMO.leader);
    const leader = await server.cookieFor(DEMO.leader);
    expect((await server.fetch("/overview", { cookie: leader })).status).toBe(403);
    const units = await server.database.db.execute(
      sql`select id from units where name = 'Mestringsenheten'`,
    );
    const unitId = ((units as unknown as { rows?: { id: string }[] }).rows ??
      (units as unknown as { id: string }[]))[0]!.id;
    const saved = await server.post(
      `/admin/users/${userId}`,
      [
        ["intent", "save-roles"],
        ["role", "leader"],
        ["role", "coordinator"],
        ["unit_coordinator", unitId],
      ],
      admin,
    );
    expect(saved.status).toBe(200);
    expect((await server.fetch("/overview", { cookie: leader })).status).toBe(200);
  });

  it("refuses an admin deactivating themselves", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const response = await server.post(
      `/admin/users/${await server.userId(DEMO.admin)}`,
      { intent: "deactivate" },
      admin,
    );
    expect(response.status).toBe(400);
  });

  it("refuses a duplicate e-mail with a clear message", async () => {
    const admin = await server.cookieFor(DEMO.admin);
    const response = await server.post(
      "/admin/users/new",
      [
        ["name", "Dobbel"],
        ["email", DEMO.nav.toUpperCase()],
      ],
      admin,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("finnes allerede en bruker");
  });
});
