import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../app/features/accounts/session.server";
import { parseSearchParams } from "../../app/features/offerings/search-params";
import { markedParts } from "../../app/features/offerings/highlight";
import { searchOfferings, type SearchHit } from "../../app/features/offerings/search.server";
import { municipalities, offerings, organisations, roleAssignments, users } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * The offerings search (issue 13, ADR 024) on the database the run uses (PGlite, or PostgreSQL
 * with TEST_DATABASE_URL): norwegian stemming, compound words and typos by trigrams, æ/ø/å kept
 * apart, each filter, why a result matches, what to relax when nothing does, bad input that
 * never breaks the page, and who sees what.
 */
let server: TestServer;
const cookie: Record<string, string> = {};
const ids: Record<string, string> = {};
let fjordvik: SessionUser;

/** The search's rules called directly, as the page's loader calls them (the first 100). */
const search = async (query: string) => {
  const { request } = parseSearchParams(new URLSearchParams(`shown=100&${query}`));
  return searchOfferings(fjordvik, request);
};
const titles = (hits: SearchHit[]) => hits.map((hit) => hit.title.join(""));
const found = async (query: string) => titles((await search(query)).hits);

const page = async (path: string, as?: string) => {
  const response = await server.fetch(path, { cookie: as ? cookie[as] : undefined });
  return {
    status: response.status,
    text: await response.text(),
    location: response.headers.get("location") ?? "",
  };
};

const MEETING = "Forberedelse til ansvarsgruppemøte";
const BERRIES = "Bærplukking i skogen";
const QUIZ = "Bar-quiz uten alkohol";
const PAUSED = "Padleklubb på pause";
const RETIRED = "Nedlagt padleklubb";
const HOSTILE = "Kurs <script>alert(1)</script> & mer";

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const db = server.database.db;
  const [leader] = await db.select().from(users).where(eq(users.email, DEMO.leader));
  fjordvik = { id: leader!.id, municipalityId: leader!.municipalityId } as SessionUser;
  const [org] = await db
    .insert(organisations)
    .values({
      municipalityId: leader!.municipalityId,
      name: "Testvik idrettslag",
      kind: "sports_club",
    })
    .returning();
  ids.org = org!.id;
  const base = {
    municipalityId: leader!.municipalityId,
    organisationId: org!.id,
  };
  await db.insert(offerings).values([
    {
      ...base,
      title: MEETING,
      description: "Vi går gjennom hva som skal skje i møtet, og hva du vil si.",
      category: "peer_support",
      lifeAreas: ["mental_health"],
      chime: ["hope_optimism"],
      weeklySlots: [{ weekday: 2, start: "18:00", end: "20:00" }],
      costOre: 0,
      noReferral: true,
      welcomeWhileUsing: true,
      wheelchairAccessible: true,
      languages: ["nb", "ar"],
      ageMin: 18,
      ageMax: 67,
      address: "Kaigata 3, Testvik",
    },
    {
      ...base,
      title: BERRIES,
      description: "Vi plukker blåbær og tyttebær sammen.",
      category: "activity_exercise",
      lifeAreas: ["physical_health"],
      chime: ["connectedness"],
      weeklySlots: [{ weekday: 6, start: "10:00", end: "13:00" }],
      costOre: 5000,
      noReferral: false,
      languages: ["nb"],
    },
    {
      ...base,
      title: QUIZ,
      description: "Quiz på kafé hver torsdag ettermiddag.",
      category: "social_meeting_place",
      weeklySlots: [{ weekday: 4, start: "14:00", end: "16:00" }],
      costOre: 0,
      noReferral: true,
      languages: ["en"],
      ageMin: 16,
      ageMax: 25,
    },
    { ...base, title: PAUSED, description: "Padling.", category: "other", status: "paused" },
    { ...base, title: RETIRED, description: "Padling.", category: "other", status: "retired" },
    { ...base, title: HOSTILE, description: 'Et <b>kurs</b> med "sitater".', category: "other" },
  ]);
  // Another municipality with its own catalogue and coordinator.
  const [havbygd] = await db
    .insert(municipalities)
    .values({ name: "Havbygd kommune", slug: "havbygd" })
    .returning();
  const [foreignOrg] = await db
    .insert(organisations)
    .values({ municipalityId: havbygd!.id, name: "Havbygd padlelag", kind: "association" })
    .returning();
  await db.insert(offerings).values({
    municipalityId: havbygd!.id,
    organisationId: foreignOrg!.id,
    title: "Padleklubb i Havbygd",
    description: "Padling i fjorden.",
    category: "activity_exercise",
  });
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

