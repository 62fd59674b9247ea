import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  municipalities,
  offerings,
  organisations,
  roleAssignments,
  users,
} from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * The offerings catalogue (issue 13) through the real server: who reads and who changes what
 * (coordinators their municipality, a partner user their own organisation, leaders read only),
 * one submission one result, clear 400s for bad input, the stale list's one-step actions, and
 * an audit entry for every change. Another municipality's rows look "not found".
 */
let server: TestServer;
const cookie: Record<string, string> = {};
const ids: Record<string, string> = {};

const location = (r: Response) => r.headers.get("location") ?? "";
const page = async (path: string, as?: string) => {
  const response = await server.fetch(path, { cookie: as ? cookie[as] : undefined });
  return { status: response.status, text: await response.text(), location: location(response) };
};
const orgId = async (name: string) =>
  (await server.database.db.select().from(organisations).where(eq(organisations.name, name)))[0]!
    .id;
const offeringByTitle = async (title: string) =>
  (await server.database.db.select().from(offerings).where(eq(offerings.title, title)))[0]!;
const audits = (action: string, subjectId?: string) =>
  server.database.db
    .select()
    .from(auditLog)
    .where(
      subjectId
        ? and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId))
        : eq(auditLog.action, action),
    );

const offeringForm = (organisationId: string, extra: Record<string, string> = {}) => ({
  organisationId,
  title: "Boccia i parken",
  description: "Boccia for alle, utstyr kan lånes.",
  category: "activity_exercise",
  status: "active",
  weeklySlots: "onsdag 12:00-13:00",
  cost: "",
  noReferral: "on",
  ...extra,
});

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  ids.volunteerOrg = await orgId("Fjordvik frivilligsentral");
  ids.otherOrg = await orgId("Fjordvik turlag");
  // Another municipality with its own catalogue and coordinator.
  const db = server.database.db;
  const [havbygd] = await db
    .insert(municipalities)
    .values({ name: "Havbygd kommune", slug: "havbygd" })
    .returning();
  const [foreignOrg] = await db
    .insert(organisations)
    .values({ municipalityId: havbygd!.id, name: "Havbygd turlag", kind: "association" })
    .returning();
  const [foreignOffering] = await db
    .insert(offerings)
    .values({
      municipalityId: havbygd!.id,
      organisationId: foreignOrg!.id,
      title: "Havbygd-tur",
      description: "Tur.",
      category: "activity_exercise",
    })
    .returning();
  ids.foreignOrg = foreignOrg!.id;
  ids.foreignOffering = foreignOffering!.id;
  const [foreignUser] = await db
    .insert(users)
    .values({ municipalityId: havbygd!.id, email: "koordinator@havbygd.test", name: "Hanne Hav" })
    .returning();
  await db
    .insert(roleAssignments)
    .values({ userId: foreignUser!.id, municipalityId: havbygd!.id, role: "coordinator" });
  cookie.foreign = await server.cookieFor("koordinator@havbygd.test");
});

afterAll(async () => {
  await server?.close();
});

