import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { municipalities, roleAssignments, users } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Every role against every protected route. The expectations are written out here on purpose
 * (not derived from app/features/access/permissions.ts), so a change to the rules must change this table.
 */
type Who = "anonymous" | "admin" | "coordinator" | "leader" | "partner";
const who: Who[] = ["anonymous", "admin", "coordinator", "leader", "partner"];
const accounts: Record<Exclude<Who, "anonymous">, string> = {
  admin: DEMO.admin,
  coordinator: DEMO.coordinator,
  leader: DEMO.leader,
  partner: DEMO.nav,
};

const loggedIn: Who[] = ["admin", "coordinator", "leader", "partner"];
const table: { path: string; allowed: Who[] }[] = [
  { path: "/", allowed: loggedIn },
  { path: "/account", allowed: loggedIn },
  { path: "/meetings", allowed: ["coordinator", "leader", "partner"] },
  { path: "/networks", allowed: ["coordinator", "leader", "partner"] },
  { path: "/tasks", allowed: ["coordinator", "leader", "partner"] },
  { path: "/offerings", allowed: ["coordinator", "leader", "partner"] },
  { path: "/overview", allowed: ["coordinator"] },
  { path: "/persons/new", allowed: ["coordinator", "leader"] },
  { path: "/admin", allowed: ["admin"] },
  { path: "/admin/users", allowed: ["admin"] },
  { path: "/admin/users/new", allowed: ["admin"] },
  { path: "/admin/users/:leader", allowed: ["admin"] },
  { path: "/admin/audit", allowed: ["admin"] },
  { path: "/admin/audit.csv", allowed: ["admin"] },
  { path: "/admin/outbox", allowed: ["admin"] },
  { path: "/admin/realtime.json", allowed: ["admin"] },
];

let server: TestServer;
const cookies = new Map<Who, string>();
let leaderId = "";

beforeAll(async () => {
  server = await startTestServer();
  for (const role of loggedIn)
    cookies.set(role, await server.cookieFor(accounts[role as keyof typeof accounts]));
  leaderId = await server.userId(DEMO.leader);
});
afterAll(() => server.close());

describe.each(table)("GET $path", ({ path, allowed }) => {
  it.each(who)("as %s", async (role) => {
    const url = path.replace(":leader", leaderId);
    const response = await server.fetch(url, { cookie: cookies.get(role) });
    if (role === "anonymous") {
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/login/);
    } else if (allowed.includes(role)) {
      expect(response.status).toBe(200);
    } else {
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("Ingen tilgang");
    }
  });
});

describe("single-fetch data requests are guarded like pages", () => {
  it.each([
    ["/admin/users.data", "leader"],
    ["/admin/audit.data", "partner"],
    ["/overview.data", "leader"],
  ] as const)("%s as %s is refused", async (path, role) => {
    const response = await server.fetch(path, { cookie: cookies.get(role) });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("fjordvik.test");
  });

  it("anonymous data requests get no data", async () => {
    const response = await server.fetch("/admin/users.data");
    expect([202, 204, 302]).toContain(response.status);
    expect(await response.text()).not.toContain("fjordvik.test");
  });
});

describe("actions check the role too", () => {
  it.each(["coordinator", "leader", "partner"] as const)("%s cannot create users", async (role) => {
    const response = await server.post(
      "/admin/users/new",
      { name: "X", email: "x@fjordvik.test" },
      cookies.get(role),
    );
    expect(response.status).toBe(403);
    const [created] = await server.database.db
      .select()
      .from(users)
      .where(eq(users.email, "x@fjordvik.test"));
    expect(created).toBeUndefined();
  });

  it.each(["coordinator", "leader", "partner"] as const)(
    "%s cannot deactivate a user",
    async (role) => {
      const response = await server.post(
        `/admin/users/${leaderId}`,
        { intent: "deactivate" },
        cookies.get(role),
      );
      expect(response.status).toBe(403);
      const [leader] = await server.database.db.select().from(users).where(eq(users.id, leaderId));
      expect(leader!.active).toBe(true);
    },
  );

  it("anonymous posts are sent to the login page and change nothing", async () => {
    const response = await server.post(`/admin/users/${leaderId}`, { intent: "deactivate" });
    expect(response.status).toBe(302);
    const [leader] = await server.database.db.select().from(users).where(eq(users.id, leaderId));
    expect(leader!.active).toBe(true);
  });

  it("refuses a cross-site form post even with a valid session", async () => {
    const response = await server.fetch(`/admin/users/${leaderId}`, {
      method: "POST",
      cookie: cookies.get("admin"),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://evil.example",
      },
      body: "intent=deactivate",
    });
    expect(response.status).toBe(403);
    const [leader] = await server.database.db.select().from(users).where(eq(users.id, leaderId));
    expect(leader!.active).toBe(true);
  });
});

describe("another municipality's admin", () => {
  it("sees neither Fjordvik's users nor its audit log", async () => {
    const { db } = server.database;
    const [other] = await db
      .insert(municipalities)
      .values({ name: "Nabovik kommune", slug: "nabovik" })
      .returning({ id: municipalities.id });
    const [otherAdmin] = await db
      .insert(users)
      .values({ municipalityId: other!.id, email: "admin@nabovik.test", name: "Nina Nabo" })
      .returning({ id: users.id });
    await db
      .insert(roleAssignments)
      .values({ userId: otherAdmin!.id, municipalityId: other!.id, role: "admin" });
    const cookie = await server.cookieFor("admin@nabovik.test");

    expect((await server.fetch(`/admin/users/${leaderId}`, { cookie })).status).toBe(404);
    const list = await (await server.fetch("/admin/users", { cookie })).text();
    expect(list).not.toContain("fjordvik.test");
    const deactivate = await server.post(
      `/admin/users/${leaderId}`,
      { intent: "deactivate" },
      cookie,
    );
    expect(deactivate.status).toBe(404);
    const csv = await (await server.fetch("/admin/audit.csv", { cookie })).text();
    expect(csv).not.toContain(leaderId);
    expect(csv).not.toContain("auth.login");
  });
});
