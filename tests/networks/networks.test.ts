import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentsInForce } from "../../app/features/consent/consent.server";

const memberMaySee = async (memberId: string, content: "agenda" | "minutes" | "plan") =>
  (await contentsInForce(memberId)).has(content);
import { osloToday } from "../../app/utils/oslo-time";
import { auditLog, consents, networkMembers } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const cookie: Record<string, string> = {};
let personId = "";
let networkId = "";
let relativeId = "";
let navMemberId = "";

const idFrom = (response: Response, kind: string) => {
  const id = new RegExp(`/${kind}/([0-9a-f-]{36})`).exec(
    response.headers.get("location") ?? "",
  )?.[1];
  if (!id)
    throw new Error(
      `expected a redirect to /${kind}/…, got ${response.status} ${response.headers.get("location")}`,
    );
  return id;
};
const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
});
afterAll(() => server.close());

describe("a leader builds a network with the person", () => {
  it("registers a person and becomes responsible for them", async () => {
    const created = await server.post(
      "/persons/new",
      {
        name: "Mari Fjelltun",
        preferredName: "Mari",
        phone: "+47 400 00 000",
        preferredChannel: "sms",
        language: "norsk",
      },
      cookie.leader,
    );
    personId = idFrom(created, "persons");
    const page = await server.fetch(`/persons/${personId}`, { cookie: cookie.leader });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Mari Fjelltun");
    expect(html).toContain("+47 400 00 000");
    const logged = await server.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.personId, personId));
    expect(logged.map((r) => r.action)).toEqual(
      expect.arrayContaining(["person.create", "person.view"]),
    );
  });

  it("creates a network-meeting group with two leaders, but a responsibility group with one only", async () => {
    const leader2Id = await server.userId(DEMO.leader2);
    const leaderId = await server.userId(DEMO.leader);
    const tooMany = await server.post(
      `/persons/${personId}`,
      [
        ["intent", "create-network"],
        ["kind", "responsibility_group"],
        ["leaderId", leaderId],
        ["leaderId", leader2Id],
      ],
      cookie.leader,
    );
    expect(tooMany.status).toBe(400);
    const created = await server.post(
      `/persons/${personId}`,
      [
        ["intent", "create-network"],
        ["kind", "network_meeting_group"],
        ["leaderId", leaderId],
        ["leaderId", leader2Id],
        ["planRevisionOn", "2027-06-30"],
      ],
      cookie.leader,
    );
    networkId = idFrom(created, "networks");
    const again = await server.post(
      `/persons/${personId}`,
      [
        ["intent", "create-network"],
        ["kind", "network_meeting_group"],
        ["leaderId", leaderId],
      ],
      cookie.leader,
    );
    expect(again.status).toBe(400);
  });

  it("adds a partner with an account and a relative without one; refuses a duplicate", async () => {
    const navUser = await server.userId(DEMO.nav);
    const nav = await server.post(
      `/networks/${networkId}`,
      {
        intent: "add-member",
        userId: navUser,
        relation: "nav",
        circle: "services",
        wantsInvited: "yes",
      },
      cookie.leader,
    );
    expect(nav.status).toBe(200);
    const relative = await server.post(
      `/networks/${networkId}`,
      {
        intent: "add-member",
        name: "Knut Fjelltun",
        relation: "relative",
        circle: "family_friends",
        phone: "+47 911 11 111",
        email: "knut@example.test",
        wantsInvited: "yes",
      },
      cookie.leader,
    );
    expect(relative.status).toBe(200);
    const duplicate = await server.post(
      `/networks/${networkId}`,
      { intent: "add-member", userId: navUser, relation: "nav", circle: "services" },
      cookie.leader,
    );
    expect(duplicate.status).toBe(400);
    const nameless = await server.post(
      `/networks/${networkId}`,
      { intent: "add-member", relation: "friend", circle: "family_friends" },
      cookie.leader,
    );
    expect(nameless.status).toBe(400);

    const members = await server.database.db
      .select()
      .from(networkMembers)
      .where(eq(networkMembers.networkId, networkId));
    relativeId = members.find((m) => m.name === "Knut Fjelltun")!.id;
    navMemberId = members.find((m) => m.userId === navUser)!.id;
    const page = await (
      await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader })
    ).text();
    expect(page).toContain("Knut Fjelltun");
    expect(page).toContain("+47 911 11 111");
    expect(page).toContain('role="img"'); // the map
  });
});

