import * as Y from "yjs";
import type { Locale } from "../../i18n";

/*
 * Prompt cards (issue 11): a few open questions a leader drops into an item's notes when the
 * conversation needs a way in. The four conversation cards follow the structure that recovery
 * practice recommends (start with the future, explore everyday life, name what works, and
 * gentle questions when things are hard); the reflection cards follow the themes of the
 * CHIME-inspired reflection cards teams use. All text is ours, written for Broen in plain
 * bokmål with an English version; nothing is copied from published card sets.
 *
 * A card becomes ordinary rich text in the item's notes (a heading and a bullet list, nodes
 * TipTap's schema and the minutes' renderer both know), so it can be edited, answered under
 * or removed like anything else written there.
 */

/** A text in both languages of the page. */
export interface Bilingual {
  nb: string;
  en: string;
}

export type PromptCardKind = "conversation" | "reflection";

export interface PromptCard {
  id: string;
  kind: PromptCardKind;
  title: Bilingual;
  /** Two to four open questions. */
  questions: Bilingual[];
}

const q = (nb: string, en: string): Bilingual => ({ nb, en });

/** The cards, conversation cards first, in the order the picker shows them. */
export const PROMPT_CARDS: readonly PromptCard[] = [
  {
    id: "future",
    kind: "conversation",
    title: q("Se framover", "Looking to the future"),
    questions: [
      q("Hva håper du at dette møtet kan gi deg?", "What do you hope this meeting can give you?"),
      q(
        "Hvordan ville en litt bedre uke se ut for deg?",
        "What would a slightly better week look like for you?",
      ),
      q("Hva er et lite steg du kan ta nå?", "What is one small step you could take now?"),
    ],
  },
  {
    id: "everyday",
    kind: "conversation",
    title: q("Hverdagen", "Everyday life"),
    questions: [
      q("Når i uka har du det best?", "When in the week are things best for you?"),
      q(
        "Hva trenger du for at hverdagen skal fungere?",
        "What do you need for everyday life to work?",
      ),
      q(
        "Hva merker du først når noe begynner å bli tungt, og hva gjør du da?",
        "What do you notice first when things start to get heavy, and what do you do then?",
      ),
    ],
  },
  {
    id: "what-works",
    kind: "conversation",
    title: q("Det som fungerer", "Naming what works"),
    questions: [
      q("Hva har du fått til siden sist?", "What have you managed since last time?"),
      q(
        "Hvilke av dine egne måter å takle ting på vil du bruke mer?",
        "Which of your own ways of coping do you want to use more?",
      ),
      q("Hvordan kan vi støtte deg i det?", "How can we support you in that?"),
    ],
  },
  {
    id: "when-hard",
    kind: "conversation",
    title: q("Når det er vanskelig", "When things are hard"),
    questions: [
      q("Hva gjør det vanskelig akkurat nå?", "What makes it hard right now?"),
      q(
        "Hva hjalp litt forrige gang det var slik?",
        "What helped a little the last time it was like this?",
      ),
      q(
        "Vil du at vi ser på det sammen, i ditt tempo?",
        "Would you like us to look at it together, at your pace?",
      ),
    ],
  },
  {
    id: "living-with-challenges",
    kind: "reflection",
    title: q("Å leve med utfordringer", "Living with challenges"),
    questions: [
      q(
        "Hva har du lært om deg selv gjennom det som har vært vanskelig?",
        "What have you learned about yourself through what has been hard?",
      ),
      q("Hva gir deg krefter en dårlig dag?", "What gives you strength on a bad day?"),
    ],
  },
  {
    id: "dream",
    kind: "reflection",
    title: q("Drømmen", "The dream"),
    questions: [
      q(
        "Hvis alt var mulig, hvordan ville livet ditt se ut?",
        "If anything were possible, what would your life look like?",
      ),
      q(
        "Hva i drømmen kan du kjenne litt på allerede nå?",
        "What part of the dream can you already get a taste of now?",
      ),
    ],
  },
  {
    id: "belonging",
    kind: "reflection",
    title: q("Tilhørighet", "Belonging"),
    questions: [
      q(
        "Hvor og med hvem kjenner du at du hører til?",
        "Where, and with whom, do you feel you belong?",
      ),
      q("Hvilket fellesskap ønsker du deg mer av?", "What kind of company would you like more of?"),
    ],
  },
  {
    id: "responsibility",
    kind: "reflection",
    title: q("Ansvar", "Responsibility"),
    questions: [
      q("Hva vil du selv ha ansvar for?", "What do you want to be in charge of yourself?"),
      q(
        "Hva trenger du at andre tar ansvar for en stund?",
        "What do you need others to take care of for a while?",
      ),
    ],
  },
  {
    id: "hope",
    kind: "reflection",
    title: q("Håp og optimisme", "Hope and optimism"),
    questions: [
      q("Hva gir deg håp?", "What gives you hope?"),
      q("Hvem har trodd på deg?", "Who has believed in you?"),
      q("Hva ser du fram til?", "What are you looking forward to?"),
    ],
  },
  {
    id: "recovery",
    kind: "reflection",
    title: q("Hva bedring betyr", "What recovery means"),
    questions: [
      q("Hva betyr det for deg å komme deg?", "What does getting better mean to you?"),
      q(
        "Hvordan vil du merke at det går riktig vei?",
        "How will you notice that things are going the right way?",
      ),
    ],
  },
  {
    id: "values",
    kind: "reflection",
    title: q("Verdier", "Values"),
    questions: [
      q("Hva er viktig for deg i livet?", "What matters to you in life?"),
      q(
        "Når lever du mest slik du vil leve?",
        "When are you living most the way you want to live?",
      ),
      q(
        "Hva vil du at andre skal vite om hva du står for?",
        "What do you want others to know about what you stand for?",
      ),
    ],
  },
];

