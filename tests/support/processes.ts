import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { until } from "./until";

/* The real entry point (`server.ts`, as `npm start` runs it) in a process of its own. */
const root = path.resolve(import.meta.dirname, "../..");
export const tsx = path.join(root, "node_modules/.bin/tsx");
export { root };

export interface Launched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts the server as `npm start` does: one process, `node --import tsx server.ts` (so a
 * signal reaches the server itself, and SIGKILL really kills it). The tsx command-line
 * wrapper is not used: it relays a signal to a child of its own, waits 30 ms for the child to
 * say it handles it, and otherwise kills the child and ends with 143 (seen on a busy machine
 * while the server was draining).
 */
export function launch(env: Record<string, string>): Launched {
  const cleanEnv = { ...process.env };
  delete cleanEnv.DATABASE_URL;
  delete cleanEnv.TEST_DATABASE_URL;
  const [command, args] = [process.execPath, ["--import", "tsx", "server.ts"]];
  const child = spawn(command, args, {
    cwd: root,
    env: { ...cleanEnv, NODE_ENV: "production", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk) => (out += chunk));
  child.stderr!.on("data", (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the server at `base` answers /healthz with 200. */
export function healthy(base: string, what = "the server to start"): Promise<true> {
  return until(
    async () => {
      try {
        return (await fetch(`${base}/healthz`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    what,
    150_000,
  );
}

/** Logs in through the real form and returns the session cookie. */
export async function logIn(base: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email, password }).toString(),
  });
  if (response.status !== 302) throw new Error(`login as ${email} failed: ${response.status}`);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}