describe("reading the catalogue", () => {
  it("shows the municipality's offerings to leaders, coordinators and partners, not to admins", async () => {
    for (const role of ["leader", "coordinator", "volunteer", "nav"]) {
      const list = await page("/offerings", role);
      expect(list.status, role).toBe(200);
      expect(list.text).toContain("Middag for alle");
      expect(list.text).not.toContain("Havbygd-tur");
    }
    expect((await page("/offerings", "admin")).status).toBe(403);
    expect((await page("/offerings")).location).toMatch(/^\/login/);
  });

  it("filters by category and status, and ignores a filter value it does not know", async () => {
    const culture = await page("/offerings?category=culture", "leader");
    expect(culture.text).toContain("Åpent kor");
    expect(culture.text).not.toContain("Middag for alle");
    const paused = await page("/offerings?status=paused", "leader");
    expect(paused.text).toContain("Kurs i egen mestring");
    expect(paused.text).not.toContain("Middag for alle");
    // Retired ones only when asked for.
    expect((await page("/offerings", "leader")).text).not.toContain("Selvangivelsesdag");
    expect((await page("/offerings?status=all", "leader")).text).toContain("Selvangivelsesdag");
    const odd = await page("/offerings?category=%27%20or%201=1--&status=%3Cscript%3E", "leader");
    expect(odd.status).toBe(200);
    expect(odd.text).toContain("Middag for alle");
  });

  it("shows one offering with when it was last checked, and another municipality's as not found", async () => {
    const dinner = await offeringByTitle("Middag for alle");
    const shown = await page(`/offerings/${dinner.id}`, "leader");
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("Kari Nordvik");
    expect(shown.text).not.toContain("Hold tilbudet oppdatert"); // leaders cannot change it
    expect((await page(`/offerings/${ids.foreignOffering}`, "leader")).status).toBe(404);
    expect((await page(`/offerings/${dinner.id}`, "foreign")).status).toBe(404);
    expect((await page(`/offerings/not-a-uuid`, "leader")).status).toBe(404);
    expect((await page(`/offerings/organisations/${ids.foreignOrg}`, "leader")).status).toBe(404);
  });
});

