import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit, toCsv } from "../../app/features/audit/audit.server";
import { auditLog } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin = "";
let municipalityId = "";

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.cookieFor(DEMO.admin);
  const rows = await server.database.db.execute(
    sql`select id from municipalities where slug = 'fjordvik'`,
  );
  municipalityId = ((rows as unknown as { rows?: { id: string }[] }).rows ??
    (rows as unknown as { id: string }[]))[0]!.id;
});
afterAll(() => server.close());

describe("audit log", () => {
  it("is append-only in the database itself", async () => {
    await recordAudit(
      { label: "system", municipalityId },
      { action: "user.create", subjectId: "x" },
      server.database.db,
    );
    await expect(server.database.db.update(auditLog).set({ action: "changed" })).rejects.toThrow();
    await expect(server.database.db.delete(auditLog)).rejects.toThrow();
    await expect(server.database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const rows = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, "x"));
    expect(rows).toHaveLength(1);
  });

  it("lands with its change or not at all: a rolled-back change leaves no entry", async () => {
    await expect(
      server.database.db.transaction(async (tx) => {
        await recordAudit(
          { label: "system", municipalityId },
          { action: "user.create", subjectId: "rolled-back" },
          tx,
        );
        throw new Error("the change fails after its entry was written");
      }),
    ).rejects.toThrow("the change fails");
    const rows = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, "rolled-back"));
    expect(rows).toHaveLength(0);
  });

  it("shows admin events with who, what and from where", async () => {
    await server.activationLinkForNewUser("logg@fjordvik.test");
    const page = await (await server.fetch("/admin/audit", { cookie: admin })).text();
    expect(page).toContain("user.activation_link_issue");
    expect(page).toContain("Tove Aasland");
  });

  it("filters by actor, person and period, and logs that the log was read", async () => {
    const personId = "5d1b8a5e-1111-4c22-9a33-444455556666";
    await recordAudit(
      { userId: await server.userId(DEMO.leader), municipalityId, ip: "10.0.0.9" },
      { action: "audit.view", personId, subjectType: "person", subjectId: personId },
      server.database.db,
    );
    const byPerson = await (
      await server.fetch(`/admin/audit?person=${personId}`, { cookie: admin })
    ).text();
    expect(byPerson).toContain(personId);
    expect(byPerson).toContain("Lars Bakkevik");
    expect(byPerson).not.toContain("user.activation_link_issue");

    const adminId = await server.userId(DEMO.admin);
    const byActor = await (
      await server.fetch(`/admin/audit?actor=${adminId}`, { cookie: admin })
    ).text();
    expect(byActor).toContain("user.activation_link_issue");
    expect(byActor).not.toContain("10.0.0.9"); // the leader's event

    const past = await (
      await server.fetch("/admin/audit?from=2020-01-01&to=2020-12-31", { cookie: admin })
    ).text();
    expect(past).toContain("Ingen hendelser passer filteret");

    const reads = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "audit.view"));
    expect(reads.some((r) => r.actorUserId === adminId && r.personId === personId)).toBe(true);
  });

  it("exports the filtered log as CSV, and logs the export", async () => {
    const response = await server.fetch("/admin/audit.csv", { cookie: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toMatch(
      /attachment; filename="broen-audit-/,
    );
    const csv = await response.text();
    const [header] = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(header).toBe(
      "time_utc,actor_id,actor,action,subject_type,subject_id,person_id,ip,details",
    );
    expect(csv).toContain("user.activation_link_issue");
    const exports = await server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "audit.export"));
    expect(exports).toHaveLength(1);
  });

  it("writes CSV that spreadsheets will not run as formulas", () => {
    expect(toCsv([["=HYPERLINK(1)", "a,b", 'say "hi"', null, "+1", "-2", "@x"]])).toBe(
      `'=HYPERLINK(1),"a,b","say ""hi""",,'+1,'-2,'@x\r\n`,
    );
  });

  it("counts days in Oslo time: an event at 23:30 Oslo belongs to that day", async () => {
    // 2026-03-01 23:30 in Oslo (UTC+1) is 22:30 UTC.
    await server.database.db.insert(auditLog).values({
      municipalityId,
      actorLabel: "system",
      action: "user.create",
      subjectId: "late-evening",
      at: new Date("2026-03-01T22:30:00Z"),
    });
    const sameDay = await (
      await server.fetch("/admin/audit?from=2026-03-01&to=2026-03-01", { cookie: admin })
    ).text();
    expect(sameDay).toContain("late-evening");
    const nextDay = await (
      await server.fetch("/admin/audit?from=2026-03-02&to=2026-03-02", { cookie: admin })
    ).text();
    expect(nextDay).not.toContain("late-evening");
  });
});
