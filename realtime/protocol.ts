import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

/*
 * The y-websocket wire format (docs/realtime.md): each WebSocket message is one frame that
 * starts with a varUint message type. Incoming frames are decoded and validated here, in full,
 * before anything touches a document: garbage never reaches Yjs, the logs or the update log.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The JSON text as sent; null state means "this client left". */
  state: string;
}

export type ClientFrame =
  | { type: "sync-step1"; stateVector: Uint8Array }
  | { type: "update"; update: Uint8Array }
  | { type: "awareness"; entries: AwarenessEntry[] }
  | { type: "query-awareness" }
  | { type: "auth" };

export class MalformedFrame extends Error {}

/** Decodes one frame from a client; throws MalformedFrame for anything not well formed. */
export function decodeClientFrame(data: Uint8Array): ClientFrame {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MESSAGE_SYNC: {
        const subtype = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (subtype === syncProtocol.messageYjsSyncStep1) {
          Y.decodeStateVector(payload); // throws on garbage
          return { type: "sync-step1", stateVector: payload };
        }
        if (
          subtype === syncProtocol.messageYjsSyncStep2 ||
          subtype === syncProtocol.messageYjsUpdate
        ) {
          // Yjs swallows some errors while applying; decoding first catches them here.
          Y.decodeUpdate(payload);
          return { type: "update", update: payload };
        }
        throw new MalformedFrame(`unknown sync message ${subtype}`);
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(decoder);
        return { type: "awareness", entries: decodeAwareness(update) };
      }
      case MESSAGE_QUERY_AWARENESS:
        return { type: "query-awareness" };
      case MESSAGE_AUTH:
        return { type: "auth" };
      default:
        throw new MalformedFrame(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedFrame) throw error;
    throw new MalformedFrame(error instanceof Error ? error.message : "undecodable frame");
  }
}

function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > 1000) throw new MalformedFrame("too many awareness entries");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    const parsed: unknown = JSON.parse(state); // throws on garbage
    if (parsed !== null && typeof parsed !== "object") {
      throw new MalformedFrame("awareness state is not an object");
    }
    entries.push({ clientId, clock, state });
  }
  return entries;
}

export function encodeAwarenessEntries(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const syncStep1Frame = (doc: Y.Doc) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, doc);
  });

export const syncStep2Frame = (doc: Y.Doc, stateVector: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(e, doc, stateVector);
  });

/** A sync update frame, written straight into an array of its exact size. */
export function updateFrame(update: Uint8Array): Uint8Array {
  let lengthBytes = 1;
  for (let n = update.length; n > 0x7f; n = Math.floor(n / 0x80)) lengthBytes++;
  const out = new Uint8Array(2 + lengthBytes + update.length);
  out[0] = MESSAGE_SYNC;
  out[1] = syncProtocol.messageYjsUpdate;
  let at = 2;
  let n = update.length;
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  out.set(update, at);
  return out;
}

export const awarenessFrame = (update: Uint8Array) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, update);
  });

export const awarenessStatesFrame = (awareness: awarenessProtocol.Awareness) =>
  awarenessFrame(
    awarenessProtocol.encodeAwarenessUpdate(awareness, [...awareness.getStates().keys()]),
  );

/** Tells a y-websocket client why it may not write (its provider emits "permission-denied"). */
export const permissionDeniedFrame = (reason: string) =>
  frame((e) => {
    encoding.writeVarUint(e, MESSAGE_AUTH);
    authProtocol.writePermissionDenied(e, reason);
  });

/** An update that changes nothing (what a client with nothing new sends as its step 2). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  const decoded = Y.decodeUpdate(update);
  return decoded.structs.length === 0 && decoded.ds.clients.size === 0;
}
