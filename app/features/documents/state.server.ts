import { getDatabase } from "../../../db/client";
import { runningRealtime } from "../../../realtime/running";
import { mergeToState, storedUpdates } from "../../../realtime/update-log";

/**
 * The state of a live document now (a Yjs update of the whole document), the one way every
 * reader outside the editor gets it: the invitation page's agenda, snapshots, minutes. The
 * running realtime server answers from its loaded document (which holds every stored and
 * received update, so there is nothing to flush) or merges the stored rows in its own merge
 * lane. Without one — a request still finishing after the realtime server closed at
 * shutdown — the stored rows are merged here.
 */
export async function documentStateNow(name: string): Promise<Uint8Array> {
  const realtime = runningRealtime();
  if (realtime) return realtime.readState(name);
  return mergeToState(await storedUpdates(getDatabase().db, name));
}
