import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleAssignments, users } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * Every form field gets empty, overlong (100 kB), non-UTF-8 and script-injection values.
 * Each must give a 4xx with a readable message — never a 500 — and nothing saved is lost.
 * Optional fields (where empty means "none") are tried with the other three values only.
 */
const OVERLONG = "a".repeat(100_000);
const SCRIPT = `<script>alert("x")</script>`;
const NOT_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
type BadValue = "empty" | "overlong" | "not-utf8" | "script";

let server: TestServer;
let admin = "";
let leaderCookie = "";
let leaderId = "";
let activationToken = "";

interface FormCase {
  name: string;
  path: () => string;
  cookie: () => string | undefined;
  /** A valid submission; each test replaces one field with a bad value. */
  valid: () => [string, string][];
  required: string[];
  optional: string[];
}

let networkId = "";
let memberId = "";
let leaderSession = "";

const forms: FormCase[] = [
  {
    name: "new person",
    path: () => "/persons/new",
    cookie: () => leaderSession,
    valid: () => [
      ["name", "Siri Testdal"],
      ["preferredName", "Siri"],
      ["phone", "+47 400 00 001"],
      ["email", "siri@example.test"],
      ["preferredChannel", "sms"],
      ["language", "norsk"],
      ["unitId", ""],
    ],
    required: ["name"],
    optional: ["preferredName", "phone", "email", "preferredChannel", "language", "unitId"],
  },
  {
    name: "add member",
    path: () => `/networks/${networkId}`,
    cookie: () => leaderSession,
    valid: () => [
      ["intent", "add-member"],
      ["userId", ""],
      ["name", "Per Testdal"],
      ["relation", "friend"],
      ["organisation", ""],
      ["phone", ""],
      ["email", ""],
      ["circle", "family_friends"],
      ["wantsInvited", "yes"],
    ],
    required: ["intent", "name", "relation", "circle"],
    optional: ["userId", "organisation", "phone", "email", "wantsInvited"],
  },
  {
    name: "record consent",
    path: () => `/networks/${networkId}`,
    cookie: () => leaderSession,
    valid: () => [
      ["intent", "record-consent"],
      ["memberId", memberId],
      ["content", "agenda"],
      ["givenOn", "2026-01-05"],
      ["expiresOn", "2026-12-31"],
      ["method", "signed_paper"],
    ],
    required: ["intent", "memberId", "content", "givenOn", "method"],
    optional: ["expiresOn"],
  },
  {
    name: "login",
    path: () => "/login",
    cookie: () => undefined,
    valid: () => [
      ["email", DEMO.leader],
      ["password", "broen-demo-2026"],
      ["redirectTo", "/"],
    ],
    required: ["email", "password"],
    // redirectTo is a hidden field copied from the URL: see the test below.
    optional: [],
  },
  {
    name: "language switch",
    path: () => "/language",
    cookie: () => undefined,
    valid: () => [
      ["locale", "en"],
      ["redirectTo", "/login"],
    ],
    required: ["locale"],
    optional: ["redirectTo"],
  },
  {
    name: "activation",
    path: () => `/activate/${activationToken}`,
    cookie: () => undefined,
    valid: () => [
      ["password", "et-langt-og-godt-passord"],
      ["confirm", "et-langt-og-godt-passord"],
    ],
    required: ["password", "confirm"],
    optional: [],
  },
  {
    name: "new user",
    path: () => "/admin/users/new",
    cookie: () => admin,
    valid: () => [
      ["name", "Ola Testmann"],
      ["email", `ola.${Math.random().toString(36).slice(2)}@fjordvik.test`],
      ["role", "leader"],
      ["unit_leader", ""],
      ["unit_coordinator", ""],
      ["partnerOrganisationId", ""],
    ],
    required: ["name", "email"],
    optional: ["role", "unit_leader", "unit_coordinator", "partnerOrganisationId"],
  },
  {
    name: "edit user roles",
    path: () => `/admin/users/${leaderId}`,
    cookie: () => admin,
    valid: () => [
      ["intent", "save-roles"],
      ["role", "leader"],
      ["unit_leader", ""],
      ["unit_coordinator", ""],
      ["partnerOrganisationId", ""],
    ],
    required: ["intent"],
    optional: ["role", "unit_leader", "unit_coordinator", "partnerOrganisationId"],
  },
  {
    name: "log out everywhere",
    path: () => "/account",
    cookie: () => leaderCookie,
    valid: () => [["intent", "logout-all"]],
    required: ["intent"],
    optional: [],
  },
];

function body(fields: [string, string][], field: string, bad: BadValue): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const encodedName = encodeURIComponent(name);
    if (name !== field) {
      parts.push(Buffer.from(`${encodedName}=${encodeURIComponent(value)}`));
    } else if (bad === "not-utf8") {
      // Both forms: raw invalid bytes, and percent-escapes of invalid bytes.
      parts.push(Buffer.concat([Buffer.from(`${encodedName}=`), NOT_UTF8, Buffer.from("%FF%FE")]));
    } else {
      const value = bad === "empty" ? "" : bad === "overlong" ? OVERLONG : SCRIPT;
      parts.push(Buffer.from(`${encodedName}=${encodeURIComponent(value)}`));
    }
  }
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from("&"), part])));
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.cookieFor(DEMO.admin);
  leaderCookie = await server.cookieFor(DEMO.leader);
  leaderId = await server.userId(DEMO.leader);
  activationToken = (await server.activationLinkForNewUser("ny.bruker@fjordvik.test")).token;
  // A network with one member, built the way a leader does it.
  leaderSession = await server.cookieFor(DEMO.leader2);
  const person = await server.post("/persons/new", { name: "Nettverk Testdal" }, leaderSession);
  const personPath = person.headers.get("location")!;
  const network = await server.post(
    personPath,
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", await server.userId(DEMO.leader2)],
    ],
    leaderSession,
  );
  networkId = network.headers.get("location")!.split("/").pop()!;
  await server.post(
    `/networks/${networkId}`,
    { intent: "add-member", name: "Ane Testdal", relation: "relative", circle: "family_friends" },
    leaderSession,
  );
  const page = await (
    await server.fetch(`/networks/${networkId}`, { cookie: leaderSession })
  ).text();
  memberId = /id="member-([0-9a-f-]{36})"/.exec(page)![1]!;
});
afterAll(() => server.close());

