import * as Y from "yjs";
import { getDatabase } from "../../../db/client";
import { documentUpdates } from "../../../db/schema";
import { runningRealtime } from "../../../realtime/running";
import { mergeToState, storedUpdates } from "../../../realtime/update-log";

/**
 * Applies a change the server makes itself (e.g. carrying agenda items over) to the live
 * document `name`, and returns what `apply` returned. With the realtime server running, the
 * change goes through it (RealtimeHandle.change): open editors receive it at once, and it is
 * stored in the update log. Without one (a request finishing after the realtime server closed,
 * scripts) the stored rows are merged, changed, and the difference is appended as one row of
 * the update log, which the next load reads. `apply` must be synchronous and idempotent enough
 * to run on either path (it sees the whole document as it is).
 */
export async function changeDocumentNow<T>(name: string, apply: (doc: Y.Doc) => T): Promise<T> {
  const realtime = runningRealtime();
  if (realtime) return realtime.change(name, apply);
  const { db } = getDatabase();
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, await mergeToState(await storedUpdates(db, name)));
    const before = Y.encodeStateVector(doc);
    const value = doc.transact(() => apply(doc));
    const update = Y.encodeStateAsUpdate(doc, before);
    // An update that adds nothing is two zero bytes (no structs, no deletions): not stored.
    if (update.length > 2) await db.insert(documentUpdates).values({ documentName: name, update });
    return value;
  } finally {
    doc.destroy();
  }
}
