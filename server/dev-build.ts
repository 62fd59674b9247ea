import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, type ServerBuild } from "@remix-run/node";
import { logger } from "../app/utils/logger.server";

/*
 * `npm run dev` (remix dev --manual): re-import the server build whenever remix rebuilds it
 * and tell the dev server we are ready, which reloads the browser through <LiveReload>.
 * ESM modules cannot be evicted, so each rebuild is imported under a new query string; fine
 * for development only.
 */
export function watchDevBuild(buildPath: string): () => Promise<ServerBuild> {
  let current: Promise<ServerBuild> | undefined;
  let loadedVersion = -1;

  const load = async () => {
    const version = fs.statSync(buildPath).mtimeMs;
    if (current && version === loadedVersion) return current;
    loadedVersion = version;
    current = import(`${pathToFileURL(buildPath).href}?v=${version}`) as Promise<ServerBuild>;
    const build = await current;
    await broadcastDevReady(build).catch((error: unknown) =>
      logger().warn({ err: error }, "live reload"),
    );
    return build;
  };

  let pending: NodeJS.Timeout | undefined;
  fs.watch(path.dirname(buildPath), () => {
    clearTimeout(pending);
    pending = setTimeout(
      () => void load().catch((error: unknown) => logger().error({ err: error }, "reload failed")),
      100,
    );
  });
  return load;
}
