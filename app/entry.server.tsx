import { Writable } from "node:stream";
import type {
  AppLoadContext,
  EntryContext,
  HandleDataRequestFunction,
  HandleErrorFunction,
} from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { compressBody } from "./utils/compress-body.server";
import { logger, redactPath, safeError } from "./utils/logger.server";

export const streamTimeout = 5_000;

/**
 * Server errors go to the structured log without request data or SQL parameters. Remix also
 * passes on its own answers to requests it cannot serve (405 for a post to a page without a
 * form, an unknown method): those are the sender's errors, not the server's.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) return;
  logger().error(
    { err: safeError(error), path: redactPath(new URL(request.url).pathname) },
    "route error",
  );
};

/** Pages and data hold personal information: never kept in a (shared) browser cache. */
export const handleDataRequest: HandleDataRequestFunction = (response) => {
  response.headers.set("Cache-Control", "no-store");
  return response;
};

/*
 * The document is rendered completely and sent as one body. Broen has no Suspense boundaries or
 * deferred data, so streaming the shell would send the same bytes, only in ~15 pieces; and the
 * Express adapter flushes the compression stream after every piece, which for Brotli meant
 * ~15 flushes per page and several times the CPU of the compression itself (issue 3). The whole
 * body is also compressed here in one call: see utils/compress-body.server.ts.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.cspNonce ?? "";
  return new Promise<Response>((resolve, reject) => {
    let rendered = false;
    const chunks: Buffer[] = [];
    const body = new Writable({
      // No "close" event: React would take it for an aborted client and end the stream again.
      emitClose: false,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
      final(done) {
        clearTimeout(timer);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("Cache-Control", "no-store");
        const html = compressBody(request, Buffer.concat(chunks), responseHeaders);
        resolve(
          new Response(html, {
            headers: responseHeaders,
            status: responseStatusCode,
          }),
        );
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          rendered = true;
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (rendered) logger().error({ err: safeError(error) }, "render error");
        },
      },
    );
    const timer = setTimeout(abort, streamTimeout + 1000);
  });
}