describe("words", () => {
  it("finds inflected forms by norwegian stemming", async () => {
    expect(await found("q=møtene")).toContain(MEETING);
    expect(await found("q=plukke")).toContain(BERRIES);
  });

  it("finds a word inside a compound word, which stemming does not", async () => {
    expect(await found("q=gruppemøte")).toContain(MEETING);
    const football = await found("q=fotball");
    expect(football).toEqual(expect.arrayContaining(["Gåfotball", "Fotball for voksne"]));
  });

  it("finds through a typo by trigram similarity", async () => {
    expect(await found("q=fotbal")).toEqual(
      expect.arrayContaining(["Gåfotball", "Fotball for voksne"]),
    );
    expect(await found("q=ansvarsgrupemøte")).toContain(MEETING);
    expect(await found("q=bærplukkng")).toContain(BERRIES);
  });

  it("keeps æ, ø and å as letters of their own", async () => {
    const berries = await found("q=bær");
    expect(berries).toContain(BERRIES);
    expect(berries).not.toContain(QUIZ);
    const bar = await found("q=bar");
    expect(bar).toContain(QUIZ);
    expect(bar).not.toContain(BERRIES);
  });

  it("needs every word, leaves out stop words, and searches the organisation and the place", async () => {
    expect(await found("q=quiz+og+kafé")).toEqual([QUIZ]);
    expect(await found("q=quiz+blåbær")).toEqual([]);
    expect(await found("q=testvik+idrettslag")).toEqual(
      expect.arrayContaining([MEETING, BERRIES, QUIZ]),
    );
    const byPlace = await search("q=kaigata");
    expect(titles(byPlace.hits)).toEqual([MEETING]);
    expect(byPlace.hits[0]!.reasons.foundIn).toEqual(["place"]);
  });

  it("follows an organisation's new name", async () => {
    await server.database.db
      .update(organisations)
      .set({ name: "Testvik sportsklubb" })
      .where(eq(organisations.id, ids.org!));
    expect(await found("q=sportsklubb")).toEqual(expect.arrayContaining([MEETING, BERRIES]));
    expect(await found("q=idrettslag+testvik")).not.toContain(MEETING);
  });
});