describe("who sees what", () => {
  it("lets the co-leader and the unit's coordinator see the person", async () => {
    expect((await server.fetch(`/persons/${personId}`, { cookie: cookie.leader2 })).status).toBe(
      200,
    );
    expect(
      (await server.fetch(`/persons/${personId}`, { cookie: cookie.coordinator })).status,
    ).toBe(200);
  });

  it("shows a partner member the network, without other members' contact details", async () => {
    const page = await server.fetch(`/networks/${networkId}`, { cookie: cookie.nav });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Knut Fjelltun");
    expect(html).not.toContain("+47 911 11 111");
    expect(html).not.toContain("knut@example.test");
    // Nor the person's own contact details.
    const person = await (
      await server.fetch(`/persons/${personId}`, { cookie: cookie.nav })
    ).text();
    expect(person).toContain("Mari Fjelltun");
    expect(person).not.toContain("+47 400 00 000");
  });

  it("hides the person and network from those outside it, as if they did not exist", async () => {
    for (const who of ["housing", "volunteer"]) {
      expect(
        (await server.fetch(`/persons/${personId}`, { cookie: cookie[who] })).status,
        who,
      ).toBe(404);
      expect(
        (await server.fetch(`/networks/${networkId}`, { cookie: cookie[who] })).status,
        who,
      ).toBe(404);
      expect(await (await server.fetch("/networks", { cookie: cookie[who] })).text()).not.toContain(
        "Mari Fjelltun",
      );
    }
    // A leader in another municipality team who leads nothing here.
    const outsider = await server.createUser("annen.leder@fjordvik.test", ["leader"]);
    expect(outsider).toBeTruthy();
    const outsiderCookie = await server.cookieFor("annen.leder@fjordvik.test");
    expect((await server.fetch(`/persons/${personId}`, { cookie: outsiderCookie })).status).toBe(
      404,
    );
    // Admins have no health data by role.
    expect((await server.fetch(`/persons/${personId}`, { cookie: cookie.admin })).status).toBe(403);
  });

  it("refuses changes from partners and outsiders", async () => {
    const attempts = [
      server.post(
        `/networks/${networkId}`,
        { intent: "remove-member", memberId: relativeId },
        cookie.nav,
      ),
      server.post(
        `/networks/${networkId}`,
        { intent: "remove-member", memberId: relativeId },
        cookie.housing,
      ),
      server.post(`/persons/${personId}`, { intent: "update", name: "Endret" }, cookie.nav),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status).toBe(403);
    const outsider = await server.cookieFor("annen.leder@fjordvik.test");
    const asOutsider = await server.post(
      `/networks/${networkId}`,
      { intent: "remove-member", memberId: relativeId },
      outsider,
    );
    expect(asOutsider.status).toBe(404);
    const [relative] = await server.database.db
      .select()
      .from(networkMembers)
      .where(eq(networkMembers.id, relativeId));
    expect(relative!.removedAt).toBeNull();
  });

  it("does not accept a member id from another network", async () => {
    const other = await server.post("/persons/new", { name: "Ola Annen" }, cookie.leader);
    const otherPerson = idFrom(other, "persons");
    const net = await server.post(
      `/persons/${otherPerson}`,
      [
        ["intent", "create-network"],
        ["kind", "network_meeting_group"],
        ["leaderId", await server.userId(DEMO.leader)],
      ],
      cookie.leader,
    );
    const otherNetwork = idFrom(net, "networks");
    const response = await server.post(
      `/networks/${otherNetwork}`,
      { intent: "remove-member", memberId: relativeId },
      cookie.leader,
    );
    expect(response.status).toBe(404);
  });
});

