import * as Y from "yjs";

/*
 * Reading live documents defensively: the small pieces every document reader (agenda, plan)
 * uses to turn a Yjs document into plain data while leaving out, and naming, every part of a
 * wrong type or shape (a modified client must never break a page for anyone else). Browser
 * and server share this file.
 */

/** A part of a document that does not have the documented shape, and was left out. */
export interface Problem {
  path: string;
  reason: string;
}

/**
 * Who someone is in a document: `person` (the person it is about), `member:<uuid>` (a network
 * member, with or without an account) or `user:<uuid>` (a leader's account).
 */
export type Ref = string;
export const PERSON_REF: Ref = "person";
const REF = /^(person|(member|user):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** Whether `value` is a well-formed Ref. */
export const isRef = (value: unknown): value is Ref => typeof value === "string" && REF.test(value);

/** Ids of keyed entries: URL-safe, 8–64 characters. */
export const ID = /^[A-Za-z0-9_-]{8,64}$/;
/** An Oslo calendar date, YYYY-MM-DD. */
export const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A new random id for an item or entry (URL-safe, 16 characters). */
export function newId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_");
}

/** Order keys compare as plain strings (not by locale); equal keys fall back to the id. */
export function byOrder(a: { order: string; item: { id: string } }, b: typeof a): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
}

/** A Y.Text or string cut to `limit` characters; null for anything else. */
export function text(value: unknown, limit: number): string | null {
  const raw = value instanceof Y.Text ? value.toString() : typeof value === "string" ? value : null;
  return raw === null ? null : raw.slice(0, limit);
}

/** A Ref, or null when absent; a malformed one is recorded in `problems` and read as null. */
export function ref(value: unknown, path: string, problems: Problem[]): Ref | null {
  if (value === undefined || value === null) return null;
  if (isRef(value)) return value;
  problems.push({ path, reason: "not a ref" });
  return null;
}

/** Whether `value` is a time in ms since the epoch. */
export function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/** The entry's `at` time (ms since the epoch), or 0. */
export const time = (map: Y.Map<unknown>) =>
  isTime(map.get("at")) ? (map.get("at") as number) : 0;

/** Records a problem unless the value was simply absent; returns null (the default). */
export function note(absent: boolean, path: string, problems: Problem[]): null {
  if (!absent) problems.push({ path, reason: "wrong type or out of range" });
  return null;
}

/** A date YYYY-MM-DD, or null (absent, or recorded as a problem). */
export function date(value: unknown, path: string, problems: Problem[]): string | null {
  return typeof value === "string" && DATE.test(value)
    ? value
    : note(value === undefined || value === null, path, problems);
}

/** One of `choices`, or `fallback` (a wrong value is recorded as a problem). */
export function oneOf<T extends string>(
  value: unknown,
  choices: readonly T[],
  fallback: T,
  path: string,
  problems: Problem[],
): T {
  if (choices.includes(value as T)) return value as T;
  note(value === undefined, path, problems);
  return fallback;
}

/**
 * Keyed entries (a Y.Map of Y.Maps) in order of their `order` key, then time, at most `limit`;
 * entries of a wrong shape are left out and named in `problems`.
 */
export function entries<T extends { id: string; at: number }>(
  value: unknown,
  path: string,
  problems: Problem[],
  read: (id: string, map: Y.Map<unknown>, path: string, problems: Problem[]) => T | undefined,
  limit: number,
): T[] {
  if (value === undefined) return [];
  if (!(value instanceof Y.Map)) {
    problems.push({ path, reason: "not a map" });
    return [];
  }
  const out: { order: string; item: T }[] = [];
  for (const [id, entry] of (value as Y.Map<unknown>).entries()) {
    const entryPath = `${path}.${id}`;
    if (!ID.test(id) || !(entry instanceof Y.Map)) {
      problems.push({ path: entryPath, reason: "not an entry" });
      continue;
    }
    const item = read(id, entry as Y.Map<unknown>, entryPath, problems);
    const order = (entry as Y.Map<unknown>).get("order");
    if (item) out.push({ order: typeof order === "string" ? order : "", item });
  }
  out.sort((a, b) => byOrder(a, b) || a.item.at - b.item.at);
  if (out.length > limit) problems.push({ path, reason: "too many entries" });
  return out.slice(0, limit).map((entry) => entry.item);
}