describe("filters", () => {
  const mine = [MEETING, BERRIES, QUIZ];
  const only = async (query: string) =>
    (await found(`${query}&q=`)).filter((title) => mine.includes(title)).sort();

  it("each narrows the results to the offerings it describes", async () => {
    expect(await only("category=peer_support")).toEqual([MEETING]);
    expect(await only("lifeArea=physical_health")).toEqual([BERRIES]);
    expect(await only("chime=hope_optimism")).toEqual([MEETING]);
    expect(await only("weekday=2")).toEqual([MEETING]);
    expect(await only("timeOfDay=morning")).toEqual([BERRIES]);
    expect(await only("timeOfDay=afternoon")).toEqual([QUIZ]);
    expect(await only("timeOfDay=evening")).toEqual([MEETING]);
    expect(await only("weekday=2&timeOfDay=morning")).toEqual([]);
    expect(await only("free=on")).toEqual([QUIZ, MEETING].sort());
    expect(await only("noReferral=on")).toEqual([QUIZ, MEETING].sort());
    expect(await only("welcomeWhileUsing=on")).toEqual([MEETING]);
    expect(await only("accessible=on")).toEqual([MEETING]);
    expect(await only("language=ar")).toEqual([MEETING]);
    expect(await only("language=en")).toEqual([QUIZ]);
    // Age: offerings with no age range take everyone.
    expect(await only("age=17")).toEqual([BERRIES, QUIZ].sort());
    expect(await only("age=40")).toEqual([BERRIES, MEETING].sort());
  });

  it("with words too: every search of one shape answers for its own values", async () => {
    // The words-as-written pass is prepared once per shape (which words, which filters set):
    // a value from an earlier search of the same shape must never stick. Three offerings per
    // weekday, so that each search finds three and no typo pass (built afresh) takes over.
    const db = server.database.db;
    const [org] = await db
      .insert(organisations)
      .values({
        municipalityId: fjordvik.municipalityId,
        name: "Ukedagslaget",
        kind: "association",
      })
      .returning();
    const rows = [2, 4, 6].flatMap((weekday) =>
      [1, 2, 3].map((n) => ({
        municipalityId: fjordvik.municipalityId,
        organisationId: org!.id,
        title: `Ukedag ${weekday} nr ${n}`,
        description: "Samling.",
        category: weekday === 4 ? ("culture" as const) : ("other" as const),
        weeklySlots: [{ weekday, start: weekday === 2 ? "09:00" : "19:00", end: "21:00" }],
        ageMin: weekday === 6 ? 30 : null,
      })),
    );
    const inserted = await db.insert(offerings).values(rows).returning({ id: offerings.id });
    try {
      const days = async (query: string) =>
        [...new Set((await found(`q=ukedagslaget&${query}`)).map((t) => t.split(" ")[1]))].sort();
      expect(await days("weekday=2")).toEqual(["2"]);
      expect(await days("weekday=4")).toEqual(["4"]);
      expect(await days("weekday=6")).toEqual(["6"]);
      expect(await days("timeOfDay=morning")).toEqual(["2"]);
      expect(await days("timeOfDay=evening")).toEqual(["4", "6"]);
      expect(await days("category=culture")).toEqual(["4"]);
      expect(await days("category=other")).toEqual(["2", "6"]);
      expect(await days("age=40")).toEqual(["2", "4", "6"]);
      expect(await days("age=20")).toEqual(["2", "4"]);
    } finally {
      await db.delete(offerings).where(
        inArray(
          offerings.id,
          inserted.map((row) => row.id),
        ),
      );
      await db.delete(organisations).where(eq(organisations.id, org!.id));
    }
  });

  it("leaves out retired offerings, and paused ones unless asked", async () => {
    const current = await found("q=padleklubb");
    expect(current).not.toContain(PAUSED);
    expect(current).not.toContain(RETIRED);
    const withPaused = await found("q=padleklubb&includePaused=on");
    expect(withPaused).toContain(PAUSED);
    expect(withPaused).not.toContain(RETIRED);
  });
});

