import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

export const REALTIME_PREFIX = "/realtime/";

/*
 * Placeholder until the realtime issue: upgrades on /realtime/ are answered with a clean
 * HTTP 503 and the socket is closed, so clients get a clear answer rather than a hang.
 * Any other upgrade path is not ours: 404.
 */
export function attachRealtime(server: Server): void {
  server.on("upgrade", (request: IncomingMessage, socket: Duplex) => {
    socket.on("error", () => socket.destroy());
    const path = (request.url ?? "").split("?")[0] ?? "";
    const [status, reason] = path.startsWith(REALTIME_PREFIX)
      ? [503, "Service Unavailable"]
      : [404, "Not Found"];
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n`,
    );
  });
}
