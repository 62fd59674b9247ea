import { useRouteLoaderData } from "@remix-run/react";
import { nb, type MessageKey } from "./nb";

export type Locale = "nb" | "en";
export const locales: readonly Locale[] = ["nb", "en"];
export const defaultLocale: Locale = "nb";
export const TIME_ZONE = "Europe/Oslo";

type Catalogue = Record<MessageKey, string>;

// Bokmål is in every page's scripts; English only where it is asked for (it would add ~38 kB
// raw to every page). The server has both before it answers anything.
const catalogues: Partial<Record<Locale, Catalogue>> = { nb };
if (typeof document === "undefined") catalogues.en = (await import("./en")).en;

/**
 * Makes a language's texts available in the browser (entry.client.tsx calls it before it
 * hydrates a page in English). Resolves when they are there; rejects if the chunk cannot load.
 */
export async function loadCatalogue(locale: Locale): Promise<void> {
  if (!catalogues[locale]) catalogues[locale] = (await import("./en")).en;
}
const intlLocale: Record<Locale, string> = { nb: "nb-NO", en: "en-GB" };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  // A language not loaded yet (never on the server) shows bokmål rather than no text.
  const catalogue = catalogues[locale] ?? nb;
  return (key, values) =>
    catalogue[key].replace(/\{(\w+)\}/g, (match, name: string) =>
      values && name in values ? String(values[name]) : match,
    );
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

// Building an Intl.DateTimeFormat is costly (it showed as the largest single cost of the
// meetings list); one per locale is enough.
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();

export function formatDateTime(locale: Locale, value: Date | string): string {
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale[locale], {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: TIME_ZONE,
    });
    dateTimeFormats.set(locale, format);
  }
  const date = new Date(value);
  const text = format.format(date);
  // A wall-clock time that happens twice (the hour repeated when summer time ends) names two
  // instants: say which, "26. okt. 2025, 02:30 CEST" or "… 02:30 CET" (docs/decisions/005).
  const ms = date.getTime();
  if (format.format(ms - HOUR_MS) === text || format.format(ms + HOUR_MS) === text) {
    return `${text} ${zoneName(locale, date)}`;
  }
  return text;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/**
 * A calendar date (yyyy-mm-dd, an Oslo date as forms and consents store it) as people read it:
 * "30. nov. 2026" in bokmål, "30 Nov 2026" in English. The one way Broen shows a date without a
 * time (formatDateTime for instants). No date (null) gives ""; a value that is not such a date
 * is returned unchanged.
 */
export function formatDate(locale: Locale, isoDate: string | null): string {
  if (isoDate === null) return "";
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  let format = dateFormats.get(locale);
  if (!format) {
    // The date is a day, not an instant: format its UTC midnight in UTC so no zone shifts it.
    format = new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "medium", timeZone: "UTC" });
    dateFormats.set(locale, format);
  }
  return format.format(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

const HOUR_MS = 3_600_000;
const zoneFormats = new Map<Locale, Intl.DateTimeFormat>();

/** "CEST" or "CET" (Intl cannot add a zone name to dateStyle/timeStyle itself). */
function zoneName(locale: Locale, date: Date): string {
  let format = zoneFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(intlLocale[locale], {
      timeZone: TIME_ZONE,
      timeZoneName: "short",
    });
    zoneFormats.set(locale, format);
  }
  return format.formatToParts(date).find((part) => part.type === "timeZoneName")?.value ?? "";
}

/** The locale chosen in the root loader; bokmål when the root has no data (e.g. errors). */
export function useLocale(): Locale {
  const data = useRouteLoaderData("root") as { locale?: Locale } | undefined;
  return data?.locale ?? defaultLocale;
}

export function useT(): Translate {
  return translator(useLocale());
}

export type { MessageKey };
