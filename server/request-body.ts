import type { NextFunction, Request, Response } from "express";

/*
 * Every request body is read here, before Remix and before any parser sees it (issue 10).
 * A form costs its parser per field, not per byte: 260,000 empty fields in half a megabyte took
 * the shared event loop 0.2–2 s. So while the bytes arrive, the fields are counted and measured,
 * and a body over a limit is answered at once (413), its remaining bytes only drained. A body
 * that takes too long to arrive is answered 408 and its connection closed (a slow body holds a
 * connection, not the CPU, but there is no reason to hold it for minutes). What passes is kept
 * in memory (at most MAX_BODY_BYTES) and handed to Remix by server/remix-handler.ts.
 */

export interface BodyLimits {
  /** Fields in one form (urlencoded pairs, multipart parts). */
  maxFields: number;
  /** Bytes of one field as sent: name and value, percent-encoded (a part with its headers). */
  maxFieldBytes: number;
  /** Time for a body to arrive: this much, plus a second per minBytesPerSecond of its length. */
  graceMs: number;
  minBytesPerSecond: number;
}

/** No form in Broen needs more than 1 MiB (checked against the declared length in security.ts). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Paths that take a file, and the body (and so the one file field) each may send, in bytes.
 * The offerings CSV import reads a file of at most 2 MiB (MAX_IMPORT_BYTES in
 * app/features/offerings/csv.server.ts); 3 MiB lets a slightly larger file reach the page's own
 * check, which says in words what to do, instead of this layer's plain 413.
 */
const UPLOAD_BODY_BYTES: Readonly<Record<string, number>> = {
  "/offerings/import": 3 * 1024 * 1024,
};

/** The largest body, in bytes, accepted for a request path: MAX_BODY_BYTES unless it takes a file. */
export function maxBodyBytes(path: string): number {
  return UPLOAD_BODY_BYTES[path] ?? MAX_BODY_BYTES;
}

/**
 * The answer (413) to a body over maxBodyBytes(path). A path that takes a file gets a small
 * page of its own (bokmål, then English) that says how large a file may be and what to do, with
 * a link back to the form: a person who picked too large a spreadsheet should not meet a bare
 * line of text. Every other path keeps the plain message. Nothing in it comes from the request.
 */
export function tooLargeAnswer(path: string): { type: string; body: string } {
  const limit = UPLOAD_BODY_BYTES[path];
  if (limit === undefined) {
    return {
      type: "text/plain; charset=utf-8",
      body: "Skjemaet er for stort. / The form is too large.",
    };
  }
  const mib = Math.round(limit / (1024 * 1024));
  return {
    type: "text/html; charset=utf-8",
    body: `<!DOCTYPE html>
<html lang="nb">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Filen er for stor – Broen</title></head>
<body>
<main>
<h1>Filen er for stor</h1>
<p>Filen du lastet opp er større enn ${mib} MB, så den ble ikke lest, og ingenting er lagret. Del regnearket opp i flere filer (høyst 5000 rader i hver) og last dem opp én om gangen.</p>
<p><a href="${path}">Tilbake til importen</a></p>
<div lang="en">
<h2>The file is too large</h2>
<p>The file you uploaded is larger than ${mib} MB, so it was not read and nothing was saved. Split the spreadsheet into several files (at most 5,000 rows each) and upload them one at a time.</p>
<p><a href="${path}">Back to the import</a></p>
</div>
</main>
</body>
</html>
`,
  };
}

export const BODY_LIMITS: BodyLimits = {
  // The longest form (a meeting with its member checkboxes) has a few hundred fields.
  maxFields: 1000,
  // The longest field Broen accepts is 2,000 characters: at most 18 kB percent-encoded. A value
  // that is merely too long (bad-input.test.ts sends 100 kB) still reaches the form's own
  // check, which tells the person which field it is.
  maxFieldBytes: 128 * 1024,
  graceMs: 10_000,
  minBytesPerSecond: 16 * 1024,
};

export const TOO_MANY_FIELDS = "Skjemaet har for mange felt. / The form has too many fields.";
export const FIELD_TOO_LARGE =
  "Et felt i skjemaet er for stort. / A field in the form is too large.";
export const BODY_TOO_SLOW =
  "Skjemaet kom for sakte fram. Prøv igjen. / The form arrived too slowly. Please try again.";

/** Where the body read here is kept for the Remix handler. */
export const BODY_LOCAL = "body";

