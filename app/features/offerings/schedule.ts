import type { WeeklySlot } from "../../../db/schema/offerings";

/*
 * An offering's weekly times as people write them, one text for the form and the CSV file:
 * "mandag 18:00–20:00" (or "man 18.00-20.00", "Monday 18:00-20:00"), several separated by line
 * breaks or commas. Shared by server and browser (no zod here).
 */

const WEEKDAY_WORDS: Record<string, number> = {};
const NAMES: [number, string[]][] = [
  [1, ["mandag", "man", "ma", "monday", "mon"]],
  [2, ["tirsdag", "tir", "ti", "tuesday", "tue"]],
  [3, ["onsdag", "ons", "on", "wednesday", "wed"]],
  [4, ["torsdag", "tor", "to", "thursday", "thu"]],
  [5, ["fredag", "fre", "fr", "friday", "fri"]],
  [6, ["lørdag", "lør", "lø", "saturday", "sat"]],
  [7, ["søndag", "søn", "sø", "sunday", "sun"]],
];
for (const [weekday, words] of NAMES) for (const word of words) WEEKDAY_WORDS[word] = weekday;

const BOKMAL_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"];
const ENGLISH_WEEKDAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];

const SLOT = /^(\p{L}+)\.?\s+(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$/u;

/** Why a text of weekly times cannot be read: the part that is wrong, and what is wrong. */
export interface SlotProblem {
  part: string;
  problem: "format" | "time" | "order" | "count";
}

/** At most this many weekly times per offering. */
export const MAX_WEEKLY_SLOTS = 14;

const time = (hours: string, minutes: string) => `${hours.padStart(2, "0")}:${minutes}`;

/**
 * Reads weekly times from text (see above). Returns the slots, sorted by weekday and start,
 * or the first problem: a part that is not "weekday hh:mm–hh:mm", a time that does not exist
 * (25:00, 10:75), an end not after the start, or more than MAX_WEEKLY_SLOTS. Empty text: none.
 */
export function parseWeeklySlots(text: string): { slots: WeeklySlot[] } | { error: SlotProblem } {
  const parts = text
    .split(/[\n\r,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length > MAX_WEEKLY_SLOTS) return { error: { part: "", problem: "count" } };
  const slots: WeeklySlot[] = [];
  for (const part of parts) {
    const match = SLOT.exec(part);
    const weekday = match ? WEEKDAY_WORDS[match[1]!.toLowerCase()] : undefined;
    if (!match || weekday === undefined) return { error: { part, problem: "format" } };
    const [startH, startM, endH, endM] = [match[2]!, match[3]!, match[4]!, match[5]!].map(Number);
    if (startH! > 23 || endH! > 24 || startM! > 59 || endM! > 59 || (endH === 24 && endM !== 0))
      return { error: { part, problem: "time" } };
    const start = time(match[2]!, match[3]!);
    const end = time(match[4]!, match[5]!);
    if (end <= start) return { error: { part, problem: "order" } };
    slots.push({ weekday, start, end });
  }
  slots.sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  return { slots };
}

/** One weekly time as text: "mandag 18:00–20:00" (bokmål) or "Monday 18:00–20:00". */
export function formatWeeklySlot(slot: WeeklySlot, locale: "nb" | "en" = "nb"): string {
  const names = locale === "nb" ? BOKMAL_WEEKDAYS : ENGLISH_WEEKDAYS;
  return `${names[slot.weekday - 1]} ${slot.start}–${slot.end}`;
}

/** Weekly times as the form and the CSV file write them (bokmål, one per line or comma). */
export function formatWeeklySlots(slots: readonly WeeklySlot[], separator = "\n"): string {
  return slots.map((slot) => formatWeeklySlot(slot)).join(separator);
}

/** A yyyy-mm-dd date as the form and the CSV file write it: dd.mm.yyyy. */
export function formatNorwegianDate(isoDate: string): string {
  const [year, month, day] = isoDate.split("-");
  return `${day}.${month}.${year}`;
}

/**
 * Reads dates written dd.mm.yyyy (or d.m.yyyy, or yyyy-mm-dd), separated by commas, semicolons,
 * spaces or line breaks. Returns them as yyyy-mm-dd, sorted, without repeats, or the first part
 * that is not such a date. Whether a date exists is checked by the caller.
 */
export function parseDateList(text: string): { dates: string[] } | { error: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  const dates = new Set<string>();
  for (const part of parts) {
    const norwegian = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(part);
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(part);
    if (norwegian) {
      dates.add(
        `${norwegian[3]}-${norwegian[2]!.padStart(2, "0")}-${norwegian[1]!.padStart(2, "0")}`,
      );
    } else if (iso) dates.add(part);
    else return { error: part };
  }
  return { dates: [...dates].sort() };
}
