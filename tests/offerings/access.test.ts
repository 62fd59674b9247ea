import { and, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { municipalities, offerings, organisations, roleAssignments, users } from "../../db/schema";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
import { demoDocuments, personLinkToken } from "../support/realtime";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Issue 13, "Bad input and access": every role and every link holder against every offerings
 * page, action, the export, the first-visit file and the feed, with the status each must get.
 * Actions that would change something are sent with a form that is invalid on purpose, so an
 * allowed caller gets 400 (access passed, nothing saved) and a refused one 403/404/302, and
 * the matrix leaves the data as it was (except "still correct" and the feed renewal, which are
 * harmless to repeat).
 *
 * Who is who:
 *   admin         the demo admin: no catalogue role at all
 *   coordinator   manages the whole municipality's catalogue
 *   leader        reads the catalogue
 *   partnerOwn    partner user whose partner organisation is the offering's organisation
 *   partnerOther  partner user linked to another catalogue organisation (set up here)
 *   partnerNone   partner user whose organisation publishes nothing (NAV)
 *   foreign       coordinator of another municipality
 *   loggedOut     no session
 *   personLink    holds the person's own invitation link (cookies it sets included)
 *   memberLink    holds a relative's invitation link
 * L = 302 to /login. The feed answers its URL's holder, whoever that is.
 */
const WHO = [
  "admin",
  "coordinator",
  "leader",
  "partnerOwn",
  "partnerOther",
  "partnerNone",
  "foreign",
  "loggedOut",
  "personLink",
  "memberLink",
] as const;
type Who = (typeof WHO)[number];
const L = "L";
type Expected = number | typeof L;

interface Target {
  name: string;
  method: "GET" | "POST";
  path: () => string;
  form?: () => Record<string, string>;
  expect: Expected[];
}

let server: TestServer;
const cookie: Partial<Record<Who, string>> = {};
const ids = { offering: "", organisation: "", feedToken: "" };
const visitDate = DateTime.now().setZone("Europe/Oslo").plus({ weeks: 1 }).toISODate()!;

//                                  adm  coord lead  pOwn  pOth  pNone forgn  out  pers  memb
const TARGETS: Target[] = [
  {
    name: "catalogue",
    method: "GET",
    path: () => "/offerings",
    expect: [403, 200, 200, 200, 200, 200, 200, L, L, L],
  },
  {
    name: "offering page",
    method: "GET",
    path: () => `/offerings/${ids.offering}`,
    expect: [403, 200, 200, 200, 200, 200, 404, L, L, L],
  },
  {
    name: "edit page",
    method: "GET",
    path: () => `/offerings/${ids.offering}/edit`,
    expect: [403, 200, 403, 200, 403, 403, 404, L, L, L],
  },
  {
    name: "new offering page",
    method: "GET",
    path: () => "/offerings/new",
    // A coordinator whose municipality has no organisations yet has nothing to add to.
    expect: [403, 200, 403, 200, 200, 403, 403, L, L, L],
  },
  {
    name: "stale list",
    method: "GET",
    path: () => "/offerings/stale",
    expect: [403, 200, 403, 200, 200, 403, 200, L, L, L],
  },
  {
    name: "import page",
    method: "GET",
    path: () => "/offerings/import",
    expect: [403, 200, 403, 403, 403, 403, 200, L, L, L],
  },
  {
    name: "CSV export",
    method: "GET",
    path: () => "/offerings/export.csv",
    expect: [403, 200, 403, 403, 403, 403, 200, L, L, L],
  },
  {
    name: "organisations",
    method: "GET",
    path: () => "/offerings/organisations",
    expect: [403, 200, 200, 200, 200, 200, 200, L, L, L],
  },
  {
    name: "organisation page",
    method: "GET",
    path: () => `/offerings/organisations/${ids.organisation}`,
    expect: [403, 200, 200, 200, 200, 200, 404, L, L, L],
  },
  {
    name: "organisation edit page",
    method: "GET",
    path: () => `/offerings/organisations/${ids.organisation}/edit`,
    expect: [403, 200, 403, 403, 403, 403, 404, L, L, L],
  },
  {
    name: "new organisation page",
    method: "GET",
    path: () => "/offerings/organisations/new",
    expect: [403, 200, 403, 403, 403, 403, 200, L, L, L],
  },
  {
    name: "first-visit file",
    method: "GET",
    path: () =>
      `/offerings/${ids.offering}/visit.ics?date=${visitDate}&time=free&start=10:00&end=11:00`,
    expect: [403, 200, 200, 200, 200, 200, 404, L, L, L],
  },
  {
    name: "feed (its URL's holder)",
    method: "GET",
    path: () => `/offerings/calendar/${ids.feedToken}.ics`,
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    name: "first-visit form",
    method: "POST",
    path: () => `/offerings/${ids.offering}`,
    form: () => ({ intent: "visit", date: visitDate, time: "free", start: "10:00", end: "11:00" }),
    expect: [403, 303, 303, 303, 303, 303, 404, L, L, L],
  },
  {
    name: "still correct (offering page)",
    method: "POST",
    path: () => `/offerings/${ids.offering}`,
    form: () => ({ intent: "verify" }),
    expect: [403, 200, 403, 200, 403, 403, 404, L, L, L],
  },
  {
    name: "still correct (stale list)",
    method: "POST",
    path: () => "/offerings/stale",
    form: () => ({ intent: "verify", offeringId: ids.offering }),
    expect: [403, 200, 403, 200, 403, 403, 404, L, L, L],
  },
  {
    name: "edit (invalid form)",
    method: "POST",
    path: () => `/offerings/${ids.offering}/edit`,
    form: () => ({ organisationId: ids.organisation, title: "", category: "culture" }),
    expect: [403, 400, 403, 400, 403, 403, 404, L, L, L],
  },
  {
    name: "new offering (invalid form)",
    method: "POST",
    path: () => "/offerings/new",
    form: () => ({ organisationId: ids.organisation, title: "", category: "culture" }),
    expect: [403, 400, 403, 400, 400, 403, 403, L, L, L],
  },
  {
    name: "import (no file)",
    method: "POST",
    path: () => "/offerings/import",
    form: () => ({}),
    expect: [403, 400, 403, 403, 403, 403, 400, L, L, L],
  },
  {
    name: "new organisation (invalid form)",
    method: "POST",
    path: () => "/offerings/organisations/new",
    form: () => ({ name: "", kind: "association" }),
    expect: [403, 400, 403, 403, 403, 403, 400, L, L, L],
  },
  {
    name: "organisation edit (invalid form)",
    method: "POST",
    path: () => `/offerings/organisations/${ids.organisation}/edit`,
    form: () => ({ name: "", kind: "association" }),
    expect: [403, 400, 403, 403, 403, 403, 404, L, L, L],
  },
  {
    name: "renew the feed link",
    method: "POST",
    path: () => `/offerings/${ids.offering}`,
    form: () => ({ intent: "renew-feed" }),
    expect: [403, 200, 403, 200, 403, 403, 404, L, L, L],
  },
];

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  const roles: Partial<Record<Who, string>> = {
    admin: DEMO.admin,
    coordinator: DEMO.coordinator,
    leader: DEMO.leader,
    partnerOwn: DEMO.volunteer,
    partnerOther: DEMO.housing,
    partnerNone: DEMO.nav,
  };
  for (const [who, email] of Object.entries(roles)) {
    cookie[who as Who] = await server.cookieFor(email);
  }
  const [own] = await db
    .select()
    .from(organisations)
    .where(eq(organisations.name, "Fjordvik frivilligsentral"));
  ids.organisation = own!.id;
  const [offering] = await db
    .select()
    .from(offerings)
    .where(and(eq(offerings.organisationId, own!.id), eq(offerings.status, "active")))
    .limit(1);
  ids.offering = offering!.id;
  // The housing team's partner organisation publishes "Fjordvik turlag"'s offerings.
  const [housing] = await db.select().from(users).where(eq(users.email, DEMO.housing));
  await db
    .update(organisations)
    .set({ partnerOrganisationId: housing!.partnerOrganisationId })
    .where(eq(organisations.name, "Fjordvik turlag"));
  // Another municipality's coordinator.
  const [havbygd] = await db
    .insert(municipalities)
    .values({ name: "Havbygd kommune", slug: "havbygd" })
    .returning();
  const [foreignUser] = await db
    .insert(users)
    .values({ municipalityId: havbygd!.id, email: "koordinator@havbygd.test", name: "Hanne Hav" })
    .returning();
  await db
    .insert(roleAssignments)
    .values({ userId: foreignUser!.id, municipalityId: havbygd!.id, role: "coordinator" });
  cookie.foreign = await server.cookieFor("koordinator@havbygd.test");
  // Link holders: whatever cookies opening their link sets travel with them.
  const docs = await demoDocuments(db);
  const links: [Who, string][] = [
    ["personLink", await personLinkToken(db, docs)],
    ["memberLink", invitationToken(docs.relativeInvitationId, 1)],
  ];
  for (const [who, token] of links) {
    const opened = await server.fetch(`/i/${token}`);
    expect(opened.status, who).toBe(200);
    const set = opened.headers.getSetCookie().map((c) => c.split(";")[0]);
    if (set.length > 0) cookie[who] = set.join("; ");
  }
});

