import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import { logger, safeError } from "./log";
import { CLOSE, type Connection } from "./connection";
import type { RealtimeMetrics } from "./metrics";
import {
  awarenessFrame,
  awarenessStatesFrame,
  decodeClientFrame,
  encodeAwarenessEntries,
  isEmptyUpdate,
  MalformedFrame,
  permissionDeniedFrame,
  syncStep1Frame,
  syncStep2Frame,
  updateFrame,
  type AwarenessEntry,
} from "./protocol";
import { flushAtTurnEnd, type TurnFlush } from "./turn";
import { applyInSlices, type UpdateLog } from "./update-log";

/** Transaction origins that are not a local client. */
const LOADED = Symbol("loaded from the update log");
export const REMOTE = Symbol("from another server process");
/** A change the server made itself (RealtimeHandle.change): sent to everyone and stored. */
const SERVER = Symbol("a change made by the server");

/** The largest awareness state (cursor, name, colour) one client may publish. */
const MAX_AWARENESS_STATE = 16 * 1024;
/** Awareness client ids one connection may introduce (one per tab is normal). */
const MAX_AWARENESS_IDS = 8;

export interface DocumentSettings {
  unloadGraceMs: number;
  compactAfter: number;
  /** The application's `loaded` hook (realtime/hooks.ts). */
  loaded?: (documentName: string, doc: Y.Doc) => void;
  /** The application's `acceptUpdate` hook: null applies the update, a reason refuses it. */
  acceptUpdate?: (connection: Connection, doc: Y.Doc, update: Uint8Array) => string | null;
  /** The application's `changed` and `unloading` hooks (failures are logged). */
  changed?: (documentName: string, doc: Y.Doc) => void;
  unloading?: (documentName: string, doc: Y.Doc) => void;
}

export interface CrossProcess {
  publishAwareness(documentName: string, update: Uint8Array): void;
}

/*
 * One loaded document: the Yjs state, its awareness, its connections. Nothing is answered until
 * the stored state is loaded. Loading, compaction and unloading run one at a time (`serial`).
 */
export class LiveDocument implements TurnFlush {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Set<Connection>();
  readonly ready: Promise<void>;
  isReady = false;
  unloading: Promise<void> | null = null;
  private storedRows = 0;
  /**
   * Rows past which this document compacts: its own point between 1× and 1.5× compactAfter,
   * drawn again after each compaction, so documents edited at the same pace do not all compact
   * in the same second (40 at once held the event loop for most of a second).
   */
  private compactAt = 0;
  /**
   * Stored rows whose updates this document is known to contain: those it loaded and those it
   * stored itself. Only these may be replaced by its own state (`compactLive`); rows another
   * process stored may not have reached it yet.
   */
  private knownRows: number[] = [];
  /**
   * Another process announced rows of this document (or announcements may have been missed):
   * then its rows are not all known, and unloading runs the full compaction.
   */
  private foreignRows = false;
  private chain: Promise<unknown> = Promise.resolve();
  private unloadTimer: NodeJS.Timeout | null = null;
  private awarenessOwners = new Map<number, Connection>();
  /** Updates applied this turn, sent merged at its end (`flushUpdates`), with their origin. */
  private pending: { update: Uint8Array; origin: unknown }[] = [];

