import { isOwnOrigin } from "../app/utils/origin.server";
import crypto from "node:crypto";
import type { Express, NextFunction, Request, Response } from "express";
import rateLimit from "express-rate-limit";
import helmet from "helmet";
import { servedOverHttps, type Env } from "../app/env.server";
import { maxBodyBytes, tooLargeAnswer } from "./request-body";

/** A fresh nonce per response; the same value goes to the CSP header and to <Scripts nonce>. */
export function cspNonce(_req: Request, res: Response, next: NextFunction) {
  res.locals.cspNonce = crypto.randomBytes(16).toString("base64");
  next();
}

export function securityHeaders(env: Env, devSocketOrigin?: string) {
  const https = servedOverHttps(env);
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        // 'self' covers same-origin ws(s): in CSP level 3; the realtime socket lives there.
        connectSrc: ["'self'", ...(devSocketOrigin ? [devSocketOrigin] : [])],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "same-origin" },
  });
}

const tooMany = (_req: Request, res: Response) => {
  res
    .status(429)
    .type("text/plain; charset=utf-8")
    .send(
      "For mange forespørsler. Vent et øyeblikk og prøv igjen.\nToo many requests. Please wait a moment and try again.",
    );
};

const isMutation = (req: Request) => !["GET", "HEAD", "OPTIONS"].includes(req.method);
// Also the single-fetch form of each path (`/login.data`), which JavaScript clients post to.
const AUTH_PATHS = /^\/(login|activate\/[^/]+)(\.data)?$/;
const isAuthPath = (req: Request) => isMutation(req) && AUTH_PATHS.test(req.path);

/** Three tiers: everything, state-changing requests, and the paths that take passwords. */
export function installRateLimits(app: Express, env: Env) {
  const common = {
    windowMs: 60_000,
    standardHeaders: "draft-8" as const,
    legacyHeaders: false,
    handler: tooMany,
  };
  app.use(rateLimit({ ...common, limit: env.RATE_LIMIT_GENERAL_PER_MINUTE }));
  app.use(
    rateLimit({
      ...common,
      limit: env.RATE_LIMIT_MUTATIONS_PER_MINUTE,
      skip: (req) => !isMutation(req),
    }),
  );
  app.use(
    rateLimit({
      ...common,
      limit: env.RATE_LIMIT_AUTH_PER_MINUTE,
      skip: (req) => !isAuthPath(req),
    }),
  );
}

/**
 * Defence in depth next to SameSite=Lax: a state-changing request that names another origin
 * than Broen's own (PUBLIC_URL, or the Host header when that is not set) is refused.
 */
export function refuseCrossOriginMutations(env: Env) {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (!isMutation(req) || !origin) return next();
    if (isOwnOrigin(env, origin, req.headers.host)) return next();
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .send("Forespørselen kom fra et annet nettsted. / Cross-site request refused.");
  };
}

/**
 * A body's declared length is checked before any of it is read (server/request-body.ts reads
 * and measures what passes). A body without a declared length is refused: it could go on for
 * ever. Both answers close the connection, so that the rest of the body is not read either.
 */
export function refuseHugeBodies(req: Request, res: Response, next: NextFunction) {
  const declared = req.headers["content-length"];
  if (declared === undefined && req.headers["transfer-encoding"]) {
    res
      .status(411)
      .set("Connection", "close")
      .type("text/plain; charset=utf-8")
      .send("Lengden mangler. / Length required.");
    return;
  }
  if (Number(declared ?? 0) > maxBodyBytes(req.path)) {
    const answer = tooLargeAnswer(req.path);
    res.status(413).set("Connection", "close").type(answer.type).send(answer.body);
    return;
  }
  next();
}