afterAll(async () => {
  await server?.close();
});

async function statusOf(target: Target, who: Who): Promise<Expected> {
  if (target.name.startsWith("feed")) {
    const [row] = await server.database.db
      .select({ token: offerings.feedToken })
      .from(offerings)
      .where(eq(offerings.id, ids.offering));
    ids.feedToken = row!.token;
  }
  const response =
    target.method === "GET"
      ? await server.fetch(target.path(), { cookie: cookie[who] })
      : await server.post(target.path(), target.form!(), cookie[who]);
  await response.arrayBuffer();
  const location = response.headers.get("location") ?? "";
  return response.status === 302 && location.startsWith("/login") ? L : response.status;
}

describe("who gets what in the offerings catalogue", () => {
  it("has an expectation for every role and link holder", () => {
    for (const target of TARGETS) expect(target.expect, target.name).toHaveLength(WHO.length);
  });

  for (const target of TARGETS) {
    it(`${target.method} ${target.name}`, async () => {
      const got: Record<string, Expected> = {};
      const wanted: Record<string, Expected> = {};
      for (const [index, who] of WHO.entries()) {
        got[who] = await statusOf(target, who);
        wanted[who] = target.expect[index]!;
      }
      expect(got).toEqual(wanted);
    });
  }

  it("left the offering and the organisation as they were (no invalid form saved anything)", async () => {
    const [offering] = await server.database.db
      .select()
      .from(offerings)
      .where(eq(offerings.id, ids.offering));
    expect(offering!.title).not.toBe("");
    const [organisation] = await server.database.db
      .select()
      .from(organisations)
      .where(eq(organisations.id, ids.organisation));
    expect(organisation!.name).toBe("Fjordvik frivilligsentral");
  });
});