describe("consent", () => {
  it("records consent per kind of content, and the member may see only that", async () => {
    const today = osloToday();
    const response = await server.post(
      `/networks/${networkId}`,
      [
        ["intent", "record-consent"],
        ["memberId", relativeId],
        ["content", "agenda"],
        ["content", "minutes"],
        ["givenOn", today],
        ["expiresOn", addDays(today, 10)],
        ["method", "verbal_in_meeting"],
      ],
      cookie.leader,
    );
    expect(response.status).toBe(200);
    expect(await memberMaySee(relativeId, "agenda")).toBe(true);
    expect(await memberMaySee(relativeId, "minutes")).toBe(true);
    expect(await memberMaySee(relativeId, "plan")).toBe(false);
    const logged = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "consent.record"), eq(auditLog.personId, personId)));
    expect(logged).toHaveLength(1);
  });

  it("lists consents that expire within 30 days for renewal", async () => {
    const html = await (await server.fetch("/networks", { cookie: cookie.leader })).text();
    expect(html).toContain("Samtykker som utløper innen 30 dager");
    expect(html).toContain(`#member-${relativeId}`);
  });

  it("takes effect at once when withdrawn", async () => {
    const [agenda] = await server.database.db
      .select()
      .from(consents)
      .where(and(eq(consents.memberId, relativeId), eq(consents.content, "agenda")));
    const response = await server.post(
      `/networks/${networkId}`,
      { intent: "withdraw-consent", memberId: relativeId, consentId: agenda!.id },
      cookie.leader,
    );
    expect(response.status).toBe(200);
    expect(await memberMaySee(relativeId, "agenda")).toBe(false);
    expect(await memberMaySee(relativeId, "minutes")).toBe(true);
    const again = await server.post(
      `/networks/${networkId}`,
      { intent: "withdraw-consent", memberId: relativeId, consentId: agenda!.id },
      cookie.leader,
    );
    expect(again.status).toBe(400);
  });

  it("stops counting a consent the day after it expires", async () => {
    const today = osloToday();
    await server.database.db.insert(consents).values({
      memberId: navMemberId,
      content: "plan",
      givenOn: addDays(today, -60),
      expiresOn: addDays(today, -1),
      method: "signed_paper",
      recordedByUserId: await server.userId(DEMO.leader),
    });
    expect(await memberMaySee(navMemberId, "plan")).toBe(false);
  });

  const badConsentForms: [fields: [string, string][], text: string][] = [
    [
      [
        ["content", "agenda"],
        ["givenOn", "2099-01-01"],
        ["method", "signed_paper"],
      ],
      "i framtiden",
    ],
    [
      [
        ["givenOn", "2026-01-01"],
        ["method", "signed_paper"],
      ],
      "minst én type",
    ],
    [
      [
        ["content", "agenda"],
        ["givenOn", "2026-01-10"],
        ["expiresOn", "2026-01-09"],
        ["method", "signed_paper"],
      ],
      "etter datoen",
    ],
    [
      [
        ["content", "diagnosis"],
        ["givenOn", "2026-01-10"],
        ["method", "signed_paper"],
      ],
      "minst én type",
    ],
    [
      [
        ["content", "agenda"],
        ["givenOn", "2026-02-30"],
        ["method", "signed_paper"],
      ],
      "gyldig dato",
    ],
    [
      [
        ["content", "agenda"],
        ["givenOn", "2026-01-10"],
        ["method", "telepathy"],
      ],
      "Velg et av alternativene",
    ],
  ];
  it.each(badConsentForms)("refuses a bad consent form (%#)", async (fields, text) => {
    const response = await server.post(
      `/networks/${networkId}`,
      [["intent", "record-consent"], ["memberId", relativeId], ...fields],
      cookie.leader,
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(text);
  });
});

describe("removing a member", () => {
  it("ends their access at once", async () => {
    expect((await server.fetch(`/networks/${networkId}`, { cookie: cookie.nav })).status).toBe(200);
    const response = await server.post(
      `/networks/${networkId}`,
      { intent: "remove-member", memberId: navMemberId },
      cookie.leader,
    );
    expect(response.status).toBe(200);
    expect((await server.fetch(`/networks/${networkId}`, { cookie: cookie.nav })).status).toBe(404);
    expect((await server.fetch(`/persons/${personId}`, { cookie: cookie.nav })).status).toBe(404);
  });
});

describe("changing who leads", () => {
  it("sets the leaders responsible for a person; none is refused", async () => {
    const coordinatorId = await server.userId(DEMO.coordinator);
    const leaderId = await server.userId(DEMO.leader);
    const none = await server.post(
      `/persons/${personId}`,
      { intent: "set-leaders" },
      cookie.leader,
    );
    expect(none.status).toBe(400);
    const volunteer = await server.post(
      `/persons/${personId}`,
      [
        ["intent", "set-leaders"],
        ["leaderId", await server.userId(DEMO.volunteer)],
      ],
      cookie.leader,
    );
    expect(volunteer.status).toBe(400); // a partner cannot be responsible
    const both = await server.post(
      `/persons/${personId}`,
      [
        ["intent", "set-leaders"],
        ["leaderId", leaderId],
        ["leaderId", coordinatorId],
      ],
      cookie.leader,
    );
    expect(both.status).toBe(200);
    const page = await (
      await server.fetch(`/persons/${personId}`, { cookie: cookie.leader })
    ).text();
    expect(page).toContain(`checked="" value="${coordinatorId}"`);
  });

  it("changes a network's leaders within the limit of its kind", async () => {
    const leaderId = await server.userId(DEMO.leader);
    const three = await server.post(
      `/networks/${networkId}`,
      [
        ["intent", "set-leaders"],
        ["leaderId", leaderId],
        ["leaderId", await server.userId(DEMO.leader2)],
        ["leaderId", await server.userId(DEMO.coordinator)],
      ],
      cookie.leader,
    );
    expect(three.status).toBe(400);
    const one = await server.post(
      `/networks/${networkId}`,
      [
        ["intent", "set-leaders"],
        ["leaderId", leaderId],
      ],
      cookie.leader,
    );
    expect(one.status).toBe(200);
    // leader2 led only through the network (not responsible for the person): no longer sees it.
    expect((await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader2 })).status).toBe(
      404,
    );
    const logged = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "network.update"), eq(auditLog.subjectId, networkId)));
    expect(logged).toHaveLength(1);
  });
});
