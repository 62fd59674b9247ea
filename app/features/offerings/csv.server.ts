import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { and, eq, sql } from "drizzle-orm";
import iconv from "iconv-lite";
import { getDatabase } from "../../../db/client";
import { chimeElements, lifeAreas } from "../../../db/enums";
import {
  offeringCategories,
  offeringLanguages,
  offeringStatuses,
} from "../../../db/offering-enums";
import { offerings, organisations } from "../../../db/schema";
import { nb, type MessageKey } from "../../i18n/nb";
import { logger, safeError } from "../../utils/logger.server";
import { osloToday } from "../../utils/oslo-time";
import { message } from "../../utils/validation";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAudit, recordAuditNow } from "../audit/audit.server";
import { once, type FormClaim } from "../forms/once.server";
import { forbidden, managesOrganisations, offeringsScope } from "./access.server";
import {
  categoryLabel,
  chimeLabel,
  costText,
  languageLabel,
  lifeAreaLabel,
  statusLabel,
} from "./labels";
import { collator } from "./offerings.server";
import { formatNorwegianDate, formatWeeklySlots } from "./schedule";
import { parseOffering, type OfferingInput, type RawFields } from "./validation.server";

/*
 * CSV import and export of the catalogue for the spreadsheets municipalities already keep
 * (issue 13, ADR 022). Import: UTF-8 with or without BOM, or Windows-1252 as Norwegian Excel
 * writes it (decoded by iconv-lite: Node's own decoder gets some bytes wrong); the delimiter
 * (";" or ",") is taken from the header line; every row is checked by the same rules as the
 * form (validation.server.ts), and the file is saved whole or not at all. Export: what Excel
 * opens correctly (BOM, ";", CRLF), with cells that a spreadsheet would run as a formula
 * (starting with =, +, - or @) neutralised with a leading apostrophe, which import removes.
 */

/** The columns, in file order: the field they fill and their bokmål heading. */
export const CSV_COLUMNS = [
  ["organisation", "Organisasjon"],
  ["title", "Navn på tilbudet"],
  ["description", "Beskrivelse"],
  ["category", "Kategori"],
  ["status", "Status"],
  ["lifeAreas", "Livsområder"],
  ["chime", "CHIME"],
  ["weeklySlots", "Faste tider"],
  ["dates", "Datoer"],
  ["scheduleNote", "Mer om tidspunkt"],
  ["address", "Adresse"],
  ["accessibilityNotes", "Om tilgjengelighet"],
  ["cost", "Pris (kr)"],
  ["noReferral", "Uten henvisning"],
  ["welcomeWhileUsing", "Velkommen ved rus"],
  ["wheelchairAccessible", "Rullestol"],
  ["languages", "Språk"],
  ["ageMin", "Alder fra"],
  ["ageMax", "Alder til"],
  ["capacity", "Plasser"],
  ["waitingList", "Venteliste"],
  ["contactName", "Kontaktperson"],
  ["contactPhone", "Kontakt telefon"],
  ["contactEmail", "Kontakt e-post"],
  ["lastVerified", "Sist sjekket"],
] as const;

type ColumnKey = (typeof CSV_COLUMNS)[number][0];
const REQUIRED: ColumnKey[] = ["organisation", "title", "description", "category"];

/** The largest file the import reads, and the most rows. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

/** What is wrong with the file as a whole (nothing is saved). */
export type FileProblem =
  | { key: "empty" }
  | { key: "tooLarge" }
  | { key: "encoding" }
  | { key: "tooManyRows" }
  | { key: "delimiter" }
  | { key: "unclosedQuote"; line: number }
  | { key: "malformed"; line: number }
  | { key: "missingColumns"; columns: string[] }
  | { key: "unknownColumns"; columns: string[] };

/** A rejected row: its line in the file and an error per column (packed messages). */
export interface RowProblem {
  line: number;
  title: string;
  errors: { column: string; message: string }[];
}

export type ImportResult =
  | { ok: true; created: number }
  | { ok: false; file: FileProblem }
  | { ok: false; rows: RowProblem[]; total: number };

/**
 * The file's text: UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else Windows-1252
 * (as Norwegian Excel saves "CSV"), decoded by iconv-lite.
 */
export function decodeCsv(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return buffer.subarray(3).toString("utf8");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
  } catch {
    return iconv.decode(buffer, "windows-1252");
  }
}

