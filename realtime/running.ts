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
}

// The Remix build bundles its own copy of app code; both reach the one server through globalThis.
const slot = globalThis as typeof globalThis & { __broenRealtime?: RealtimeHandle };

export function installRealtime(handle: RealtimeHandle | undefined): void {
  slot.__broenRealtime = handle;
}

export function runningRealtime(): RealtimeHandle | undefined {
  return slot.__broenRealtime;
}