/** Splits a form body into fields while it arrives; says what is wrong as soon as something is. */
export class FieldCounter {
  private fields = 1;
  private received = 0;
  /** Offset (in the whole body) where the field being read started. */
  private fieldStart = 0;
  /** The last bytes of the previous chunk, in case a separator straddles two chunks. */
  private carry = Buffer.alloc(0);

  constructor(
    private readonly separator: Buffer,
    private readonly limits: Pick<BodyLimits, "maxFields" | "maxFieldBytes">,
  ) {}

  /** The separator for a body of this Content-Type; null for a body no form parser reads. */
  static forContentType(
    contentType: string | undefined,
    limits: Pick<BodyLimits, "maxFields" | "maxFieldBytes">,
  ): FieldCounter | null {
    // The form parser (undici's Request.formData) picks the parser by the type's essence.
    const essence = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
    if (essence === "application/x-www-form-urlencoded") {
      return new FieldCounter(Buffer.from("&"), limits);
    }
    // Every part starts after CRLF "--" boundary. Counting CRLF "--" instead of the boundary
    // needs no parsing of the Content-Type's parameters, and can only count too many parts
    // (a text with lines that start with "--"), never too few.
    if (essence === "multipart/form-data") return new FieldCounter(Buffer.from("\r\n--"), limits);
    return null;
  }

  /** Feeds the next chunk: null while the form is within the limits, else the message. */
  push(chunk: Buffer): string | null {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const dataStart = this.received - this.carry.length;
    let searchFrom = 0;
    for (;;) {
      const at = data.indexOf(this.separator, searchFrom);
      if (at === -1) break;
      const position = dataStart + at;
      if (position - this.fieldStart > this.limits.maxFieldBytes) return FIELD_TOO_LARGE;
      this.fields += 1;
      if (this.fields > this.limits.maxFields) return TOO_MANY_FIELDS;
      this.fieldStart = position + this.separator.length;
      searchFrom = at + this.separator.length;
    }
    this.received += chunk.length;
    if (this.received - this.fieldStart > this.limits.maxFieldBytes) return FIELD_TOO_LARGE;
    const keep = Math.max(searchFrom, data.length - (this.separator.length - 1));
    this.carry = Buffer.from(data.subarray(keep));
    return null;
  }
}

function refuse(res: Response, status: number, message: string) {
  res.status(status).type("text/plain; charset=utf-8").send(message);
}

/**
 * Reads the body of any request that declares one (security.ts has already refused bodies
 * without a declared length and bodies over maxBodyBytes) and puts it in res.locals.body.
 */
export function readBodies(limits: BodyLimits = BODY_LIMITS) {
  return (req: Request, res: Response, next: NextFunction) => {
    const length = Number(req.headers["content-length"] ?? 0);
    if (!(length > 0)) return next();

    // A path that takes a file may send that file as one field as large as its body.
    const maxBody = maxBodyBytes(req.path);
    const counter = FieldCounter.forContentType(
      req.headers["content-type"],
      maxBody > MAX_BODY_BYTES ? { ...limits, maxFieldBytes: maxBody } : limits,
    );
    const chunks: Buffer[] = [];
    let refused = false;

    const stop = () => {
      clearTimeout(deadline);
      req.off("data", onData);
      req.off("end", onEnd);
    };
    const deadline = setTimeout(
      () => {
        stop();
        if (!refused && !res.headersSent) {
          res.set("Connection", "close");
          refuse(res, 408, BODY_TOO_SLOW);
          res.once("finish", () => req.socket.destroy());
        } else {
          req.socket.destroy();
        }
      },
      limits.graceMs + (length / limits.minBytesPerSecond) * 1000,
    );
    // Data after a refusal is only drained, so that the answer reaches a sender still sending
    // (closing at once would reset the connection under it) and the connection can be reused.
    const onData = (chunk: Buffer) => {
      if (refused) return;
      const problem = counter?.push(chunk) ?? null;
      if (problem) {
        refused = true;
        chunks.length = 0;
        // A file path's only field is the file: too large is then the file being too large.
        const answer =
          maxBody > MAX_BODY_BYTES && problem === FIELD_TOO_LARGE ? tooLargeAnswer(req.path) : null;
        if (answer) res.status(413).type(answer.type).send(answer.body);
        else refuse(res, 413, problem);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      if (refused) return;
      res.locals[BODY_LOCAL] = Buffer.concat(chunks);
      next();
    };
    req.on("data", onData);
    req.on("end", onEnd);
    // A sender that goes away mid-body gets no answer; nothing else is left to do.
    req.on("error", stop);
    req.on("close", () => {
      if (!req.complete) stop();
    });
  };
}