describe("why a result matches", () => {
  it("marks the words found and names the filters and the slot that matched", async () => {
    const { hits } = await search("q=møte&free=on&weekday=2");
    const hit = hits.find((h) => titles([h])[0] === MEETING)!;
    expect(markedParts(hit.title)).toEqual(["møte"]);
    expect(markedParts(hit.snippet)).toContain("møtet");
    expect(hit.reasons.foundIn).toEqual(["title", "description"]);
    expect(hit.reasons.filters).toEqual(["weekday", "free"]);
    expect(hit.reasons.slots).toEqual([{ weekday: 2, start: "18:00", end: "20:00" }]);
    const typo = (await search("q=fotbal")).hits.find((h) => titles([h])[0] === "Gåfotball")!;
    expect(markedParts(typo.title)).toEqual(["fotball"]);
    // Found by trigrams only (the second pass): the word with the typo is marked too.
    const trigram = (await search("q=bærplukkng")).hits.find((h) => titles([h])[0] === BERRIES)!;
    expect(markedParts(trigram.title)).toEqual(["Bærplukking"]);
  });

  it("suggests which filter to leave out when nothing matches", async () => {
    const empty = await search("q=bærplukking&free=on&weekday=6");
    expect(empty.total).toBe(0);
    expect(empty.suggestions).toContainEqual({ without: "free", count: 1 });
    expect(empty.suggestions.map((s) => s.without)).not.toContain("weekday");
    const shown = await page("/offerings/search?q=b%C3%A6rplukking&free=on", "leader");
    expect(shown.text).toContain("Ingen treff.");
    expect(shown.text).toContain("Uten «Gratis» finnes 1 tilbud.");
    expect(shown.text).toContain('href="/offerings/search?q=b%C3%A6rplukking"');
    const words = await search("q=ukjentord&category=peer_support");
    expect(words.suggestions).toContainEqual({ without: "q", count: expect.any(Number) });
  });

  it("shows marked words as text: user text is escaped, only <mark> is markup", async () => {
    const shown = await page("/offerings/search?q=script+kurs", "leader");
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain("<script>alert");
    expect(shown.text).toContain("&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;");
    expect(shown.text).toContain("&lt;b&gt;<mark>kurs</mark>&lt;/b&gt;");
  });
});

describe("more results", () => {
  it("shows ten at first, ten more for each press of the link, and at most a hundred", async () => {
    const first = await searchOfferings(
      fjordvik,
      parseSearchParams(new URLSearchParams("q=")).request,
    );
    expect(first.total).toBeGreaterThan(20);
    expect(first.hits).toHaveLength(10);
    const twenty = parseSearchParams(new URLSearchParams("q=&shown=20")).request;
    const more = await searchOfferings(fjordvik, twenty);
    expect(more.hits).toHaveLength(20);
    expect(titles(more.hits).slice(0, 10)).toEqual(titles(first.hits));
    // The link's parameter is never typed; a value that is not a page is read as one.
    const shownOf = (value: string) =>
      parseSearchParams(new URLSearchParams(`shown=${value}`)).request.shown;
    expect(["", "x", "-5", "0", "7", "10"].map(shownOf)).toEqual([10, 10, 10, 10, 10, 10]);
    expect(["11", "20", "99", "100", "5000", "99999"].map(shownOf)).toEqual([
      20, 20, 100, 100, 100, 10,
    ]);
  });

  it("never reorders the results already shown when more are shown, ties included", async () => {
    for (const q of ["q=tur", "q=kafe", "q=gruppe", "q=fjordvik", "q=", "q=&free=on"]) {
      const ten = titles(
        (await searchOfferings(fjordvik, parseSearchParams(new URLSearchParams(q)).request)).hits,
      );
      const more = titles(
        (
          await searchOfferings(
            fjordvik,
            parseSearchParams(new URLSearchParams(`${q}&shown=30`)).request,
          )
        ).hits,
      );
      expect(more.slice(0, ten.length), q).toEqual(ten);
    }
  });

  it("orders results without words by title in Norwegian order", async () => {
    const all = titles((await search("q=")).hits);
    const sorted = [...all].sort(
      new Intl.Collator("nb", { sensitivity: "base", numeric: true }).compare,
    );
    expect(all).toEqual(sorted);
  });

  it("offers the link while there are more results, with the same search in it", async () => {
    const shown = await page("/offerings/search?q=&free=on", "leader");
    expect(shown.text).toContain("Vis flere treff");
    expect(shown.text).toContain('href="/offerings/search?q=&amp;free=on&amp;shown=20#hit-11"');
    const last = await page("/offerings/search?q=fotball&shown=100", "leader");
    expect(last.text).not.toContain("Vis flere treff");
  });
});