/**
 * False for bytes that are no CSV text in UTF-8 or Windows-1252, which would decode to nonsense
 * headings: UTF-16 (Excel's "Unicode text", with its byte order mark), or any NUL byte (UTF-16
 * without a mark, an Excel workbook, a picture). Neither encoding writes NUL in a text.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return false;
  return !bytes.includes(0);
}

/** ";" or ",": whichever the header line has more of (outside quotes); null when neither. */
export function delimiterOf(text: string): ";" | "," | null {
  const end = text.search(/\r?\n/);
  const header = (end === -1 ? text : text.slice(0, end)).replace(/"[^"]*"/g, "");
  const semicolons = header.split(";").length - 1;
  const commas = header.split(",").length - 1;
  if (semicolons === 0 && commas === 0) return null;
  return semicolons >= commas ? ";" : ",";
}

const norm = (value: string) => value.trim().toLowerCase().replace(/\s+/g, " ");

const HEADINGS = new Map<string, ColumnKey>(
  CSV_COLUMNS.flatMap(([key, heading]) => [
    [norm(heading), key],
    [norm(key), key],
  ]),
);

/** Codes by their code and their bokmål label (lower-cased), for list and choice cells. */
function lookup<T extends string>(values: readonly T[], labels: Record<T, MessageKey>) {
  const map = new Map<string, T>();
  for (const value of values) {
    map.set(norm(value), value);
    map.set(norm(nb[labels[value]]), value);
  }
  return (cell: string) => map.get(norm(cell)) ?? cell.trim();
}
const categoryOf = lookup(offeringCategories, categoryLabel);
const statusOf = lookup(offeringStatuses, statusLabel);
const areaOf = lookup(lifeAreas, lifeAreaLabel);
const chimeOf = lookup(chimeElements, chimeLabel);
const languageOf = lookup(offeringLanguages, languageLabel);

const YES = new Set(["ja", "j", "x", "1", "yes", "y", "true", "sant"]);
const NO = new Set(["", "nei", "n", "0", "no", "false", "usant"]);