const cases = forms.flatMap((form) => [
  ...form.required.flatMap((field) =>
    (["empty", "overlong", "not-utf8", "script"] as const).map((bad) => ({ form, field, bad })),
  ),
  ...form.optional.flatMap((field) =>
    (["overlong", "not-utf8", "script"] as const).map((bad) => ({ form, field, bad })),
  ),
]);

describe("bad input in every form field", () => {
  it.each(cases.map((c) => [c.form.name, c.field, c.bad, c] as const))(
    "%s: %s = %s gives 400 with a message",
    async (_name, field, bad, { form }) => {
      const headers: Record<string, string> = {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: server.url,
      };
      // A good one-time token (decision 012), so the 400 is the bad field's, not the token's.
      const cookie = form.cookie();
      const token: [string, string][] = cookie
        ? [["formToken", await server.formToken(cookie)]]
        : [];
      const response = await server.fetch(form.path(), {
        method: "POST",
        cookie,
        headers,
        body: new Uint8Array(body([...form.valid(), ...token], field, bad)),
      });
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(text).not.toContain("Last inn siden på nytt");
      // A readable message in the page (or the plain-text answer), never the raw script.
      expect(text).toMatch(/Skjemaet har feil|E-post eller passord er feil|ugyldig|Ugyldig/);
      expect(text).not.toContain(SCRIPT);
    },
  );

  it("keeps what was saved: the leader's roles survive every bad edit", async () => {
    const roles = await server.database.db
      .select()
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, leaderId));
    expect(roles.map((r) => r.role)).toEqual(["leader"]);
    const [leader] = await server.database.db.select().from(users).where(eq(users.id, leaderId));
    expect(leader!.active).toBe(true);
    // The leader's session was not ended by the refused "log out everywhere" posts.
    expect((await server.fetch("/", { cookie: leaderCookie })).status).toBe(200);
  });
});

describe("the login form's hidden return path", () => {
  it.each(["overlong", "not-utf8", "script"] as const)(
    "ignores an unusable redirectTo (%s) and goes to the start page instead of blocking the login",
    async (bad) => {
      const response = await server.fetch("/login", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
        body: new Uint8Array(
          body(
            [
              ["email", DEMO.coordinator],
              ["password", "broen-demo-2026"],
              ["redirectTo", "/"],
            ],
            "redirectTo",
            bad,
          ),
        ),
      });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/");
    },
  );
});

describe("bad bodies and queries", () => {
  it("answers a body that is not a form with 400", async () => {
    for (const [type, content] of [
      ["application/json", '{"email":"x"}'],
      ["multipart/form-data", "garbage"],
      ["text/plain", "\u0000\u0001"],
    ]) {
      const response = await server.fetch("/login", {
        method: "POST",
        headers: { "Content-Type": type!, Origin: server.url },
        body: content,
      });
      expect(response.status, type).toBe(400);
    }
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    const response = await server.fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url },
      body: `email=${"a".repeat(1_200_000)}`,
    });
    expect(response.status).toBe(413);
  });

  // A 100 kB query string is refused by Node itself (431) before Broen sees it; 5 kB reaches us.
  it.each([
    ["actor", "not-a-uuid"],
    ["person", SCRIPT],
    ["from", "2026-13-45"],
    ["to", "a".repeat(5000)],
    ["from", "%FF%FE"],
  ])("audit filter %s gives 400 with a message (case %#)", async (name, value) => {
    const query =
      name === "from" && value.startsWith("%")
        ? `${name}=${value}`
        : `${name}=${encodeURIComponent(value)}`;
    for (const path of ["/admin/audit", "/admin/audit.csv"]) {
      const response = await server.fetch(`${path}?${query}`, { cookie: admin });
      expect(response.status, path).toBe(400);
      const text = await response.text();
      expect(text).toMatch(/Skjemaet har feil|Ugyldig filter/);
      expect(text).not.toContain(SCRIPT);
    }
  });

  it("answers a 100 kB query string with a 4xx, not a 500", async () => {
    const response = await server.fetch(`/admin/audit?to=${OVERLONG}`, { cookie: admin });
    expect(response.status).toBe(431);
  });

  it("answers unknown user ids and bad activation tokens with 4xx", async () => {
    expect((await server.fetch("/admin/users/not-a-uuid", { cookie: admin })).status).toBe(404);
    expect(
      (await server.fetch("/admin/users/00000000-0000-4000-8000-000000000000", { cookie: admin }))
        .status,
    ).toBe(404);
    const page = await server.fetch(`/activate/${"x".repeat(5000)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ugyldig, brukt eller utløpt");
    const post = await server.post(`/activate/${encodeURIComponent(SCRIPT)}`, {
      password: "x",
      confirm: "x",
    });
    expect(post.status).toBe(400);
  });
});
