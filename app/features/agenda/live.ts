import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { IndexeddbPersistence } from "y-indexeddb";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { deleteLocalCopies, localCopyName } from "./offline";

/*
 * One live document in the browser: a Y.Doc, its connection to Broen's realtime server
 * (y-websocket) and, unless the person said no, its copy in this browser (y-indexeddb). This
 * module is part of the live editor's chunk, which pages load on demand (agenda-panel.tsx).
 * Close codes are those of docs/realtime.md: after 44xx the provider does not reconnect and the
 * page says why.
 */

export type ConnectionState = "connecting" | "syncing" | "connected" | "offline";
/** Why the connection ended for good, or null while it lives. */
export type EndReason = "sessionEnded" | "accessWithdrawn" | "tooLarge" | "refused";

export interface LiveDocumentOptions {
  /** e.g. `agenda:<meetingId>` */
  documentName: string;
  /** Who the local copy belongs to (a user id, or an invitation id for a link holder). */
  ownerKey: string;
  /** For link holders: where a fresh ticket is fetched before each (re)connect. */
  ticketUrl?: string;
  /** Keep a copy in this browser (offline editing); false on a shared computer. */
  keepLocal: boolean;
  /**
   * The realtime server, e.g. `ws://127.0.0.1:1234`; default: this page's own `/realtime`.
   * Only the benchmark page (routes/bench.collab.tsx, BROEN_BENCH_FLOOR=1) sets it.
   */
  serverUrl?: string;
  /**
   * The document as the page's server read it (a Yjs update, base64), applied before the
   * connection opens, so the page shows and edits it at once; the sync then only brings what
   * changed since.
   */
  initialState?: string;
}

export interface LiveDocument {
  doc: Y.Doc;
  provider: WebsocketProvider | null;
  state: ConnectionState;
  ended: EndReason | null;
  /** Starts again from the server's copy (after a refused change), dropping the local copy. */
  restart(): void;
}

const CLOSE_REASONS: Record<number, EndReason> = {
  4401: "sessionEnded",
  4403: "accessWithdrawn",
  4413: "tooLarge",
  4422: "refused",
};

/** A caret that keeps moving is sent at least this often (ms) … */
const AWARENESS_MAX_WAIT_MS = 400;
/** … and otherwise once it has rested this long (ms). */
const AWARENESS_QUIET_MS = 100;

/**
 * Sends this client's awareness (its caret, name and colour) calmly instead of with every
 * keystroke: y-websocket sends an awareness message for each local change, i.e. one more
 * message per key next to the text itself, on the same socket and through the same server, and
 * it sends back every change it receives from others as well (each reader echoes the writer's
 * caret to the server). Content is never delayed, only carets: this client's caret goes out
 * AWARENESS_QUIET_MS after it stops moving, or every AWARENESS_MAX_WAIT_MS while it moves;
 * joining and leaving go out at once; others' states are not echoed (the server relays them).
 * Returns the function that puts y-websocket's own handler back.
 */
export function sendAwarenessCalmly(provider: WebsocketProvider): () => void {
  const awareness = provider.awareness;
  const send = provider._awarenessUpdateHandler;
  awareness.off("update", send);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingSince = 0;
  const flush = () => {
    timer = undefined;
    waitingSince = 0;
    if (awareness.getLocalState() === null) return;
    send({ added: [], updated: [awareness.clientID], removed: [] }, "local");
  };
  const onUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin !== "local") return; // another's state, from the server: it relays it itself
    const self = awareness.clientID;
    if (change.added.includes(self) || change.removed.includes(self)) {
      clearTimeout(timer);
      timer = undefined;
      waitingSince = 0;
      send(change, origin);
      return;
    }
    if (!change.updated.includes(self)) return;
    const now = Date.now();
    if (!waitingSince) waitingSince = now;
    clearTimeout(timer);
    const wait = Math.min(AWARENESS_QUIET_MS, waitingSince + AWARENESS_MAX_WAIT_MS - now);
    timer = setTimeout(flush, Math.max(0, wait));
  };
  awareness.on("update", onUpdate);
  return () => {
    awareness.off("update", onUpdate);
    clearTimeout(timer);
    awareness.on("update", send);
  };
}

/** A new document holding `state` (a base64 Yjs update), if given and readable. */
function seeded(state: string | undefined): Y.Doc {
  const doc = new Y.Doc();
  if (!state) return doc;
  try {
    // Applied before the provider listens: it is not sent back to the server.
    Y.applyUpdate(
      doc,
      Uint8Array.from(atob(state), (c) => c.charCodeAt(0)),
      SEED,
    );
  } catch {
    // Unreadable: start empty, as without it; the sync brings everything.
  }
  return doc;
}

/** The origin of the state a page starts from (not a local edit). */
const SEED = Symbol("seed");

async function fetchTicket(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return null;
    const body = (await response.json()) as { ticket?: unknown };
    return typeof body.ticket === "string" ? body.ticket : null;
  } catch {
    return null;
  }
}

/**
 * Opens `documentName` live for as long as the calling component is mounted. Returns the
 * document (empty until loaded), the provider once connected, and the connection's state.
 */
