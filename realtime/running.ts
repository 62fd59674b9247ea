import type * as Y from "yjs";
import type { RealtimeMetrics } from "./metrics";

/** What the rest of the process may ask of the running realtime server. */
export interface RealtimeHandle {
  metrics: RealtimeMetrics;
  /** Stores everything received so far. */
  flush(): Promise<void>;
  /**
   * The document as a reader outside the editor sees it now: the loaded document, or else its
   * stored rows merged (app/features/documents/state.server.ts).
   */
  readState(documentName: string): Promise<Uint8Array>;
  /**
   * Applies a change made by the server itself (not a client) to the document: loaded on
   * demand when nobody has it open, changed in one transaction, sent to every open editor and
   * stored like a client's update. Resolves once the update is stored. `apply` must be
   * synchronous; what it returns is returned. Such changes skip the `acceptUpdate` check: the
   * caller has checked access.
   */
  change<T>(documentName: string, apply: (doc: Y.Doc) => T): Promise<T>;
}

// The Remix build bundles its own copy of app code; both reach the one server through globalThis.
const slot = globalThis as typeof globalThis & { __broenRealtime?: RealtimeHandle };

export function installRealtime(handle: RealtimeHandle | undefined): void {
  slot.__broenRealtime = handle;
}

export function runningRealtime(): RealtimeHandle | undefined {
  return slot.__broenRealtime;
}
