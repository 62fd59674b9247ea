import type { NextFunction, Request, Response } from "express";
import type { Env } from "../app/env.server";

/*
 * The URL of every request is checked once, before anything routes on it (issue 10). Express
 * and Remix would otherwise each decode the path their own way: a path that does not decode
 * (`/login%FF`, `/networks/%ED%A0%80`, a bare `%`) made Express's router throw, which ended as
 * a 500 and an error in the log.
 *
 * A URL refused here is answered by Remix as an ordinary error page with status 400: the
 * request is sent on to MALFORMED_URL_PATH, which no route but routes/$.tsx claims, and the
 * load context says why it is there. Nothing is logged above debug level.
 *
 * The query string is not refused for its encoding: like every URL parser in Broen
 * (URLSearchParams), undecodable bytes become U+FFFD, and the routes that read a parameter
 * refuse such a value with their own message (see tests/platform/bad-input.test.ts).
 */

/** Where a request with a malformed URL is sent; only routes/$.tsx answers it (400). */
export const MALFORMED_URL_PATH = "/ugyldig-adresse";
/** Browsers keep URLs far shorter; the longest Broen makes is a return path of 2,000. */
export const MAX_URL_LENGTH = 8 * 1024;
/** Where the request's origin (scheme and host, checked) is kept for the Remix handler. */
export const ORIGIN_LOCAL = "origin";
export const MALFORMED_LOCAL = "malformedUrl";

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F]/;
// A host with an optional port, or an IPv6 literal: nothing that could carry a path or a user.
const HOST_CHARACTERS = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Why this request-target (the path and query of the request line) is refused, or null. */
export function malformedTarget(target: string): string | null {
  if (target.length > MAX_URL_LENGTH) return "too long";
  // Only the origin form ("/path?query"): not "*", not an absolute URL.
  if (!target.startsWith("/")) return "not a path";
  // A fragment is never sent; a backslash means something else to Express than to Remix.
  if (target.includes("#") || target.includes("\\")) return "fragment or backslash";
  const query = target.indexOf("?");
  const path = query === -1 ? target : target.slice(0, query);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A bare or broken escape, invalid UTF-8, an encoded surrogate or an overlong form.
    return "undecodable path";
  }
  if (CONTROL.test(decoded)) return "control character";
  // An encoded "/" or "\" would let a path segment hold a path.
  if (/%(?:2f|5c)/i.test(path)) return "encoded slash";
  // Browsers resolve "." and ".." (also as %2e) before sending; a request with them is made up.
  if (decoded.split("/").some((segment) => segment === "." || segment === "..")) {
    return "dot segment";
  }
  return null;
}

type TrustFunction = (address: string | undefined, hop: number) => boolean;

/** The scheme and host the request was sent to (as Express reads them behind a trusted proxy). */
export function requestOrigin(req: Request): string | null {
  // Express's req.protocol: the socket's, or the first X-Forwarded-Proto from a trusted proxy.
  const protocol = req.protocol;
  if (protocol !== "http" && protocol !== "https") return null;
  const trust = req.app.get("trust proxy fn") as TrustFunction;
  const forwarded = req.get("X-Forwarded-Host");
  const host =
    forwarded && trust(req.socket.remoteAddress, 0)
      ? forwarded.split(",")[0]!.trim()
      : (req.get("Host") ?? "");
  if (!HOST_CHARACTERS.test(host)) return null;
  try {
    // Also refuses ports over 65535 and numbers that are not an IPv4 address.
    return new URL(`${protocol}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Checks the URL and Host of every request; see the comment at the top. */
export function checkRequestUrl(env: Env) {
  // Only to render the error page for a request whose own host cannot be used.
  const fallbackOrigin = env.PUBLIC_URL ? new URL(env.PUBLIC_URL).origin : "http://localhost";
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = requestOrigin(req);
    const problem = origin === null ? "host" : malformedTarget(req.url);
    res.locals[ORIGIN_LOCAL] = origin ?? fallbackOrigin;
    if (problem) {
      res.locals[MALFORMED_LOCAL] = problem;
      req.url = MALFORMED_URL_PATH;
    }
    next();
  };
}
