import { z } from "zod";

/*
 * The environment, validated once. server.ts calls loadEnv() at boot so a bad setting stops the
 * process with one clear line; the Remix build reads the same values through env().
 */
const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
      .optional(),
    BROEN_DATA_DIR: z.string().default("./data"),
    /** Server processes sharing the port (Node's cluster); more than one needs DATABASE_URL. */
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
    /** Public origin, e.g. https://broen.fjordvik.kommune.no; used for links and Origin checks. */
    PUBLIC_URL: z.url().optional(),
    /** Proxy hops in front of Broen whose X-Forwarded-For may be believed; 0 = none. */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    /** smtp://user:pass@host:port or smtps://…; unset: e-mail stays in the outbox, visible to admins. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
      .optional(),
    MAIL_FROM: z.string().default("Broen <ikke-svar@broen.invalid>"),
    /** How often each server process looks for e-mail to send. */
    MAIL_POLL_MS: intFromEnv(5000),
    /** How long an invitation link keeps working after its meeting has ended. */
    INVITATION_LINK_DAYS_AFTER_MEETING: intFromEnv(14),
    RATE_LIMIT_GENERAL_PER_MINUTE: intFromEnv(600),
    RATE_LIMIT_MUTATIONS_PER_MINUTE: intFromEnv(120),
    RATE_LIMIT_AUTH_PER_MINUTE: intFromEnv(20),
    /** Realtime (docs/realtime.md): the largest WebSocket frame accepted, in bytes. */
    REALTIME_MAX_PAYLOAD: intFromEnv(2 * 1024 * 1024),
    /** Messages one connection may send per second (a burst of three seconds' worth is allowed). */
    REALTIME_MESSAGES_PER_SECOND: intFromEnv(100),
    /** A document nobody has open stays loaded this long before it is compacted and unloaded. */
    REALTIME_UNLOAD_GRACE_MS: intFromEnv(30_000),
    /** Ping interval; a connection that has not answered the previous ping is cut. */
    REALTIME_HEARTBEAT_MS: intFromEnv(30_000),
    /** Every open connection's permission is checked again this often (expiry by date). */
    REALTIME_RECHECK_MS: intFromEnv(60_000),
    /** WebSocket upgrade attempts per client address and minute (each costs a few queries). */
    REALTIME_UPGRADES_PER_MINUTE: intFromEnv(300),
    /** How long the update-log writer gathers updates before one write (at most 100 ms). */
    REALTIME_WRITE_GATHER_MS: z.coerce.number().int().min(0).max(100).default(10),
    /** Stored updates of one document beyond which it is compacted to one row. */
    REALTIME_COMPACT_AFTER: intFromEnv(500),
  })
  .superRefine((value, ctx) => {
    // The embedded database keeps a generated secret in its data folder; a server database
    // in production must be given one.
    if (value.NODE_ENV === "production" && value.DATABASE_URL && !value.SESSION_SECRET) {
      ctx.addIssue({
        code: "custom",
        message: "SESSION_SECRET is required in production with DATABASE_URL",
      });
    }
    if (value.WEB_CONCURRENCY > 1 && !value.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        message:
          "WEB_CONCURRENCY above 1 needs DATABASE_URL: the embedded database serves one process",
      });
    }
    // A real deployment must know its own address: links, secure cookies and Origin checks.
    if (value.NODE_ENV === "production" && value.DATABASE_URL && !value.PUBLIC_URL) {
      ctx.addIssue({
        code: "custom",
        message: "PUBLIC_URL is required in production with DATABASE_URL",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

// Shared through globalThis: the Remix build bundles its own copy of this module, and both
// copies must see the environment the server was started with.
const slot = globalThis as typeof globalThis & { __broenEnv?: Env };

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.join(".");
      return where ? `${where}: ${issue.message}` : issue.message;
    });
    throw new Error(`Invalid configuration: ${problems.join("; ")}`);
  }
  slot.__broenEnv = parsed.data;
  return parsed.data;
}

export function env(): Env {
  return slot.__broenEnv ?? loadEnv();
}

/** Secure cookies, HSTS and upgrade-insecure-requests only when Broen is served over https. */
export function servedOverHttps(value: Env = env()): boolean {
  return value.NODE_ENV === "production" && !!value.PUBLIC_URL?.startsWith("https://");
}
