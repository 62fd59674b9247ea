import * as Y from "yjs";
import { currentState } from "../../realtime/snapshot";
import type { AgendaContent, AgendaTag } from "../utils/agenda";

/*
 * A meeting's agenda for those who read it outside the live editor (the invitation page): the
 * rich text of the live document `agenda:<meetingId>`, kept as a ProseMirror document in its
 * XML fragment "default" (where TipTap's Collaboration extension keeps it), turned into a small
 * tree of allowed tags. Text stays text: React escapes it, so nothing in an agenda can become
 * markup or script on the page. Who may read it is decided by the caller (consent for
 * "agenda"; docs/realtime.md).
 */

/** The XML fragment that holds the agenda's rich text. */
export const AGENDA_FIELD = "default";

/** A page shows at most this much of an agenda; a longer one ends with "…". */
const MAX_NODES = 2000;

const BLOCKS: Record<string, AgendaTag> = {
  paragraph: "p",
  // The page's own headings are h1 and h2 ("Dagsorden"): the agenda's start at h3.
  heading: "h3",
  bulletList: "ul",
  orderedList: "ol",
  listItem: "li",
  blockquote: "blockquote",
  hardBreak: "br",
};

export async function meetingAgenda(meetingId: string): Promise<AgendaContent[]> {
  return agendaFromState(await currentState(`agenda:${meetingId}`));
}

export function agendaFromState(state: Uint8Array): AgendaContent[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    const budget: Budget = { left: MAX_NODES, truncated: false };
    const content = children(doc.getXmlFragment(AGENDA_FIELD), budget);
    if (budget.truncated) content.push("…");
    return content;
  } finally {
    doc.destroy();
  }
}

type Budget = { left: number; truncated: boolean };

function children(parent: Y.XmlFragment | Y.XmlElement, budget: Budget): AgendaContent[] {
  const out: AgendaContent[] = [];
  for (const child of parent.toArray()) {
    if (budget.left-- <= 0) {
      budget.truncated = true;
      break;
    }
    if (child instanceof Y.XmlText) out.push(...inline(child));
    else if (child instanceof Y.XmlElement) {
      const tag = BLOCKS[child.nodeName];
      const inner = children(child, budget);
      // An element we do not know (a future node type) keeps its text, without its markup.
      if (tag) out.push({ tag, children: tag === "br" ? [] : inner });
      else out.push(...inner);
    }
  }
  return out;
}

/** Text with bold and italic marks; other marks (links, colours) keep only their text. */
function inline(text: Y.XmlText): AgendaContent[] {
  const delta = text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
  return delta.flatMap(({ insert, attributes }) => {
    if (typeof insert !== "string") return [];
    let node: AgendaContent = insert;
    if (attributes?.italic !== undefined) node = { tag: "em", children: [node] };
    if (attributes?.bold !== undefined) node = { tag: "strong", children: [node] };
    return [node];
  });
}