export function useLiveDocument(options: LiveDocumentOptions): LiveDocument {
  const { documentName, ownerKey, ticketUrl, keepLocal, serverUrl } = options;
  const [generation, setGeneration] = useState(0);
  const [doc, setDoc] = useState(() => seeded(options.initialState));
  const [provider, setProvider] = useState<WebsocketProvider | null>(null);
  const [state, setState] = useState<ConnectionState>("connecting");
  const [ended, setEnded] = useState<EndReason | null>(null);

  useEffect(() => {
    let stopped = false;
    let live: WebsocketProvider | null = null;
    let calm: (() => void) | null = null;
    let local: { destroy(): Promise<void> } | null = null;
    const copyName = localCopyName(ownerKey, documentName);
    const goneOffline = () => setState("offline");
    window.addEventListener("offline", goneOffline);

    void (async () => {
      if (keepLocal) local = new IndexeddbPersistence(copyName, doc);
      const ticket = ticketUrl ? await fetchTicket(ticketUrl) : null;
      if (stopped) return;
      const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
      live = new WebsocketProvider(
        serverUrl ?? `${protocol}//${window.location.host}/realtime`,
        documentName,
        doc,
        { params: ticket ? { ticket } : {}, maxBackoffTime: 5000 },
      );
      const provider = live;
      calm = sendAwarenessCalmly(provider);
      provider.on("status", ({ status }) => {
        if (status === "connected") setState(provider.synced ? "connected" : "syncing");
        else setState(navigator.onLine === false ? "offline" : "connecting");
      });
      provider.on("sync", (synced: boolean) => {
        if (provider.wsconnected) setState(synced ? "connected" : "syncing");
      });
      provider.on("connection-close", (event) => {
        const reason = event ? CLOSE_REASONS[event.code] : undefined;
        if (reason) {
          provider.disconnect();
          setEnded(reason);
          // Withdrawn access or a refused change: the local copy must not send it again.
          if (reason === "accessWithdrawn" || reason === "refused" || reason === "tooLarge") {
            void local?.destroy().then(() => deleteLocalCopies(copyName));
          }
          return;
        }
        setState(navigator.onLine === false ? "offline" : "connecting");
        // A link holder's ticket lives 5 minutes: fetch a fresh one before the reconnect.
        if (ticketUrl) {
          void fetchTicket(ticketUrl).then((fresh) => {
            if (fresh) provider.params = { ticket: fresh };
          });
        }
      });
      setProvider(provider);
    })();

    return () => {
      stopped = true;
      window.removeEventListener("offline", goneOffline);
      calm?.();
      live?.destroy();
      void local?.destroy();
      setProvider(null);
    };
  }, [doc, documentName, ownerKey, ticketUrl, keepLocal, serverUrl, generation]);

  return {
    doc,
    provider,
    state,
    ended,
    restart() {
      void deleteLocalCopies(localCopyName(ownerKey, documentName)).then(() => {
        setEnded(null);
        setState("connecting");
        setDoc(new Y.Doc());
        setGeneration((value) => value + 1);
      });
    },
  };
}

/**
 * A value computed from `doc` by `read`, computed again after every change (local or remote)
 * and kept between renders, so components re-render only when the document changed.
 */
export function useDocValue<T>(doc: Y.Doc, read: (doc: Y.Doc) => T): T {
  const cache = useRef<{ doc: Y.Doc; value: T } | null>(null);
  const reader = useRef(read);
  reader.current = read;
  const subscribe = useCallback(
    (notify: () => void) => {
      const onUpdate = () => {
        cache.current = { doc, value: reader.current(doc) };
        notify();
      };
      doc.on("update", onUpdate);
      return () => doc.off("update", onUpdate);
    },
    [doc],
  );
  const snapshot = () => {
    if (cache.current?.doc !== doc) cache.current = { doc, value: reader.current(doc) };
    return cache.current.value;
  };
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export interface PresentPerson {
  clientId: number;
  name: string;
  color: string;
  ref: string | null;
  self: boolean;
}

/** Who is here now (the awareness states with a user), one entry per person, self first. */
export function usePresence(provider: WebsocketProvider | null): PresentPerson[] {
  const [people, setPeople] = useState<PresentPerson[]>([]);
  useEffect(() => {
    if (!provider) return;
    const awareness = provider.awareness;
    const update = () => {
      const seen = new Map<string, PresentPerson>();
      for (const [clientId, state] of awareness.getStates()) {
        const user = (state as { user?: { name?: unknown; color?: unknown; ref?: unknown } }).user;
        if (!user || typeof user.name !== "string") continue;
        const ref = typeof user.ref === "string" ? user.ref : null;
        const key = ref ?? `client:${clientId}`;
        const self = clientId === awareness.clientID;
        if (seen.has(key) && !self) continue;
        seen.set(key, {
          clientId,
          name: user.name.slice(0, 80),
          color: typeof user.color === "string" ? user.color : "#4b5563",
          ref,
          self,
        });
      }
      setPeople([...seen.values()].sort((a, b) => Number(b.self) - Number(a.self)));
    };
    update();
    awareness.on("change", update);
    return () => awareness.off("change", update);
  }, [provider]);
  return people;
}

/** Colours for carets and presence, each with at least 4.5:1 contrast to white text. */
export const COLOURS = [
  "#1d4ed8",
  "#b91c1c",
  "#047857",
  "#7c3aed",
  "#b45309",
  "#0e7490",
  "#be185d",
];

/** A stable colour for a person (`ref`), the same on every screen. */
export function colourFor(ref: string): string {
  let hash = 0;
  for (let i = 0; i < ref.length; i++) hash = (hash * 31 + ref.charCodeAt(i)) | 0;
  return COLOURS[Math.abs(hash) % COLOURS.length]!;
}
