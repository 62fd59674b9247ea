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