/** A cell with the apostrophe export put before a formula-like start taken off again. */
const unneutralised = (cell: string) => (/^'[=+\-@]/.test(cell) ? cell.slice(1) : cell);

const splitList = (cell: string) =>
  cell
    .split(/[,;|\n]+/)
    .map((part) => part.trim())
    .filter(Boolean);

/** One row's cells as the raw fields the offering rules read; a yes/no cell that is neither is "?". */
function rawFieldsOfRow(cells: Partial<Record<ColumnKey, string>>): RawFields {
  const raw: RawFields = {};
  const yesNo = (cell = "") => {
    const value = norm(cell);
    return YES.has(value) ? "on" : NO.has(value) ? "" : "?";
  };
  raw.title = cells.title;
  raw.description = cells.description;
  raw.category = categoryOf(cells.category ?? "");
  raw.status = statusOf(cells.status ?? "") || "active";
  raw.lifeAreas = splitList(cells.lifeAreas ?? "").map(areaOf);
  raw.chime = splitList(cells.chime ?? "").map(chimeOf);
  raw.languages = splitList(cells.languages ?? "").map(languageOf);
  raw.weeklySlots = cells.weeklySlots;
  raw.dates = cells.dates;
  for (const key of [
    "scheduleNote",
    "address",
    "accessibilityNotes",
    "cost",
    "ageMin",
    "ageMax",
    "capacity",
    "contactName",
    "contactPhone",
    "contactEmail",
  ] as const)
    raw[key] = cells[key];
  for (const key of [
    "noReferral",
    "welcomeWhileUsing",
    "wheelchairAccessible",
    "waitingList",
  ] as const)
    raw[key] = yesNo(cells[key]);
  return raw;
}

const BOOLEAN_COLUMNS = new Set([
  "noReferral",
  "welcomeWhileUsing",
  "wheelchairAccessible",
  "waitingList",
]);

/**
 * Reads and checks a whole file for `user` (a coordinator: the import names organisations of
 * the whole municipality). Returns the offerings to save, or what is wrong: with the file as a
 * whole, or with rows (every rejected row, with its line and an error per column).
 */
export async function readImport(
  user: SessionUser,
  bytes: Uint8Array,
): Promise<{ ok: true; offerings: OfferingInput[] } | Exclude<ImportResult, { ok: true }>> {
  if (bytes.byteLength === 0) return { ok: false, file: { key: "empty" } };
  if (bytes.byteLength > MAX_IMPORT_BYTES) return { ok: false, file: { key: "tooLarge" } };
  if (!looksLikeText(bytes)) return { ok: false, file: { key: "encoding" } };
  const text = decodeCsv(bytes);
  if (text.trim() === "") return { ok: false, file: { key: "empty" } };
  const delimiter = delimiterOf(text);
  if (!delimiter) return { ok: false, file: { key: "delimiter" } };
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 64 * 1024,
      to: MAX_IMPORT_ROWS + 2,
    }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    const code = (error as { code?: string }).code;
    return {
      ok: false,
      file:
        code === "CSV_QUOTE_NOT_CLOSED"
          ? { key: "unclosedQuote", line }
          : { key: "malformed", line },
    };
  }
  const [header = [], ...rows] = records;
  if (rows.length === 0) return { ok: false, file: { key: "empty" } };
  if (rows.length > MAX_IMPORT_ROWS) return { ok: false, file: { key: "tooManyRows" } };
  const keys = header.map((heading) => HEADINGS.get(norm(heading)) ?? null);
  const unknown = header.filter((heading, i) => keys[i] === null && heading.trim() !== "");
  if (unknown.length > 0)
    return { ok: false, file: { key: "unknownColumns", columns: unknown.slice(0, 10) } };
  const missing = REQUIRED.filter((key) => !keys.includes(key));
  if (missing.length > 0)
    return {
      ok: false,
      file: {
        key: "missingColumns",
        columns: missing.map((key) => CSV_COLUMNS.find(([k]) => k === key)![1]),
      },
    };

  const organisationIds = new Map(
    (
      await getDatabase()
        .db.select({ id: organisations.id, name: organisations.name })
        .from(organisations)
        .where(eq(organisations.municipalityId, user.municipalityId))
    ).map((o) => [norm(o.name), o.id]),
  );
  const heading = (key: string) => CSV_COLUMNS.find(([k]) => k === key)?.[1] ?? key;
  const problems: RowProblem[] = [];
  const parsed: OfferingInput[] = [];
  rows.forEach((row, index) => {
    const line = index + 2;
    const cells: Partial<Record<ColumnKey, string>> = {};
    keys.forEach((key, i) => {
      if (key) cells[key] = unneutralised(row[i] ?? "");
    });
    const errors: RowProblem["errors"] = [];
    if (row.length > header.length && row.slice(header.length).some((c) => c.trim() !== ""))
      errors.push({ column: "", message: message("import.error.extraCells") });
    const organisationId = organisationIds.get(norm(cells.organisation ?? ""));
    if (!organisationId)
      errors.push({
        column: heading("organisation"),
        message: message(
          cells.organisation?.trim() ? "import.error.organisation" : "form.required",
        ),
      });
    const raw = rawFieldsOfRow(cells);
    for (const key of BOOLEAN_COLUMNS)
      if (raw[key] === "?")
        errors.push({ column: heading(key), message: message("import.error.yesNo") });
    const result = parseOffering({
      ...raw,
      ...Object.fromEntries([...BOOLEAN_COLUMNS].map((k) => [k, raw[k] === "?" ? "" : raw[k]])),
      organisationId: organisationId ?? "00000000-0000-4000-8000-000000000000",
    });
    if (!result.ok)
      for (const [field, messages] of Object.entries(result.errors))
        if (field !== "organisationId")
          for (const packed of messages) errors.push({ column: heading(field), message: packed });
    if (errors.length > 0)
      problems.push({ line, title: (cells.title ?? "").slice(0, 100), errors });
    else if (result.ok) parsed.push(result.value);
  });
  if (problems.length > 0) return { ok: false, rows: problems, total: rows.length };
  return { ok: true, offerings: parsed };
}

/**
 * Imports a file for a coordinator: all rows or none, in one transaction, once per form claim
 * (a second post of the same form gets the first's result), audited as one entry with the
 * number of offerings. Every imported offering counts as checked now by the importer.
 */