describe("bad input", () => {
  const hostile = [
    "'; drop table offerings; --",
    '" or 1=1 --',
    ".*[(?<=\\",
    "\\\\ \\' \\\"",
    "%_%",
    "fotball & !voksne | (<-> :*)",
    "$1 $$ ; select pg_sleep(1)",
    "   ",
    "\u200b",
  ];

  it("answers SQL, regex, quote and text-search characters with a page, never a 500", async () => {
    for (const q of hostile) {
      const shown = await page(`/offerings/search?q=${encodeURIComponent(q)}`, "leader");
      expect(shown.status, q).toBe(200);
    }
    expect(await found(`q=${encodeURIComponent("fotball' --")}`)).toContain("Fotball for voksne");
    const [count] = await server.database.db.select({ id: offerings.id }).from(offerings).limit(1);
    expect(count).toBeDefined(); // the table is still there
  });

  it("cuts a 1,000-character query to 200 characters and says so", async () => {
    const long = "fotball ".repeat(125);
    const shown = await page(`/offerings/search?q=${encodeURIComponent(long)}`, "leader");
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("Søket var for langt. Vi søker med de første 200 tegnene.");
    const many = await page("/offerings/search?q=a1+b2+c3+d4+e5+f6+g7+h8+i9", "leader");
    expect(many.text).toContain("Vi søker med de første 8 ordene.");
  });

  it("ignores filter values it does not know, and says which", async () => {
    const shown = await page(
      "/offerings/search?q=fotball&category=%27%20or%201=1--&weekday=9&age=-1&free=maybe&language=xx",
      "leader",
    );
    expect(shown.status).toBe(200);
    expect(shown.text).toContain("<mark>Fotball</mark> for voksne");
    for (const filter of ["Kategori", "Ukedag", "Personens alder", "Gratis", "Språk"])
      expect(shown.text).toContain(`Ukjent verdi for «${filter}» ble ikke brukt.`);
  });
});

describe("access", () => {
  it("lets leaders, coordinators and partners search their own municipality only", async () => {
    for (const role of ["leader", "coordinator", "volunteer", "nav"]) {
      const shown = await page("/offerings/search?q=padling", role);
      expect(shown.status, role).toBe(200);
      expect(shown.text, role).not.toContain("Padleklubb i Havbygd");
    }
    const foreign = await page("/offerings/search?q=padling", "foreign");
    expect(foreign.text).toContain("Padleklubb i Havbygd");
    expect((await page("/offerings/search?q=fotball", "foreign")).text).not.toContain(
      "Fotball for voksne",
    );
  });

  it("refuses admins without the catalogue and sends the logged-out to log in", async () => {
    expect((await page("/offerings/search", "admin")).status).toBe(403);
    const anonymous = await page("/offerings/search?q=fotball");
    expect(anonymous.status).toBe(302);
    expect(anonymous.location).toMatch(/^\/login/);
  });
});

describe("a hundred at most", () => {
  it("shows the first hundred and asks for a word or a filter instead of more", async () => {
    const [organisation] = await server.database.db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.municipalityId, fjordvik.municipalityId))
      .limit(1);
    const many = Array.from({ length: 105 }, (_, i) => ({
      municipalityId: fjordvik.municipalityId,
      organisationId: organisation!.id,
      title: `Massetesttilbud ${i}`,
      description: "Et av mange.",
      category: "other" as const,
    }));
    await server.database.db.insert(offerings).values(many);
    const words = await page("/offerings/search?q=massetesttilbud&shown=100", "leader");
    expect(words.text).toContain("105 treff, viser de 100 beste");
    expect(words.text).toContain("De 100 beste treffene vises.");
    expect(words.text).not.toContain("Vis flere treff");
    const filters = await page("/offerings/search?q=&category=other&shown=100", "leader");
    expect(filters.text).toContain("viser de 100 første");
    expect(filters.text).toContain("De 100 første treffene vises.");
    expect(filters.text).not.toContain("Vis flere treff");
  });
});
