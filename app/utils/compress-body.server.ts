import zlib from "node:zlib";
import Negotiator from "negotiator";

/*
 * Compression of a body that is already complete in memory (a rendered page).
 *
 * The compression middleware in server/app.ts streams every response through zlib on the thread
 * pool, with a flush and a finish: for a 26 kB page that cost ~0.4 ms of the main thread, more than
 * compressing it in one call (~0.15 ms), and the unknown length meant a chunked response in several
 * socket writes. A body compressed here carries Content-Encoding and Content-Length, so the
 * middleware leaves it alone ("already encoded") and it goes out in one write. Same encodings and
 * choice as the middleware (the client's q-values, Brotli on a tie, else gzip; nothing below
 * 1 kB), but Brotli at quality 2, not 4: a page is compressed anew for every request, and for
 * the meetings list quality 2 took half the time (0.07 against 0.13 ms) for 11 % more bytes
 * (5.7 against 5.1 kB).
 */

const MIN_BYTES = 1024;
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } };

/** The body to send (compressed or not), with Content-Length, Vary and Content-Encoding set. */
export function compressBody(
  request: Request,
  body: Buffer<ArrayBuffer>,
  headers: Headers,
): Buffer<ArrayBuffer> {
  headers.append("Vary", "Accept-Encoding");
  // HEAD too, so its headers are those a GET would get (Node sends no body for HEAD).
  if (body.length < MIN_BYTES) return withLength(body, headers);
  const encoding = chooseEncoding(request.headers.get("Accept-Encoding"));
  if (!encoding) return withLength(body, headers);
  // zlib hands back a Buffer on its own (never shared) ArrayBuffer.
  const compressed = (
    encoding === "br" ? zlib.brotliCompressSync(body, BROTLI) : zlib.gzipSync(body)
  ) as Buffer<ArrayBuffer>;
  headers.set("Content-Encoding", encoding);
  return withLength(compressed, headers);
}

/** The client's preference by q-value; on a tie Brotli, as the middleware decides. */
function chooseEncoding(acceptEncoding: string | null): "br" | "gzip" | undefined {
  if (!acceptEncoding) return undefined;
  const negotiator = new Negotiator({ headers: { "accept-encoding": acceptEncoding } });
  // negotiator's tie-break argument (its types leave it out; the middleware passes it too).
  const encodings = negotiator.encodings as (available: string[], preferred: string[]) => string[];
  const chosen = encodings.call(negotiator, ["br", "gzip"], ["br", "gzip"])[0];
  return chosen === "br" || chosen === "gzip" ? chosen : undefined;
}

function withLength(body: Buffer<ArrayBuffer>, headers: Headers) {
  headers.set("Content-Length", String(body.length));
  return body;
}
