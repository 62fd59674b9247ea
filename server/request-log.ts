import type { NextFunction, Request, Response } from "express";
import { logger, redactPath } from "../app/utils/logger.server";

export function requestLog(req: Request, res: Response, next: NextFunction) {
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    // Most requests log nothing (debug is off in production): build no entry for them.
    if (res.statusCode < 500 && !logger().isLevelEnabled("debug")) return;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const entry = {
      method: req.method,
      path: redactPath(req.path),
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
    };
    if (res.statusCode >= 500) logger().error(entry, "request failed");
    else logger().debug(entry, "request");
  });
  next();
}