  constructor(
    readonly name: string,
    private readonly log: UpdateLog,
    private readonly metrics: RealtimeMetrics,
    private readonly settings: DocumentSettings,
    private readonly crossProcess: CrossProcess | null,
    private readonly onUnloaded: (document: LiveDocument) => void,
  ) {
    this.awareness.setLocalState(null); // the server itself is not a participant
    this.doc.on("update", (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on("update", (change: AwarenessChange, origin: unknown) =>
      this.onAwareness(change, origin),
    );
    this.ready = this.serial(() => this.load());
    this.ready.catch(() => {}); // failures are handled where the connections wait for it
  }

  private async load(): Promise<void> {
    const stored = await this.log.load(this.name);
    await applyInSlices(this.doc, stored.state, LOADED);
    this.knownRows = stored.ids;
    this.storedRows = stored.ids.length;
    this.isReady = true;
    this.drawCompactAt();
    if (this.storedRows > this.settings.compactAfter) void this.compact();
    try {
      this.settings.loaded?.(this.name, this.doc);
    } catch (error) {
      logger().error(
        { err: safeError(error), document: this.name },
        "realtime: loaded hook failed",
      );
    }
  }

  /** Attaches a connection; it is answered once the document is loaded. */
  attach(connection: Connection): void {
    // Closed while waiting for an earlier unload: nothing to attach, but do not stay loaded.
    if (connection.closed) return this.unloadWhenIdle();
    this.connections.add(connection);
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    this.ready.then(
      () => {
        if (connection.closed) return;
        this.flushUpdates(); // what the others were sent before comes first, for every socket
        connection.send(syncStep1Frame(this.doc));
        if (this.awareness.getStates().size > 0) {
          connection.send(awarenessStatesFrame(this.awareness));
        }
        if (connection.permission === "read") this.tellReadOnly(connection);
        connection.start((c, frame) => this.handle(c, frame));
      },
      (error: unknown) => {
        logger().error(
          { err: safeError(error), document: this.name },
          "realtime: loading a document failed",
        );
        connection.refuse(CLOSE.loadFailed);
      },
    );
  }

  detach(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const ids = [...connection.awarenessIds].filter(
      (id) => this.awarenessOwners.get(id) === connection,
    );
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, connection);
    this.unloadWhenIdle();
  }

  private unloadWhenIdle(): void {
    if (this.connections.size > 0 || this.unloading || this.unloadTimer) return;
    this.unloadTimer = setTimeout(() => {
      this.unloadTimer = null;
      void this.unload();
    }, this.settings.unloadGraceMs);
    this.unloadTimer.unref();
  }

  /** Updates another server process stored, applied as one change (one frame to each client). */
  applyRemote(updates: Uint8Array[]): void {
    if (!this.isReady || updates.length === 0) return;
    Y.transact(
      this.doc,
      () => {
        for (const update of updates) Y.applyUpdate(this.doc, update, REMOTE);
      },
      REMOTE,
    );
  }

  /**
   * Applies the server's own change once loaded (sent and stored as any local update), then
   * unloads after the grace time if nobody is connected. Returns `{ done: false }` when the
   * document was unloaded meanwhile (the registry loads it again).
   */
  async change<T>(apply: (doc: Y.Doc) => T): Promise<{ done: true; value: T } | { done: false }> {
    await this.ready;
    if (this.destroyed || this.unloading) return { done: false };
    const value = Y.transact(this.doc, () => apply(this.doc), SERVER);
    this.unloadWhenIdle();
    return { done: true, value };
  }

  /** Another process stored rows of this document (fan-out announced them). */
  foreignRowsStored(): void {
    this.foreignRows = true;
  }

  applyRemoteAwareness(update: Uint8Array): void {
    if (!this.isReady) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
  }

  private handle(connection: Connection, frame: Uint8Array): void {
    let message;
    try {
      message = decodeClientFrame(frame);
    } catch (error) {
      if (!(error instanceof MalformedFrame)) throw error;
      this.metrics.closed.malformed++;
      return connection.refuse(CLOSE.malformed);
    }
    // Any answer goes after the updates gathered this turn (per-socket order stays as applied).
    if (message.type === "sync-step1" || message.type === "query-awareness") this.flushUpdates();
    switch (message.type) {
      case "sync-step1":
        return connection.send(syncStep2Frame(this.doc, message.stateVector));
      case "update":
        return this.receiveUpdate(connection, message.update);
      case "awareness":
        return this.receiveAwareness(connection, message.entries);
      case "query-awareness":
        return connection.send(awarenessStatesFrame(this.awareness));
      case "auth":
        return; // only the server sends these
    }
  }

  private receiveUpdate(connection: Connection, update: Uint8Array): void {
    if (connection.permission !== "edit") {
      // A read-only client's edits are never applied; its empty "nothing new" answers are normal.
      if (!isEmptyUpdate(update)) {
        this.metrics.droppedFrames.readOnly++;
        this.tellReadOnly(connection);
      }
      return;
    }
    const refusal = this.settings.acceptUpdate?.(connection, this.doc, update) ?? null;
    if (refusal !== null) {
      this.metrics.closed.refused++;
      logger().info({ document: this.name, reason: refusal }, "realtime: change refused");
      return connection.refuse(CLOSE.changeRefused);
    }
    this.metrics.recordReceived(update.length);
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch {
      this.metrics.closed.malformed++;
      connection.refuse(CLOSE.malformed);
    }
  }

  /** Tells a read-only client once that its edits are not kept (y-websocket: permission-denied). */
  tellReadOnly(connection: Connection): void {
    if (connection.toldReadOnly) return;
    connection.toldReadOnly = true;
    this.flushUpdates();
    connection.send(permissionDeniedFrame("read-only"));
  }

  /**
   * A client's presence entries. A client id belongs to one connection: the first to announce
   * it, until a newer connection of the same owner (identity key: the same login session or the
   * same invitation link) announces it too. That is a browser that reconnected while its old
   * socket is still open (y-websocket keeps its client id): the presence follows the new socket,
   * and the old one closing no longer removes it. Entries for an id another owner holds, or
   * from an older socket of the same owner, are ignored (the first logged).
   */
  private receiveAwareness(connection: Connection, entries: AwarenessEntry[]): void {
    const kept: AwarenessEntry[] = [];
    for (const entry of entries) {
      if (entry.state.length > MAX_AWARENESS_STATE) {
        this.metrics.closed.tooLarge++;
        return connection.refuse(CLOSE.awarenessTooLarge);
      }
      const owner = this.awarenessOwners.get(entry.clientId);
      if (owner === connection) {
        kept.push(entry);
      } else if (!owner || this.takesOver(connection, owner)) {
        // Nothing to claim with an empty state, and a connection holds only a few ids.
        if (!owner && entry.state === "null") continue;
        if (connection.awarenessIds.size >= MAX_AWARENESS_IDS) continue;
        owner?.awarenessIds.delete(entry.clientId);
        this.awarenessOwners.set(entry.clientId, connection);
        connection.awarenessIds.add(entry.clientId);
        kept.push(entry);
      } else {
        this.refusePresence(connection, owner, entry.clientId);
      }
    }
    if (kept.length === 0) return;
    awarenessProtocol.applyAwarenessUpdate(
      this.awareness,
      encodeAwarenessEntries(kept),
      connection,
    );
  }

  /** A newer socket of the same owner (a reconnect) takes a client id over from an older one. */
  private takesOver(connection: Connection, owner: Connection): boolean {
    return connection.identity.key === owner.identity.key && connection.serial > owner.serial;
  }

  /** Connections already told about (logged once each, not for every cursor move). */
  private readonly refusedPresence = new WeakSet<Connection>();

  private refusePresence(connection: Connection, owner: Connection, clientId: number): void {
    this.metrics.droppedFrames.presenceNotOwned++;
    if (this.refusedPresence.has(connection)) return;
    this.refusedPresence.add(connection);
    const sameOwner = connection.identity.key === owner.identity.key;
    // An older socket of the same owner is a reconnect's leftover; anyone else is suspicious.
    logger()[sameOwner ? "debug" : "warn"](
      { document: this.name, clientId, sameOwner },
      "realtime: presence for a client id another connection owns ignored",
    );
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOADED) return;
    this.callHook("changed", this.settings.changed);
    // Sent at the end of the turn, merged with the others of this turn (realtime/turn.ts).
    if (this.pending.length === 0) flushAtTurnEnd(this);
    this.pending.push({ update, origin });
    if (origin === REMOTE) return; // stored by the process that received it
    this.log.append(this.name, update);
    this.storedRows++;
    if (this.storedRows > this.compactAt && !this.compacting) void this.compact();
  }

