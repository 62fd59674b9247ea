import {
  createRequestHandler,
  writeReadableStreamToWritable,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";
import { BODY_LOCAL } from "./request-body";
import { ORIGIN_LOCAL } from "./request-url";

// Methods a fetch Request cannot carry (its constructor throws on them).
const UNSUPPORTED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/*
 * @remix-run/express's handler, with two differences: the Request is built from the origin
 * and URL that server/request-url.ts checked (the adapter's own `new URL` threw on a Host such
 * as "localhost:99999"), and its body is the one server/request-body.ts has already read and
 * measured, not the socket stream. Mounted with app.use, so Express never decodes the path.
 */
export function remixHandler({
  build,
  mode,
  getLoadContext,
}: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}) {
  const handleRequest = createRequestHandler(build, mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    if (UNSUPPORTED_METHODS.has(req.method)) {
      res
        .status(405)
        .set("Allow", "GET, HEAD, POST")
        .type("text/plain; charset=utf-8")
        .send("Metoden støttes ikke. / Method not allowed.");
      return;
    }
    try {
      // Loaders and actions are told when the answer can no longer be sent (as in the adapter).
      let controller: AbortController | null = new AbortController();
      res.on("finish", () => (controller = null));
      res.on("close", () => controller?.abort());
      const body = res.locals[BODY_LOCAL] as Uint8Array<ArrayBuffer> | undefined;
      const request = new Request(`${res.locals[ORIGIN_LOCAL] as string}${req.url}`, {
        method: req.method,
        headers: requestHeaders(req),
        signal: controller.signal,
        ...(body && req.method !== "GET" && req.method !== "HEAD" ? { body } : {}),
      });
      const response = await handleRequest(request, getLoadContext(req, res));
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function requestHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  // Each Set-Cookie separately: Headers never joins them.
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}