describe("changing the catalogue", () => {
  it("lets a coordinator add an offering once, however often the form is sent", async () => {
    const token = await server.formToken(cookie.coordinator!);
    const form = { ...offeringForm(ids.otherOrg!), formToken: token };
    const [first, second] = await Promise.all([
      server.post("/offerings/new", form, cookie.coordinator),
      server.post("/offerings/new", form, cookie.coordinator),
    ]);
    expect(first.status).toBe(302);
    expect(location(second)).toBe(location(first));
    const rows = await server.database.db
      .select()
      .from(offerings)
      .where(eq(offerings.title, "Boccia i parken"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      weeklySlots: [{ weekday: 3, start: "12:00", end: "13:00" }],
      costOre: 0,
      noReferral: true,
      welcomeWhileUsing: false,
    });
    expect(await audits("offering.create", rows[0]!.id)).toHaveLength(1);
    ids.boccia = rows[0]!.id;
  });

  it("answers bad input with 400 and a message per field, and saves nothing", async () => {
    const response = await server.post(
      "/offerings/new",
      offeringForm(ids.otherOrg!, {
        title: "Umulig",
        weeklySlots: "mandag 25:00-26:00",
        capacity: "-3",
        cost: "=1+1",
        ageMin: "40",
        ageMax: "20",
      }),
      cookie.coordinator,
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("har et klokkeslett som ikke finnes");
    expect(html).toContain("Skriv antall plasser som et helt tall");
    expect(html).toContain("Skriv prisen i kroner");
    expect(
      await server.database.db.select().from(offerings).where(eq(offerings.title, "Umulig")),
    ).toHaveLength(0);
  });

  it("answers a 100 kB field, a missing token and a foreign token with 400, not 500", async () => {
    const long = await server.post(
      "/offerings/new",
      offeringForm(ids.otherOrg!, { description: "x".repeat(100_000) }),
      cookie.coordinator,
    );
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("Teksten er for lang");
    const noToken = await server.fetch("/offerings/new", {
      method: "POST",
      cookie: cookie.coordinator,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: new URLSearchParams(offeringForm(ids.otherOrg!)).toString(),
    });
    expect(noToken.status).toBe(400);
    const foreignToken = await server.post(
      "/offerings/new",
      { ...offeringForm(ids.otherOrg!), formToken: await server.formToken(cookie.leader!) },
      cookie.coordinator,
    );
    expect(foreignToken.status).toBe(400);
  });

  it("lets a partner user manage only their own organisation's offerings", async () => {
    const own = await server.post(
      "/offerings/new",
      offeringForm(ids.volunteerOrg!, { title: "Frivillig-tilbud" }),
      cookie.volunteer,
    );
    expect(own.status).toBe(302);
    const foreign = await server.post(
      "/offerings/new",
      offeringForm(ids.otherOrg!, { title: "Snik-tilbud" }),
      cookie.volunteer,
    );
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain("Organisasjonen finnes ikke");
    // Another organisation's offering: visible, not changeable.
    expect((await page(`/offerings/${ids.boccia}/edit`, "volunteer")).status).toBe(403);
    const edit = await server.post(
      `/offerings/${ids.boccia}/edit`,
      offeringForm(ids.otherOrg!, { title: "Kapret" }),
      cookie.volunteer,
    );
    expect(edit.status).toBe(403);
    const visible = await page(`/offerings/${ids.boccia}`, "volunteer");
    expect(visible.status).toBe(200);
    expect(visible.text).not.toContain("Hold tilbudet oppdatert");
    const pause = await server.post(
      `/offerings/${ids.boccia}`,
      { intent: "pause" },
      cookie.volunteer,
    );
    expect(pause.status).toBe(403);
    // Moving their own offering to another organisation is refused too.
    const mine = await offeringByTitle("Frivillig-tilbud");
    const move = await server.post(
      `/offerings/${mine.id}/edit`,
      offeringForm(ids.otherOrg!, { title: "Frivillig-tilbud" }),
      cookie.volunteer,
    );
    expect(move.status).toBe(400);
    expect((await offeringByTitle("Frivillig-tilbud")).organisationId).toBe(ids.volunteerOrg);
  });

  it("refuses changes by leaders, partners without an organisation and other municipalities", async () => {
    expect((await page("/offerings/new", "leader")).status).toBe(403);
    expect((await page("/offerings/new", "nav")).status).toBe(403);
    expect((await page("/offerings/stale", "leader")).status).toBe(403);
    expect(
      (await server.post("/offerings/new", offeringForm(ids.otherOrg!), cookie.leader)).status,
    ).toBe(403);
    expect(
      (await server.post(`/offerings/${ids.boccia}`, { intent: "retire" }, cookie.foreign)).status,
    ).toBe(404);
    const foreignNew = await server.post(
      "/offerings/new",
      offeringForm(ids.otherOrg!, { title: "Fra nabokommunen" }),
      cookie.foreign,
    );
    expect(foreignNew.status).toBe(400);
    expect((await offeringByTitle("Boccia i parken")).status).toBe("active");
  });

  it("edits an offering, audited with the fields that changed", async () => {
    const response = await server.post(
      `/offerings/${ids.boccia}/edit`,
      offeringForm(ids.otherOrg!, { capacity: "12", cost: "25" }),
      cookie.coordinator,
    );
    expect(response.status).toBe(302);
    expect(await offeringByTitle("Boccia i parken")).toMatchObject({ capacity: 12, costOre: 2500 });
    const [entry] = await audits("offering.update", ids.boccia);
    expect(entry!.details).toEqual({ changed: ["costOre", "capacity"] });
  });
});

describe("stale offerings", () => {
  it("lists offerings not checked for six months, and 'still correct' records who and when", async () => {
    const list = await page("/offerings/stale", "coordinator");
    expect(list.status).toBe(200);
    expect(list.text).toContain("Frivillig i kafeen");
    expect(list.text).not.toContain("Middag for alle");
    const stale = await offeringByTitle("Frivillig i kafeen");
    const before = Date.now();
    const verified = await server.post(
      "/offerings/stale",
      { intent: "verify", offeringId: stale.id },
      cookie.volunteer,
    );
    expect(verified.status).toBe(200);
    const after = await offeringByTitle("Frivillig i kafeen");
    expect(after.lastVerifiedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(after.lastVerifiedByUserId).toBe(await server.userId(DEMO.volunteer));
    expect(await audits("offering.verify", stale.id)).toHaveLength(1);
    expect((await page("/offerings/stale", "coordinator")).text).not.toContain(
      "Frivillig i kafeen",
    );
  });

  it("shows a partner only their own organisation's stale offerings", async () => {
    const list = await page("/offerings/stale", "volunteer");
    expect(list.status).toBe(200);
    expect(list.text).not.toContain("Hyttedugnad");
    expect((await page("/offerings/stale", "coordinator")).text).toContain("Hyttedugnad");
  });

  it("pauses and retires (once: the same intent again changes nothing)", async () => {
    const hut = await offeringByTitle("Hyttedugnad");
    const paused = await server.post(
      "/offerings/stale",
      { intent: "pause", offeringId: hut.id },
      cookie.coordinator,
    );
    expect(paused.status).toBe(200);
    await server.post(
      "/offerings/stale",
      { intent: "pause", offeringId: hut.id },
      cookie.coordinator,
    );
    expect((await offeringByTitle("Hyttedugnad")).status).toBe("paused");
    expect(await audits("offering.status", hut.id)).toHaveLength(1);
    await server.post(`/offerings/${hut.id}`, { intent: "retire" }, cookie.coordinator);
    expect((await offeringByTitle("Hyttedugnad")).status).toBe("retired");
    const bad = await server.post(`/offerings/${hut.id}`, { intent: "delete" }, cookie.coordinator);
    expect(bad.status).toBe(400);
    const noId = await server.post(
      "/offerings/stale",
      { intent: "verify", offeringId: "x" },
      cookie.coordinator,
    );
    expect(noId.status).toBe(400);
  });

  it("asks before pausing or retiring, also without JavaScript", async () => {
    const dinner = await offeringByTitle("Middag for alle");
    const asked = await page(`/offerings/${dinner.id}?confirm=retire-${dinner.id}`, "coordinator");
    expect(asked.text).toContain("Vil du avslutte «Middag for alle»?");
    expect(asked.text).toContain("Ja, avslutt tilbudet");
  });
});

describe("organisations", () => {
  it("lets coordinators add one with a checked organisation number, and nobody else", async () => {
    const bad = await server.post(
      "/offerings/organisations/new",
      { name: "Fjordvik bridgeklubb", kind: "association", organisationNumber: "923 609 017" },
      cookie.coordinator,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("riktig kontrollsiffer");
    const good = await server.post(
      "/offerings/organisations/new",
      { name: "Fjordvik bridgeklubb", kind: "association", organisationNumber: "923 609 016" },
      cookie.coordinator,
    );
    expect(good.status).toBe(302);
    const id = await orgId("Fjordvik bridgeklubb");
    expect(location(good)).toBe(`/offerings/organisations/${id}`);
    expect(await audits("organisation.create", id)).toHaveLength(1);
    const same = await server.post(
      "/offerings/organisations/new",
      { name: "fjordvik BRIDGEKLUBB", kind: "association" },
      cookie.coordinator,
    );
    expect(same.status).toBe(400);
    expect(await same.text()).toContain("finnes allerede en organisasjon");
    for (const role of ["volunteer", "leader"]) {
      const refused = await server.post(
        "/offerings/organisations/new",
        { name: `Ny ${role}`, kind: "association" },
        cookie[role],
      );
      expect(refused.status, role).toBe(403);
      expect((await page(`/offerings/organisations/${id}/edit`, role)).status, role).toBe(403);
    }
    expect((await page(`/offerings/organisations/${id}`, "leader")).status).toBe(200);
    const edited = await server.post(
      `/offerings/organisations/${id}/edit`,
      { name: "Fjordvik bridgeklubb", kind: "association", web: "https://bridge.fjordvik.test" },
      cookie.coordinator,
    );
    expect(edited.status).toBe(302);
    const [entry] = await audits("organisation.update", id);
    expect(entry!.details).toEqual({ changed: ["organisationNumber", "web"] });
  });
});