  /**
   * Sends the updates applied since the last call. A connection that sent none of them gets
   * one update frame: all of them merged (Y.mergeUpdates; a single update goes as it is). One
   * that sent some gets the others' as they are, in order (never its own back), in the same
   * corked write: merging once per turn and document, not once per writer, keeps the merge
   * cheaper than the frames it saves. Called at the end of the turn, and before any other
   * frame to this document's connections, so no socket sees an answer or a presence change
   * before an earlier update.
   */
  flushUpdates(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    if (this.connections.size === 0 || this.destroyed) return;
    // No named closures here: the server runs under tsx, whose keepNames wraps each one in a
    // __name call, at every call of this (8 % of flushing in a profile).
    const frames: (Buffer | undefined)[] = [];
    const origins = new Set(pending.map((p) => p.origin));
    let merged: Buffer | undefined;
    for (const connection of this.connections) {
      if (!origins.has(connection)) {
        merged ??=
          pending.length === 1
            ? (frames[0] ??= updateFrameBuffer(pending[0]!.update))
            : updateFrameBuffer(Y.mergeUpdates(pending.map((p) => p.update)));
        connection.send(merged);
        continue;
      }
      for (let i = 0; i < pending.length; i++) {
        const { origin, update } = pending[i]!;
        if (origin !== connection) connection.send((frames[i] ??= updateFrameBuffer(update)));
      }
    }
  }

