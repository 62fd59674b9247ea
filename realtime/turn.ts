import type { Socket } from "node:net";
import { logger, safeError } from "./log";

/*
 * Coalescing at the end of one event-loop turn (docs/realtime.md, "Sending"). Under load most
 * of the server's time went into sending: ws writes each frame with its own writev, so a frame
 * to 50 readers was 50 system calls, and 5 frames to one reader in one turn were 5. Here:
 *
 * - a socket that is sent anything is corked until the end of the turn and uncorked once, so
 *   every frame for it in that turn leaves in one writev (ws's own cork/uncork per frame nests
 *   inside ours and does not flush);
 * - a document gathers the Yjs updates of the turn and sends them, merged, at its end
 *   (`LiveDocument.flushUpdates`): one update frame per recipient instead of one per update.
 *   The y-websocket client decodes one message per WebSocket frame, so frames themselves are
 *   never concatenated.
 *
 * "The end of the turn" is setImmediate: it runs after every I/O callback of the current poll
 * phase, so all frames that arrived together are handled before anything is sent, and nothing
 * waits for a timer.
 */

/** Something that sends what it gathered during this turn. */
export interface TurnFlush {
  flushUpdates(): void;
}

const documents = new Set<TurnFlush>();
const corked = new Set<Socket>();
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(endTurn);
}

/** Calls `flushUpdates` on the document once, at the end of this turn. */
export function flushAtTurnEnd(document: TurnFlush): void {
  documents.add(document);
  schedule();
}

/**
 * Corks the socket until the end of this turn (once per turn; further calls do nothing), so
 * every frame written to it meanwhile goes out in one write.
 */
export function corkUntilTurnEnd(socket: Socket): void {
  if (corked.has(socket)) return;
  socket.cork();
  corked.add(socket);
  schedule();
}

function endTurn(): void {
  scheduled = false;
  // Updates first: what they send is corked too, and leaves with the uncork below.
  for (const document of documents) {
    documents.delete(document);
    try {
      document.flushUpdates();
    } catch (error) {
      logger().error({ err: safeError(error) }, "realtime: sending gathered updates failed");
    }
  }
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) {
    if (!socket.destroyed) socket.uncork();
  }
}
