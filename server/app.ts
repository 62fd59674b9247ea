import path from "node:path";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { getDatabase } from "../db/client";
import type { Env } from "../app/env.server";
import { logger, safeError } from "../app/utils/logger.server";
import {
  cspNonce,
  installRateLimits,
  refuseCrossOriginMutations,
  refuseHugeBodies,
  securityHeaders,
} from "./security";
import { requestLog } from "./request-log";
import { BODY_LIMITS, readBodies, type BodyLimits } from "./request-body";
import { checkRequestUrl, MALFORMED_LOCAL } from "./request-url";
import { remixHandler } from "./remix-handler";

export interface AppOptions {
  env: Env;
  /** The Remix server build, or a function that returns the newest one (dev live reload). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  publicDir: string;
  devSocketOrigin?: string;
  /** Limits on request bodies (tests shorten the time a body may take). */
  bodyLimits?: BodyLimits;
}

const HEALTH_TIMEOUT_MS = 2000;

export function createApp({
  env,
  build,
  publicDir,
  devSocketOrigin,
  bodyLimits = BODY_LIMITS,
}: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY > 0 ? env.TRUST_PROXY : false);
  // Nothing reads req.query (routes read the URL themselves): no parsing of nested keys.
  app.set("query parser", false);

  app.use(requestLog);
  // Before anything routes on the path: a malformed URL or Host becomes a 400 error page.
  app.use(checkRequestUrl(env));
  app.use(compression());
  app.use(cspNonce);
  app.use(securityHeaders(env, devSocketOrigin));

  // Fingerprinted assets never change under the same name.
  app.use(
    "/build",
    express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y", index: false }),
  );
  // Every file in public/ has an extension: pages (/meetings) skip the file-system lookup
  // that the static middleware would otherwise make for every request.
  const publicFiles = express.static(publicDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (/\.[^/]+$/.test(req.path) ? publicFiles(req, res, next) : next()));

  app.get("/healthz", healthCheck);

  installRateLimits(app, env);
  app.use(refuseHugeBodies);
  app.use(refuseCrossOriginMutations(env));
  // Every body is read and measured here, before Remix or any form parser sees it.
  app.use(readBodies(bodyLimits));

  app.use(
    remixHandler({
      build,
      // Tests run as production does: no error details in responses.
      mode: env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        malformedUrl: Boolean(res.locals[MALFORMED_LOCAL]),
      }),
    }),
  );
  // Anything that escapes Remix: log it (without request data) and answer calmly. An error
  // that Express or a middleware marks as the client's (a 4xx status) is answered as such.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = clientErrorStatus(error);
    if (status) {
      logger().debug({ err: safeError(error), status }, "request refused");
      if (res.headersSent) return;
      res
        .status(status)
        .type("text/plain; charset=utf-8")
        .send("Forespørselen kunne ikke leses. / The request could not be read.");
      return;
    }
    logger().error({ err: safeError(error) }, "unhandled request error");
    if (res.headersSent) return;
    res
      .status(500)
      .type("text/plain; charset=utf-8")
      .send("Noe gikk galt. Prøv igjen om litt. / Something went wrong. Please try again.");
  });
  return app;
}

/** The 4xx status an error carries (as http-errors and Express's router set it), if any. */
function clientErrorStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && value >= 400 && value < 500 ? value : null;
}

async function healthCheck(_req: Request, res: Response) {
  const database = getDatabase();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      database.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timeout")), HEALTH_TIMEOUT_MS);
      }),
    ]);
    res.set("Cache-Control", "no-store").json({ ok: true, db: database.kind });
  } catch {
    res.status(503).set("Cache-Control", "no-store").json({ ok: false, db: database.kind });
  } finally {
    clearTimeout(timer);
  }
}
