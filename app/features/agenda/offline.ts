/*
 * The browser's own copy of live documents (y-indexeddb), so that edits made while the
 * connection is gone survive a reload and are sent on reconnect. The copy is health data kept
 * unencrypted in the browser: it is named per person asking (another account on the same
 * browser never opens it), deleted at logout and when access is withdrawn, and someone on a
 * shared computer can choose not to keep one (remembered in this browser only).
 */

const PREFIX = "broen:";
const OPT_OUT = "broen.noLocalCopy";

/** The IndexedDB name of `documentName`'s local copy for the asker `ownerKey` (user or link). */
export function localCopyName(ownerKey: string, documentName: string): string {
  return `${PREFIX}${ownerKey}:${documentName}`;
}

/** Whether this browser keeps local copies (the person has not said no). */
export function keepsLocalCopy(): boolean {
  try {
    return globalThis.localStorage?.getItem(OPT_OUT) !== "1";
  } catch {
    return false; // storage blocked: keep nothing
  }
}

/** Says yes or no to local copies in this browser; saying no deletes every copy at once. */
export async function setKeepsLocalCopy(keep: boolean): Promise<void> {
  try {
    if (keep) globalThis.localStorage?.removeItem(OPT_OUT);
    else globalThis.localStorage?.setItem(OPT_OUT, "1");
  } catch {
    // storage blocked: nothing is kept anyway
  }
  if (!keep) await deleteLocalCopies();
}

/**
 * Deletes every Broen copy in this browser's IndexedDB (or only those whose name starts with
 * `startsWith`). Resolves when done; never rejects (a browser without IndexedDB has none).
 */
export async function deleteLocalCopies(startsWith = PREFIX): Promise<void> {
  const idb = globalThis.indexedDB;
  if (!idb || typeof idb.databases !== "function") return;
  try {
    const names = (await idb.databases())
      .map((info) => info.name ?? "")
      .filter((name) => name.startsWith(startsWith));
    await Promise.all(
      names.map(
        (name) =>
          new Promise<void>((resolve) => {
            const request = idb.deleteDatabase(name);
            request.onsuccess = request.onerror = request.onblocked = () => resolve();
          }),
      ),
    );
  } catch {
    // nothing more can be done here; logout goes on
  }
}
