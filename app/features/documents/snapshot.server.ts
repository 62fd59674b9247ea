import * as Y from "yjs";
import { recordAudit, type AuditActor } from "../audit/audit.server";
import type { DocumentName } from "./registry.server";
import { getDatabase } from "../../../db/client";
import { documentSnapshots } from "../../../db/schema";
import { documentStateNow } from "./state.server";

/*
 * A document frozen at a moment, for minutes and plan history: the Yjs state (which can be
 * loaded again) and a JSON rendering of it (which anything can read). Includes what a running
 * server still holds in memory and what other processes have stored.
 */
export interface DocumentExport {
  state: Uint8Array;
  content: Record<string, unknown>;
}

export async function exportDocument(name: string): Promise<DocumentExport> {
  const state = await documentStateNow(name);
  return { state, content: renderDocument(state) };
}

/** Stores a snapshot (the caller has checked that the actor may edit the document). */
export async function saveSnapshot(
  document: DocumentName,
  reason: string,
  actor: AuditActor & { userId: string },
  personId: string,
): Promise<string> {
  const { state, content } = await exportDocument(document.name);
  return getDatabase().db.transaction(async (tx) => {
    const [row] = await tx
      .insert(documentSnapshots)
      .values({ documentName: document.name, state, content, reason, createdBy: actor.userId })
      .returning({ id: documentSnapshots.id });
    await recordAudit(
      actor,
      {
        action: "document.snapshot",
        subjectType: document.kind,
        subjectId: document.id,
        personId,
        details: { snapshotId: row!.id, reason },
      },
      tx,
    );
    return row!.id;
  });
}

/**
 * Every top-level shared type as JSON. A stored state does not say which kind each type was
 * created as, so it is read from the content: keys → map, characters → text, XML nodes →
 * XML fragment (TipTap/ProseMirror), anything else → array.
 */
export function renderDocument(state: Uint8Array): Record<string, unknown> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const content: Record<string, unknown> = {};
    for (const [key, type] of [...doc.share.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      content[key] = renderType(doc, key, type);
    }
    return content;
  } finally {
    doc.destroy();
  }
}

type SharedType = NonNullable<ReturnType<Y.Doc["share"]["get"]>>;

function renderType(doc: Y.Doc, key: string, type: SharedType): unknown {
  if (type._start === null && type._map.size > 0) return doc.getMap(key).toJSON();
  let item = type._start;
  while (item && item.deleted) item = item.right;
  const content = item?.content;
  if (
    content instanceof Y.ContentString ||
    content instanceof Y.ContentFormat ||
    content instanceof Y.ContentEmbed
  ) {
    return doc.getText(key).toString();
  }
  if (
    content instanceof Y.ContentType &&
    (content.type instanceof Y.XmlElement || content.type instanceof Y.XmlText)
  ) {
    return doc.getXmlFragment(key).toString();
  }
  return doc.getArray(key).toJSON();
}
