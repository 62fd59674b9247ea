import crypto from "node:crypto";
import { eq, lt } from "drizzle-orm";
import { getDatabase, type Database } from "../../../db/client";
import { formSubmissions } from "../../../db/schema";
import { env } from "../../env.server";
import type { FieldErrors } from "../../utils/forms.server";
import { message } from "../../utils/validation";

/*
 * One submission, one result (issue 10, item 6; docs/decisions/012-one-submission-one-result.md).
 *
 * Every form that creates something carries a one-time token (hidden field `formToken`),
 * issued by the page's loader and signed for its owner, so nobody else can post it. The create
 * claims the token in its own transaction (`once`): the first post inserts the claim row and does
 * the work; a second post with the same token — at the same time (on PostgreSQL its insert waits
 * on the primary key until the first commits) or later — does nothing and gets the first post's
 * result. A refused post (validation) rolls back or never reaches the claim, so the token stays
 * usable. Nothing about the token is stored until it is used, and then only its hash.
 */

export const FORM_TOKEN_FIELD = "formToken";

/** How long a token may be posted after it was issued, in milliseconds (24 hours). */
export const FORM_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Clocks of several processes may differ a little; a token from further ahead is refused. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The owner a signed-in user's tokens are bound to. */
export const userOwner = (user: { id: string }) => `user:${user.id}`;

function mac(owner: string, issued: string, nonce: string): string {
  return crypto
    .createHmac("sha256", env().SESSION_SECRET ?? "")
    .update(`form-token:${owner}:${issued}:${nonce}`)
    .digest("base64url");
}

/**
 * A new one-time form token for `owner` (see userOwner), issued at `now` (ms since the epoch):
 * `<issued, base 36>.<random nonce>.<HMAC>`. Nothing is stored; the loader puts it in the page.
 */
export function issueFormToken(owner: string, now = Date.now()): string {
  const issued = now.toString(36);
  const nonce = crypto.randomBytes(16).toString("base64url");
  return `${issued}.${nonce}.${mac(owner, issued, nonce)}`;
}

/** Why a posted token cannot be used. */
export type FormTokenProblem = "missing" | "malformed" | "foreign" | "expired";

/**
 * Checks a posted token: it must be well formed, signed for `owner` and younger than
 * FORM_TOKEN_LIFETIME_MS at `now`. Returns the problem, or null for a good token.
 */
export function formTokenProblem(
  token: unknown,
  owner: string,
  now = Date.now(),
): FormTokenProblem | null {
  if (typeof token !== "string" || token.length === 0) return "missing";
  const parts = token.split(".");
  if (parts.length !== 3 || token.length > 200) return "malformed";
  const [issued, nonce, signature] = parts as [string, string, string];
  const issuedAt = parseInt(issued, 36);
  if (!/^[0-9a-z]{1,12}$/.test(issued) || !Number.isSafeInteger(issuedAt)) return "malformed";
  const expected = Buffer.from(mac(owner, issued, nonce));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
    return "foreign";
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt > FORM_TOKEN_LIFETIME_MS) return "expired";
  return null;
}

/**
 * A checked token, ready to be claimed for one form. `purpose` names the form (and what it acts
 * on, e.g. `consent:<memberId>`), so one page token serves each of the page's forms once.
 */
export interface FormClaim {
  readonly keyHash: string;
  readonly owner: string;
  /** AES-256 key for the stored result, derived from the token (which is not stored). */
  readonly resultKey: Buffer;
}

function claimOf(token: string, owner: string, purpose: string): FormClaim {
  return {
    keyHash: crypto.createHash("sha256").update(`${purpose}\n${token}`).digest("hex"),
    owner,
    resultKey: crypto.createHmac("sha256", token).update(`form-result:${purpose}`).digest(),
  };
}

function seal(claim: FormClaim, value: unknown): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", claim.resultKey, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify({ value }), "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url")).join(".");
}

function unseal<T>(claim: FormClaim, sealed: string): T {
  const [iv, tag, data] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
  const decipher = crypto.createDecipheriv("aes-256-gcm", claim.resultKey, iv!);
  decipher.setAuthTag(tag!);
  const text = Buffer.concat([decipher.update(data!), decipher.final()]).toString("utf8");
  return (JSON.parse(text) as { value: T }).value;
}

async function storedResult<T>(db: Database, claim: FormClaim): Promise<{ value: T } | null> {
  const [row] = await db
    .select({ owner: formSubmissions.owner, result: formSubmissions.result })
    .from(formSubmissions)
    .where(eq(formSubmissions.keyHash, claim.keyHash));
  if (!row || row.owner !== claim.owner) return null;
  return { value: unseal<T>(claim, row.result) };
}

/** The field errors of a token that cannot be used: the form asks to reload the page. */
export const formTokenErrors = (): FieldErrors => ({
  [FORM_TOKEN_FIELD]: [message("form.staleToken")],
});

export type FormClaimAnswer<T> =
  { ok: false; errors: FieldErrors } | { ok: true; claim: FormClaim; earlier: { value: T } | null };

/**
 * Reads and checks the form's token for `owner` and `purpose`. Refused (missing, foreign or
 * expired): `ok: false` with errors for a 400 answer. Otherwise the claim for the create, and —
 * when this token has already been used for this form — `earlier`, the first post's result,
 * which the route answers with instead of creating anything (this read comes before any check
 * that depends on what exists, which the first post may have changed).
 */
export async function readFormClaim<T>(
  form: FormData,
  owner: string,
  purpose: string,
  now = Date.now(),
): Promise<FormClaimAnswer<T>> {
  const token = form.get(FORM_TOKEN_FIELD);
  if (formTokenProblem(token, owner, now) !== null) return { ok: false, errors: formTokenErrors() };
  const claim = claimOf(token as string, owner, purpose);
  return { ok: true, claim, earlier: await storedResult<T>(getDatabase().db, claim) };
}

/**
 * Runs `work` once per claim, inside the caller's transaction `tx`: claims the token first (a
 * concurrent transaction with the same claim waits here on the key until this one ends), runs
 * `work`, and stores its result (JSON; encrypted) with the claim. If the claim was already
 * made, `work` does not run and the stored result of the first is returned. Without a claim
 * (scripts, seed) `work` simply runs. The result must survive JSON (no Date objects).
 */
export async function once<T>(
  tx: Database,
  claim: FormClaim | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!claim) return work();
  const claimed = await tx
    .insert(formSubmissions)
    .values({ keyHash: claim.keyHash, owner: claim.owner, result: "" })
    .onConflictDoNothing()
    .returning({ keyHash: formSubmissions.keyHash });
  if (claimed.length === 0) {
    const earlier = await storedResult<T>(tx, claim);
    if (!earlier) throw new Error("A form claim without its stored result");
    return earlier.value;
  }
  const value = await work();
  await tx
    .update(formSubmissions)
    .set({ result: seal(claim, value) })
    .where(eq(formSubmissions.keyHash, claim.keyHash));
  return value;
}

/**
 * Deletes claims that no post can reach any more: older than a token's lifetime (plus the
 * allowed clock skew) at `now`. Run by the housekeeping timer. Returns how many were deleted.
 */
export async function pruneFormSubmissions(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - FORM_TOKEN_LIFETIME_MS - CLOCK_SKEW_MS);
  const deleted = await getDatabase()
    .db.delete(formSubmissions)
    .where(lt(formSubmissions.createdAt, before))
    .returning({ keyHash: formSubmissions.keyHash });
  return deleted.length;
}
