import pino from "pino";

const slot = globalThis as typeof globalThis & { __broenLogger?: pino.Logger };

/** One structured logger per process. Secrets are redacted wherever they might appear. */
export function logger(): pino.Logger {
  slot.__broenLogger ??= pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
    redact: {
      paths: [
        "password",
        "*.password",
        "token",
        "*.token",
        "req.headers.cookie",
        'res.headers["set-cookie"]',
        "req.headers.authorization",
      ],
      censor: "[redacted]",
    },
  });
  return slot.__broenLogger;
}

/**
 * An error fit for the log: name, message and code, with the SQL parameters that drizzle puts
 * in its messages ("params: …") cut off, since they can hold names, e-mails and hashes.
 */
export function safeError(error: unknown): { name: string; message: string; code?: string } {
  if (!(error instanceof Error)) return { name: "NonError", message: String(error).slice(0, 200) };
  const cause = (error as { cause?: unknown }).cause;
  const source = cause instanceof Error ? cause : error;
  const message = source.message.split(/\nparams:/)[0]!.slice(0, 500);
  const code = (source as { code?: unknown }).code;
  return { name: source.name, message, ...(typeof code === "string" ? { code } : {}) };
}

/** Paths whose last segment is a secret token: never written to a log. */
const TOKEN_PATHS = /^\/(activate|i|calendar|b)\/[^/?]+/;

export function redactPath(path: string): string {
  return path.replace(TOKEN_PATHS, (_match, prefix: string) => `/${prefix}/[token]`);
}