/** The card with this id, or undefined. */
export function promptCard(id: string): PromptCard | undefined {
  return PROMPT_CARDS.find((card) => card.id === id);
}

/** Rich text as TipTap's schema has it: a heading (h3 in the minutes), a paragraph, a list. */
export type NoteBlock =
  | { type: "heading"; text: string }
  | { type: "paragraph"; text: string }
  | { type: "bulletList"; items: string[] };

function textElement(name: string, text: string): Y.XmlElement {
  const element = new Y.XmlElement(name);
  element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/**
 * Appends blocks to the end of a rich-text fragment, as the nodes TipTap's StarterKit binds
 * (heading with level 3, paragraph, bulletList > listItem > paragraph), in one transaction
 * when the fragment belongs to a document. Returns the number of characters written.
 */
export function appendBlocks(fragment: Y.XmlFragment, blocks: NoteBlock[]): number {
  let characters = 0;
  const nodes = blocks.map((block) => {
    if (block.type === "bulletList") {
      const list = new Y.XmlElement("bulletList");
      list.insert(
        0,
        block.items.map((text) => {
          characters += text.length;
          const item = new Y.XmlElement("listItem");
          item.insert(0, [textElement("paragraph", text)]);
          return item;
        }),
      );
      return list;
    }
    characters += block.text.length;
    if (block.type === "paragraph") return textElement("paragraph", block.text);
    const heading = new Y.XmlElement("heading");
    // TipTap keeps a heading's level as a number (as y-tiptap writes it); Yjs types say string.
    (heading as unknown as Y.XmlElement<{ level: number }>).setAttribute("level", 3);
    heading.insert(0, [new Y.XmlText(block.text)]);
    return heading;
  });
  const write = () => fragment.insert(fragment.length, nodes);
  if (fragment.doc) fragment.doc.transact(write);
  else write();
  return characters;
}

/** The blocks a card becomes in `locale`: its title as a heading and its questions as a list. */
export function cardBlocks(card: PromptCard, locale: Locale): NoteBlock[] {
  return [
    { type: "heading", text: card.title[locale] },
    { type: "bulletList", items: card.questions.map((question) => question[locale]) },
  ];
}

/** Characters a fragment's text holds (its XML text runs, without markup). */
function textLength(node: Y.XmlFragment | Y.XmlElement): number {
  let length = 0;
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText) length += child.length;
    else if (child instanceof Y.XmlElement) length += textLength(child);
  }
  return length;
}

/**
 * Puts a card's title and questions at the end of `fragment` (an item's notes), in `locale`,
 * in one transaction. Returns false and changes nothing when the notes would then hold more
 * than `maxCharacters` (the editor's limit for one text, so the card never makes a change the
 * editor itself would refuse).
 */
export function insertCard(
  fragment: Y.XmlFragment,
  card: PromptCard,
  locale: Locale,
  maxCharacters: number,
): boolean {
  const blocks = cardBlocks(card, locale);
  const adding = blocks.reduce(
    (sum, block) =>
      sum + (block.type === "bulletList" ? block.items.join("").length : block.text.length),
    0,
  );
  if (textLength(fragment) + adding > maxCharacters) return false;
  appendBlocks(fragment, blocks);
  return true;
}
