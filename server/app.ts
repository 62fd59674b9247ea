import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request, type Response } from "express";
import { getDatabase } from "../db/client";
import type { Env } from "../app/env.server";
import {
  cspNonce,
  installRateLimits,
  refuseCrossOriginMutations,
  securityHeaders,
} from "./security";
import { requestLog } from "./request-log";

export interface AppOptions {
  env: Env;
  /** The Remix server build, or a function that returns the newest one (dev live reload). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  publicDir: string;
  devSocketOrigin?: string;
}

const HEALTH_TIMEOUT_MS = 2000;

export function createApp({ env, build, publicDir, devSocketOrigin }: AppOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", process.env.TRUST_PROXY ? Number(process.env.TRUST_PROXY) || true : false);

  app.use(requestLog);
  app.use(compression());

  // Fingerprinted assets never change under the same name.
  app.use(
    "/build",
    express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y", index: false }),
  );
  app.use(express.static(publicDir, { maxAge: "1h", index: false }));

  app.get("/healthz", healthCheck);

  app.use(cspNonce);
  app.use(securityHeaders(env, devSocketOrigin));
  installRateLimits(app, env);
  app.use(refuseHugeBodies);
  app.use(refuseCrossOriginMutations);

  app.all(
    "*",
    createRequestHandler({
      build,
      // Tests run as production does: no error details in responses.
      mode: env.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
    }),
  );
  return app;
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

/** No form in Broen needs more than 1 MiB; larger bodies are refused before anyone reads them. */
const MAX_BODY_BYTES = 1024 * 1024;
function refuseHugeBodies(req: Request, res: Response, next: () => void) {
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) {
    res
      .status(413)
      .type("text/plain; charset=utf-8")
      .send("Skjemaet er for stort. / The form is too large.");
    return;
  }
  next();
}
