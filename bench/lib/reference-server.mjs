/*
 * The peer for `npm run bench:realtime`: y-websocket 2.1's own server code (the dev dependency
 * `y-websocket-v2`, its bin/utils.cjs setupWSConnection), as its bin/server.cjs runs it, with no
 * persistence (YPERSISTENCE unset: documents live in memory only and are never unloaded) and no
 * authentication. One difference from bin/server.cjs: the WebSocket server is Broen's own `ws` 8
 * (no permessage-deflate, as Broen), not the `ws` 6 nested in that package, whose server
 * compresses every frame by default — so the comparison is about the Yjs layer, not zlib.
 * GET /healthz answers 200; the line "y-websocket reference: http://HOST:PORT" means ready.
 */
import http from "node:http";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";

const require = createRequire(import.meta.url);
const { setupWSConnection } = require("y-websocket-v2/bin/utils");

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || "1234");

const server = http.createServer((_request, response) => {
  response.writeHead(200, { "Content-Type": "text/plain" });
  response.end("okay");
});
const wss = new WebSocketServer({ noServer: true });

server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const docName = decodeURIComponent((request.url || "/").slice(1).split("?")[0]);
    setupWSConnection(ws, request, { docName });
  });
});

server.listen(port, host, () => {
  process.stdout.write(`y-websocket reference: http://${host}:${port}\n`);
});

const stop = () => {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
