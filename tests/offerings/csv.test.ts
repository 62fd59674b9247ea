import fs from "node:fs";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, offerings } from "../../db/schema";
import { decodeCsv, delimiterOf, neutralised } from "../../app/features/offerings/csv.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * CSV import and export of the catalogue (issue 13) with real byte fixtures: UTF-8 with and
 * without BOM and Windows-1252 (æøå, «», € and — in both encodings), ";" or "," from the
 * header line, a report of every rejected row with nothing saved, a file whose quote never
 * closes, a file too large, and an export Excel opens (BOM, ";", CRLF, formulas neutralised)
 * that imports again.
 */
let server: TestServer;
const cookie: Record<string, string> = {};
const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, "fixtures", name));

const offeringCount = async () =>
  (await server.database.db.select({ n: count() }).from(offerings))[0]!.n;
const byTitle = async (title: string) =>
  (await server.database.db.select().from(offerings).where(eq(offerings.title, title)))[0];

/** The rows of db.execute's answer (an array from postgres.js, `{ rows }` from PGlite). */
const rowsOf = <T>(result: unknown): T[] =>
  Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;

async function upload(bytes: Uint8Array, as: string, token?: string) {
  const form = new FormData();
  form.set("file", new Blob([Buffer.from(bytes)], { type: "text/csv" }), "tilbud.csv");
  form.set("formToken", token ?? (await server.formToken(cookie[as]!)));
  return server.fetch("/offerings/import", {
    method: "POST",
    cookie: cookie[as],
    headers: { Origin: server.url },
    body: form,
  });
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
});

afterAll(async () => {
  await server?.close();
});

describe("reading the bytes", () => {
  it("decodes UTF-8 with and without BOM and Windows-1252", () => {
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0xc3, 0xa6, 0xc3, 0xb8, 0xc3, 0xa5]))).toBe(
      "æøå",
    );
    expect(decodeCsv(new Uint8Array([0xc3, 0xa6, 0xc3, 0xb8, 0xc3, 0xa5]))).toBe("æøå");
    // Windows-1252: æøå ÆØÅ, € (0x80), — (0x97), « » (0xab, 0xbb), œ (0x9c).
    expect(
      decodeCsv(new Uint8Array([0xe6, 0xf8, 0xe5, 0xc6, 0xd8, 0xc5, 0x80, 0x97, 0xab, 0xbb, 0x9c])),
    ).toBe("æøåÆØÅ€—«»œ");
  });

  it("takes the delimiter from the header line only", () => {
    expect(delimiterOf("a;b;c\n1,2,3,4,5")).toBe(";");
    expect(delimiterOf('a,"b;c",d\n')).toBe(",");
    expect(delimiterOf("bare en kolonne\n")).toBeNull();
  });

  it("neutralises cells a spreadsheet would run", () => {
    expect(["=SUM(A1)", "+47", "-1", "@cmd", "Vanlig"].map(neutralised)).toEqual([
      "'=SUM(A1)",
      "'+47",
      "'-1",
      "'@cmd",
      "Vanlig",
    ]);
  });
});