  private onAwareness(change: AwarenessChange, origin: unknown): void {
    this.flushUpdates(); // presence never overtakes an update
    for (const id of change.removed) {
      const owner = this.awarenessOwners.get(id);
      owner?.awarenessIds.delete(id);
      this.awarenessOwners.delete(id);
    }
    const changed = [...change.added, ...change.updated, ...change.removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const bytes = awarenessFrame(update);
    const frame = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const connection of this.connections) connection.send(frame);
    if (origin !== REMOTE) this.crossProcess?.publishAwareness(this.name, update);
  }

  private compacting = false;

  private compact(): Promise<void> {
    this.compacting = true;
    return this.serial(async () => {
      try {
        await this.compactLive();
      } catch (error) {
        logger().error(
          { err: safeError(error), document: this.name },
          "realtime: compaction failed",
        );
      } finally {
        this.compacting = false;
      }
    });
  }

  private drawCompactAt(): void {
    this.compactAt = this.settings.compactAfter * (1 + Math.random() / 2);
  }

  /** Rows the update log stored for this document's own updates. */
  rowsStored(ids: number[]): void {
    if (this.isReady) this.knownRows.push(...ids);
  }

  /**
   * Replaces the rows this document is known to contain by one row with its own state: no rows
   * to read back and nothing to merge, so compacting a busy document costs about a millisecond
   * instead of re-applying hundreds of updates. Falls back to the full compaction when another
   * process compacted some of those rows first.
   */
  private async compactLive(): Promise<void> {
    await this.log.flush();
    const ids = this.knownRows;
    if (ids.length <= 1) return;
    this.knownRows = []; // rows stored from now on are added while the replacement runs
    let added: number | null = null;
    try {
      added = await this.log.replaceRows(this.name, ids, Y.encodeStateAsUpdate(this.doc));
    } finally {
      if (added === null) this.knownRows = ids.concat(this.knownRows);
    }
    if (added === null) return this.compactNow();
    this.knownRows.unshift(added);
    this.storedRows = Math.max(this.storedRows - ids.length, 0) + 1;
    this.drawCompactAt();
  }

  /** Merges every stored row of the document, whoever stored it (inside `serial`). */
  private async compactNow(): Promise<void> {
    const { removed, added } = await this.log.compact(this.name);
    const gone = new Set(removed);
    // The merged row may hold other processes' updates this document has not seen: not known.
    this.knownRows = this.knownRows.filter((id) => !gone.has(id));
    this.storedRows = Math.max(this.storedRows - removed.length, 0) + (added === null ? 0 : 1);
    this.drawCompactAt();
  }