export async function importOfferings(
  user: SessionUser,
  context: { clientIp: string },
  bytes: Uint8Array,
  claim?: FormClaim,
): Promise<ImportResult> {
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  const read = await readImport(user, bytes);
  if (!read.ok) return read;
  const result = await getDatabase().db.transaction((tx) =>
    once(tx, claim, async () => {
      const now = new Date();
      for (let i = 0; i < read.offerings.length; i += 500) {
        await tx.insert(offerings).values(
          read.offerings.slice(i, i + 500).map((input) => ({
            ...input,
            municipalityId: user.municipalityId,
            lastVerifiedAt: now,
            lastVerifiedByUserId: user.id,
            createdByUserId: user.id,
          })),
        );
      }
      await recordAudit(
        auditActor(user, context),
        {
          action: "offering.import",
          subjectType: "offering",
          details: { created: read.offerings.length },
        },
        tx,
      );
      return { ok: true as const, created: read.offerings.length };
    }),
  );
  if (result.ok && result.created >= TIDY_AFTER_ROWS) {
    // The import is saved: a failed tidy (a role that does not own the table) waits for
    // autovacuum rather than failing the answer.
    await tidySearchIndexes().catch((error: unknown) =>
      logger().warn({ err: safeError(error) }, "search indexes not tidied after an import"),
    );
  }
  return result;
}

/** An import of at least this many offerings tidies the search's indexes at once. */
const TIDY_AFTER_ROWS = 100;

/**
 * After thousands of new rows at once, until autovacuum next comes by, every search would read
 * the GIN indexes' whole unsorted pending list (~5 ms a search for 5,000 rows) and be planned
 * from statistics of the table before the import. Both are brought up to date now (ADR 024).
 */
async function tidySearchIndexes() {
  const { db } = getDatabase();
  await db.execute(
    sql`select gin_clean_pending_list('offerings_search_vector_idx'::regclass), gin_clean_pending_list('offerings_search_text_idx'::regclass)`,
  );
  await db.execute(sql`analyze offerings`);
}

/** A cell a spreadsheet would run as a formula gets a leading apostrophe. */
export const neutralised = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

const yesNo = (value: boolean) => (value ? "ja" : "nei");

/**
 * The catalogue of the coordinator's municipality as a CSV file for Excel: UTF-8 with BOM,
 * ";" between cells, CRLF between rows, bokmål labels, formula-like cells neutralised.
 * Audited ("offering.export"). Only coordinators export.
 */
export async function exportOfferings(
  user: SessionUser,
  context: { clientIp: string },
): Promise<string> {
  if (!managesOrganisations(await offeringsScope(user))) forbidden();
  const rows = await getDatabase()
    .db.select({ offering: offerings, organisation: organisations.name })
    .from(offerings)
    .innerJoin(organisations, eq(organisations.id, offerings.organisationId))
    .where(and(eq(offerings.municipalityId, user.municipalityId), sql`true`));
  rows.sort(
    (a, b) =>
      collator.compare(a.organisation, b.organisation) ||
      collator.compare(a.offering.title, b.offering.title),
  );
  const label = (key: MessageKey) => nb[key];
  const body = rows.map(({ offering: o, organisation }) =>
    [
      organisation,
      o.title,
      o.description,
      label(categoryLabel[o.category]),
      label(statusLabel[o.status]),
      o.lifeAreas.map((a) => label(lifeAreaLabel[a])).join(", "),
      o.chime.map((c) => label(chimeLabel[c])).join(", "),
      formatWeeklySlots(o.weeklySlots, ", "),
      o.dates.map(formatNorwegianDate).join(", "),
      o.scheduleNote ?? "",
      o.address ?? "",
      o.accessibilityNotes ?? "",
      costText(o.costOre),
      yesNo(o.noReferral),
      yesNo(o.welcomeWhileUsing),
      yesNo(o.wheelchairAccessible),
      o.languages.map((l) => label(languageLabel[l])).join(", "),
      o.ageMin === null ? "" : String(o.ageMin),
      o.ageMax === null ? "" : String(o.ageMax),
      o.capacity === null ? "" : String(o.capacity),
      yesNo(o.waitingList),
      o.contactName ?? "",
      o.contactPhone ?? "",
      o.contactEmail ?? "",
      formatNorwegianDate(osloToday(o.lastVerifiedAt)),
    ].map(neutralised),
  );
  await recordAuditNow(auditActor(user, context), {
    action: "offering.export",
    subjectType: "offering",
    details: { rows: rows.length },
  });
  return stringify([CSV_COLUMNS.map(([, heading]) => heading), ...body], {
    delimiter: ";",
    record_delimiter: "\r\n",
    bom: true,
    quoted_match: /[";\r\n]/,
  });
}