describe("import", () => {
  it("imports UTF-8 with BOM and ';', keeping æøå", async () => {
    const response = await upload(fixture("utf8-bom-semicolon.csv"), "coordinator");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/offerings/import?created=2");
    expect(await byTitle("Vaffelkafé på Bølgen")).toMatchObject({
      description: "Kaffe, vafler og en god prat for små og store. Ærlig talt!",
      category: "social_meeting_place",
      weeklySlots: [{ weekday: 5, start: "12:00", end: "14:00" }],
      welcomeWhileUsing: true,
      lifeAreas: ["network_belonging"],
      languages: ["nb", "en"],
    });
    expect(await byTitle("Skøyteløp på isen")).toMatchObject({ costOre: 2550 });
  });

  it("imports Windows-1252 with ',' and UTF-8 without BOM", async () => {
    expect((await upload(fixture("windows1252-comma.csv"), "coordinator")).status).toBe(302);
    expect(await byTitle("Strikking på Øya")).toMatchObject({
      description: "Garn, pinner og kaffe. Både nybegynnere og øvede er velkomne.",
      noReferral: true,
    });
    expect((await byTitle("Kor for blåmandager"))?.description).toBe(
      "Syng deg glad: «Å, for en dag!» — med €0 i kontingent.",
    );
    expect((await upload(fixture("utf8-comma.csv"), "coordinator")).status).toBe(302);
    expect(await byTitle("Strikking på Åsen")).toBeDefined();
    expect(await byTitle("Kor for grå dager")).toBeDefined();
  });

  it("reports every rejected row with its reasons and saves nothing", async () => {
    const before = await offeringCount();
    const response = await upload(fixture("bad-rows.csv"), "coordinator");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("3 av 4 rader har feil. Ingenting er lagret.");
    expect(html).toContain("har et klokkeslett som ikke finnes");
    expect(html).toContain("Skriv prisen i kroner");
    expect(html).toContain("Velg et av alternativene.");
    expect(html).toContain("Skriv «ja» eller «nei».");
    expect(html).toContain("Organisasjonen finnes ikke i katalogen");
    expect(await offeringCount()).toBe(before);
    expect(await byTitle("Denne er grei")).toBeUndefined();
  });

  it("refuses a quote that never closes, an empty file and one too large, saving nothing", async () => {
    const before = await offeringCount();
    const unclosed = await upload(fixture("unclosed-quote.csv"), "coordinator");
    expect(unclosed.status).toBe(400);
    expect(await unclosed.text()).toContain("Et anførselstegn blir aldri lukket");
    const empty = await upload(new Uint8Array(0), "coordinator");
    expect(empty.status).toBe(400);
    // Over the 3 MiB the import path may send at all: refused before it is read.
    const huge = await upload(new Uint8Array(10 * 1024 * 1024).fill(0x61), "coordinator");
    expect(huge.status).toBe(413);
    // A page that says what to do, not a bare line of text (server/request-body.ts).
    expect(huge.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await huge.text();
    expect(page).toContain("<h1>Filen er for stor</h1>");
    expect(page).toContain("større enn 3 MB");
    expect(page).toContain('<a href="/offerings/import">Tilbake til importen</a>');
    expect(page).toContain("The file is too large");
    expect(await offeringCount()).toBe(before);
  });

  it("tidies the search's indexes and statistics after a large import", async () => {
    const header = "Organisasjon;Navn på tilbudet;Beskrivelse;Kategori\r\n";
    const rows = Array.from(
      { length: 150 },
      (_, i) =>
        `Fjordvik frivilligsentral;Turgruppe nr. ${i};Vi går tur sammen.;Sosial møteplass\r\n`,
    );
    const response = await upload(Buffer.from(header + rows.join("")), "coordinator");
    expect(response.headers.get("location")).toBe("/offerings/import?created=150");
    const { db } = server.database;
    // Nothing is left in the GIN indexes' pending lists (each search would read them) ...
    for (const index of ["offerings_search_vector_idx", "offerings_search_text_idx"]) {
      const result = await db.execute(
        sql`select gin_clean_pending_list(${index}::regclass)::int as pages`,
      );
      const [row] = rowsOf<{ pages: number }>(result);
      expect(row!.pages, index).toBe(0);
    }
    // ... and the planner knows how many offerings there are now.
    const stats = await db.execute(
      sql`select reltuples::int as estimate from pg_class where relname = 'offerings'`,
    );
    const [estimate] = rowsOf<{ estimate: number }>(stats);
    expect(estimate!.estimate).toBe(await offeringCount());
  });

  it("takes a file larger than other forms may be: the page, not the server's limit, answers", async () => {
    const before = await offeringCount();
    const header = "Organisasjon;Navn på tilbudet;Beskrivelse;Kategori\r\n";
    const row = "Ukjent organisasjon;Tittel;Beskrivelse;Sosial møteplass\r\n";
    // About 600 kB: over the 128 KiB any other field may be, under the import's 2 MiB.
    const big = Buffer.from(header + row.repeat(Math.ceil(600_000 / row.length)));
    expect(big.byteLength).toBeGreaterThan(512 * 1024);
    const response = await upload(big, "coordinator");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Filen har mer enn 5000 rader");
    // Over the import's own 2 MiB: its own words, not the plain 413.
    const tooLarge = await upload(new Uint8Array(2.5 * 1024 * 1024).fill(0x61), "coordinator");
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain("Filen er for stor. Del den opp i flere filer.");
    expect(await offeringCount()).toBe(before);
  });

  it("names the columns a file lacks, and says so for UTF-16 or a workbook instead of CSV", async () => {
    const before = await offeringCount();
    const missing = await upload(
      Buffer.from("Organisasjon;Navn på tilbudet\r\nFjordvik frivilligsentral;Uten kolonner\r\n"),
      "coordinator",
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Filen mangler kolonner: Beskrivelse, Kategori.");
    const good =
      "Organisasjon;Navn på tilbudet;Beskrivelse;Kategori\r\nFjordvik frivilligsentral;UTF-16-tilbud;Tekst;Kultur\r\n";
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, "utf16le")]);
    const utf16NoMark = Buffer.from(good, "utf16le");
    const workbook = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]);
    for (const [name, bytes] of [
      ["utf-16", utf16],
      ["utf-16 without a mark", utf16NoMark],
      ["xlsx", workbook],
    ] as const) {
      const response = await upload(bytes, "coordinator");
      expect(response.status, name).toBe(400);
      expect(await response.text(), name).toContain(
        "Filen er ikke tekst i UTF-8 eller Windows-1252",
      );
    }
    expect(await offeringCount()).toBe(before);
  });

  it("rejects impossible times and dates, negative numbers and formulas in number cells; keeps formula text as text", async () => {
    const before = await offeringCount();
    const header =
      "Organisasjon;Navn på tilbudet;Beskrivelse;Kategori;Faste tider;Datoer;Pris (kr);Plasser;Alder fra\r\n";
    const rows = [
      "Fjordvik frivilligsentral;Slutt før start;B;Kultur;mandag 18:00-17:00;;;;",
      "Fjordvik frivilligsentral;Midnatt og mer;B;Kultur;søndag 23:30-24:30;;;;",
      "Fjordvik frivilligsentral;Ingen 31. februar;B;Kultur;;31.02.2027;;;",
      "Fjordvik frivilligsentral;Minus plasser;B;Kultur;;;;-1;",
      "Fjordvik frivilligsentral;Minus pris;B;Kultur;;;-5;;",
      "Fjordvik frivilligsentral;Formel i plasser;B;Kultur;;;;=1+1;",
      "Fjordvik frivilligsentral;Minus alder;B;Kultur;;;;;-3",
      'Fjordvik frivilligsentral;@SUM(1);"=HYPERLINK(""http://x"")";Kultur;;;;;',
    ];
    const response = await upload(Buffer.from(header + rows.join("\r\n") + "\r\n"), "coordinator");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("7 av 8 rader har feil. Ingenting er lagret.");
    expect(html).toContain("må sluttiden være etter starttiden");
    expect(html).toContain("har et klokkeslett som ikke finnes");
    expect(html).toContain("Skriv antall plasser som et helt tall fra 0 og opp.");
    expect(html).toContain("Skriv prisen i kroner");
    expect(html).toContain("Skriv en alder fra 0 til 130.");
    expect(await offeringCount()).toBe(before);
    // The one good row alone: formula-looking text is kept as text (export neutralises it).
    const alone = await upload(Buffer.from(header + rows[7] + "\r\n"), "coordinator");
    expect(alone.status).toBe(302);
    expect(await byTitle("@SUM(1)")).toMatchObject({ description: '=HYPERLINK("http://x")' });
  });

  it("imports once when the same form is sent twice", async () => {
    const token = await server.formToken(cookie.coordinator!);
    const bytes = fixture("utf8-bom-semicolon.csv");
    const before = await offeringCount();
    const [a, b] = await Promise.all([
      upload(bytes, "coordinator", token),
      upload(bytes, "coordinator", token),
    ]);
    expect(a.headers.get("location")).toBe(b.headers.get("location"));
    expect(await offeringCount()).toBe(before + 2);
  });

  it("is for coordinators only", async () => {
    for (const role of ["leader", "volunteer", "nav"]) {
      expect((await upload(fixture("utf8-comma.csv"), role)).status, role).toBe(403);
      expect((await server.fetch("/offerings/import", { cookie: cookie[role] })).status, role).toBe(
        403,
      );
    }
  });
});