  /**
   * Unloads when nobody has come back: stored updates are flushed and compacted first. When
   * every row is known (no other process stored any), the rows are replaced by this document's
   * state like under load: nothing to read back or merge, so forty documents closing together
   * do not each read and merge hundreds of rows. Otherwise, the full compaction.
   */
  private unload(): Promise<void> {
    if (this.connections.size > 0 || this.unloading) return this.unloading ?? Promise.resolve();
    this.unloading = this.serial(async () => {
      try {
        await this.log.flush();
        if (this.isReady && this.foreignRows) await this.compactNow();
        else if (this.isReady && this.storedRows > 1) await this.compactLive();
      } catch (error) {
        logger().error({ err: safeError(error), document: this.name }, "realtime: unload failed");
      } finally {
        this.destroy();
        this.onUnloaded(this);
      }
    });
    return this.unloading;
  }

  private destroyed = false;

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.isReady) this.callHook("unloading", this.settings.unloading);
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.awareness.destroy();
    this.doc.destroy();
  }

  private callHook(
    name: string,
    hook: ((documentName: string, doc: Y.Doc) => void) | undefined,
  ): void {
    if (!hook) return;
    try {
      hook(this.name, this.doc);
    } catch (error) {
      logger().error(
        { err: safeError(error), document: this.name, hook: name },
        "realtime: hook failed",
      );
    }
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.chain.then(operation, operation);
    this.chain = next.catch(() => {});
    return next;
  }
}

/**
 * A sync update frame as one Buffer for every connection: ws sends a Buffer as it is, and wraps
 * anything else in a new one for each send.
 */
function updateFrameBuffer(update: Uint8Array): Buffer {
  const bytes = updateFrame(update);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** The loaded documents of this process. */
export class DocumentRegistry {
  private readonly documents = new Map<string, LiveDocument>();

  constructor(
    private readonly create: (name: string, onUnloaded: (d: LiveDocument) => void) => LiveDocument,
    private readonly metrics: RealtimeMetrics,
  ) {}

  /** Attaches the connection to the document, loading it (or waiting for an unload) first. */
  async attach(name: string, connection: Connection): Promise<LiveDocument> {
    for (;;) {
      const existing = this.documents.get(name);
      if (existing?.unloading) {
        await existing.unloading;
        continue;
      }
      const document = existing ?? this.load(name);
      document.attach(connection); // synchronously, so an unload cannot slip in between
      return document;
    }
  }

  /** Applies a server-side change to the document, loading it first when needed. */
  async change<T>(name: string, apply: (doc: Y.Doc) => T): Promise<T> {
    for (;;) {
      const existing = this.documents.get(name);
      if (existing?.unloading) {
        await existing.unloading;
        continue;
      }
      const result = await (existing ?? this.load(name)).change(apply);
      if (result.done) return result.value;
    }
  }

  private load(name: string): LiveDocument {
    const document = this.create(name, (gone) => {
      if (this.documents.get(name) === gone) {
        this.documents.delete(name);
        this.metrics.documents = this.documents.size;
      }
    });
    this.documents.set(name, document);
    this.metrics.documents = this.documents.size;
    // A failed load is not kept: the next connection tries again.
    document.ready.catch(() => {
      if (this.documents.get(name) === document) {
        this.documents.delete(name);
        this.metrics.documents = this.documents.size;
        document.destroy();
      }
    });
    return document;
  }

  get(name: string): LiveDocument | undefined {
    return this.documents.get(name);
  }

  all(): LiveDocument[] {
    return [...this.documents.values()];
  }

  destroyAll(): void {
    for (const document of this.documents.values()) document.destroy();
    this.documents.clear();
    this.metrics.documents = 0;
  }
}
