import * as Y from "yjs";
import { PERSON_REF, type Ref } from "../documents/shapes";
import { PLAN_PARTS } from "./document";

/*
 * Who may change what in a plan's area documents (issue 12: "the person's own words are
 * first-class and never rewritten by others"). Leaders edit the plan, and may write down a new
 * goal as the person says it; once a goal has words, only the person changes them, and a goal
 * the person wrote is removed only by the person. Everything else follows the document's
 * permission (documents/registry.server.ts).
 */

/** Each goal's words, and who wrote the goal. */
function goalWords(doc: Y.Doc): Map<string, { words: string; createdBy: unknown }> {
  const out = new Map<string, { words: string; createdBy: unknown }>();
  for (const [id, value] of doc.getMap(PLAN_PARTS.goals).entries()) {
    if (!(value instanceof Y.Map)) continue;
    const words = value.get("inMyWords");
    out.set(id, {
      words: words instanceof Y.Text ? words.toString() : String(words ?? ""),
      createdBy: value.get("createdBy"),
    });
  }
  return out;
}

/**
 * Why `update` from `self` may not be applied to the plan area document `doc`, or null when it
 * may. Applies the update to a copy (never changes `doc`); an update that cannot be read is
 * refused. The person (`PERSON_REF`) may change everything the permission allows.
 */
export function refusedPlanChange(doc: Y.Doc, update: Uint8Array, self: Ref | null): string | null {
  if (self === PERSON_REF) return null;
  const copy = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
    const before = goalWords(copy);
    Y.applyUpdate(copy, update);
    const after = goalWords(copy);
    for (const [id, goal] of before) {
      const now = after.get(id);
      if (!now) {
        if (goal.createdBy === PERSON_REF) return "a goal the person wrote";
        continue;
      }
      if (goal.words !== "" && now.words !== goal.words) return "the person's own words";
    }
    return null;
  } catch {
    return "unreadable update";
  } finally {
    copy.destroy();
  }
}