describe("export", () => {
  it("writes BOM, ';' and CRLF, neutralises formulas, audits, and imports again", async () => {
    const db = server.database.db;
    const [one] = await db.select().from(offerings).limit(1);
    await db.update(offerings).set({ title: '=HYPERLINK("x")' }).where(eq(offerings.id, one!.id));
    const response = await server.fetch("/offerings/export.csv", { cookie: cookie.coordinator });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split("\r\n");
    expect(lines[0]).toMatch(/^Organisasjon;Navn på tilbudet;Beskrivelse;Kategori;/);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain("'+47 400 20");
    expect(
      await db.select().from(auditLog).where(eq(auditLog.action, "offering.export")),
    ).toHaveLength(1);
    // Round trip: the exported file imports again, every row.
    const before = await offeringCount();
    const again = await upload(bytes, "coordinator");
    expect(again.status).toBe(302);
    expect(await offeringCount()).toBe(before * 2);
    const copies = await db.select().from(offerings).where(eq(offerings.title, '=HYPERLINK("x")'));
    expect(copies).toHaveLength(2);
  });

  it("is for coordinators only", async () => {
    for (const role of ["leader", "volunteer", "admin"]) {
      expect(
        (await server.fetch("/offerings/export.csv", { cookie: cookie[role] })).status,
        role,
      ).toBe(403);
    }
  });
});
