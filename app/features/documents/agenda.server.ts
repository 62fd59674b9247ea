import * as Y from "yjs";
import type { AgendaContent, AgendaNode } from "./agenda";
import { documentStateNow } from "./state.server";

/*
 * A meeting's agenda for those who read it outside the live editor (the invitation page): the
 * rich text of the live document `agenda:<meetingId>`, kept as a ProseMirror document in its
 * XML fragment "default" (where TipTap's Collaboration extension keeps it), turned into a small
 * tree of allowed tags. Text stays text: React escapes it, so nothing in an agenda can become
 * markup or script on the page. The tree nests as HTML allows (text only inside paragraphs and
 * headings, items only inside lists), whatever an editing client stored, so the browser never
 * rebuilds it differently from the server. Who may read it is decided by the caller (consent
 * for "agenda"; docs/realtime.md).
 */

/** The XML fragment that holds the agenda's rich text. */
export const AGENDA_FIELD = "default";

/** A page shows at most this much of an agenda; a longer one ends with "…". */
const MAX_NODES = 2000;
const MAX_CHARACTERS = 20_000;

export async function meetingAgenda(meetingId: string): Promise<AgendaContent[]> {
  return agendaFromState(await documentStateNow(`agenda:${meetingId}`));
}

export function agendaFromState(state: Uint8Array): AgendaContent[] {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return fragmentContent(doc.getXmlFragment(AGENDA_FIELD));
  } finally {
    doc.destroy();
  }
}

/**
 * Any rich-text fragment of a document (the general notes, an item's notes) as the same safe
 * tree of allowed tags, within the same budget per fragment (a longer one ends with "…").
 * Never throws for odd content: unknown nodes keep their text.
 */
export function fragmentContent(fragment: Y.XmlFragment): AgendaContent[] {
  const budget: Budget = { nodes: MAX_NODES, characters: MAX_CHARACTERS, truncated: false };
  const content = blocks(fragment, budget).filter(hasText);
  if (budget.truncated) content.push({ tag: "p", children: ["…"] });
  return content;
}

type Budget = { nodes: number; characters: number; truncated: boolean };
type Parent = Y.XmlFragment | Y.XmlElement;

/** Counts one element or text run against the budget; false once it is spent. */
function take(budget: Budget, characters = 0): boolean {
  if (budget.truncated || budget.nodes <= 0 || budget.characters < characters) {
    budget.truncated = true;
    return false;
  }
  budget.nodes--;
  budget.characters -= characters;
  return true;
}

/** Block content (the document, a list item, a quote): text lying loose becomes a paragraph. */
function blocks(parent: Parent, budget: Budget): AgendaNode[] {
  const out: AgendaNode[] = [];
  let loose: AgendaContent[] = [];
  const endLoose = () => {
    if (loose.length > 0) out.push({ tag: "p", children: loose });
    loose = [];
  };
  for (const child of parent.toArray()) {
    if (child instanceof Y.XmlText) {
      appendText(loose, child, budget);
      continue;
    }
    if (!(child instanceof Y.XmlElement) || !take(budget)) continue;
    endLoose();
    switch (child.nodeName) {
      case "paragraph":
        out.push({ tag: "p", children: inline(child, budget) });
        break;
      // The page's own headings are h1 and h2 ("Dagsorden"): the agenda's are h3.
      case "heading":
        out.push({ tag: "h3", children: inline(child, budget) });
        break;
      case "bulletList":
      case "orderedList":
        out.push({
          tag: child.nodeName === "bulletList" ? "ul" : "ol",
          children: items(child, budget),
        });
        break;
      case "blockquote":
        out.push({ tag: "blockquote", children: blocks(child, budget) });
        break;
      default:
        // A node we do not know (a future node type) keeps its content, without its markup.
        for (const block of blocks(child, budget)) out.push(block);
    }
    if (budget.truncated) break;
  }
  endLoose();
  return out;
}

/** A list holds only items; anything else in it becomes an item of its own. */
function items(list: Y.XmlElement, budget: Budget): AgendaNode[] {
  const out: AgendaNode[] = [];
  for (const child of list.toArray()) {
    if (budget.truncated) break;
    if (child instanceof Y.XmlElement && child.nodeName === "listItem") {
      if (take(budget)) out.push({ tag: "li", children: blocks(child, budget) });
    } else if (child instanceof Y.XmlElement || child instanceof Y.XmlText) {
      out.push({ tag: "li", children: inlineOf([child], budget) });
    }
  }
  return out;
}

/** Inline content (a paragraph, a heading): text, bold, italic and line breaks only. */
function inline(parent: Y.XmlElement, budget: Budget): AgendaContent[] {
  return inlineOf(parent.toArray(), budget);
}

function inlineOf(children: (Y.XmlElement | Y.XmlText | Y.XmlHook)[], budget: Budget) {
  const out: AgendaContent[] = [];
  for (const child of children) {
    if (budget.truncated) break;
    if (child instanceof Y.XmlText) appendText(out, child, budget);
    else if (child instanceof Y.XmlElement && take(budget)) {
      if (child.nodeName === "hardBreak") out.push({ tag: "br", children: [] });
      else {
        // Blocks nested where only text belongs (a list inside a paragraph) keep their text.
        for (const content of inline(child, budget)) out.push(content);
      }
    }
  }
  return out;
}

/** Text runs with bold and italic marks; other marks (links, colours) keep only their text. */
function appendText(out: AgendaContent[], text: Y.XmlText, budget: Budget) {
  const runs = text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
  for (const { insert, attributes } of runs) {
    if (typeof insert !== "string") continue; // embeds (images, mentions) are not shown
    if (!take(budget, insert.length)) return;
    let node: AgendaContent = insert;
    if (attributes?.italic !== undefined) node = { tag: "em", children: [node] };
    if (attributes?.bold !== undefined) node = { tag: "strong", children: [node] };
    out.push(node);
  }
}

/** Whether a block holds any visible text (an editor keeps one empty paragraph when cleared). */
function hasText(node: AgendaContent): boolean {
  return typeof node === "string" ? node.trim() !== "" : node.children.some(hasText);
}
