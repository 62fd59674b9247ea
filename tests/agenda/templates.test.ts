import { getSchema } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import { yXmlFragmentToProseMirrorRootNode } from "@tiptap/y-tiptap";
import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import {
  addItem,
  itemNotes,
  LIMITS,
  PERSON_REF,
  readAgenda,
  type Ref,
} from "../../app/features/agenda/document";
import { refusedChange } from "../../app/features/agenda/policy";
import {
  cardBlocks,
  insertCard,
  PROMPT_CARDS,
  promptCard,
} from "../../app/features/agenda/prompt-cards";
import { agendaTemplate, applyTemplate, TEMPLATES } from "../../app/features/agenda/templates";
import type { AgendaContent } from "../../app/features/documents/agenda";
import { fragmentContent } from "../../app/features/documents/agenda.server";
import { renderMinutes } from "../../app/features/minutes/render.server";

const LEADER: Ref = "user:33333333-3333-4333-8333-333333333333";
const MEMBER: Ref = "member:11111111-1111-4111-8111-111111111111";

/** The schema the editor binds with (StarterKit, as rich-text-editor.tsx configures it). */
const schema = getSchema([
  StarterKit.configure({
    undoRedo: false,
    code: false,
    codeBlock: false,
    horizontalRule: false,
    strike: false,
    underline: false,
    link: false,
  }),
]);

/** The fragment as the editor reads it; throws when TipTap's schema does not allow it. */
function asEditorSees(fragment: Y.XmlFragment) {
  const node = yXmlFragmentToProseMirrorRootNode(fragment, schema);
  node.check();
  return node;
}

/** All the text of a rendered tree, in order. */
function textOf(content: AgendaContent[]): string[] {
  return content.flatMap((part) => (typeof part === "string" ? [part] : textOf(part.children)));
}

describe("agenda templates", () => {
  it("has the five templates, each with titles, minutes and questions in both languages", () => {
    expect(TEMPLATES.map((template) => template.id)).toEqual([
      "first-network-meeting",
      "network-follow-up",
      "responsibility-group",
      "crisis-plan",
      "plan-evaluation",
    ]);
    for (const template of TEMPLATES) {
      expect(agendaTemplate(template.id)).toBe(template);
      for (const text of [template.title, template.description]) {
        expect(text.nb.trim()).not.toBe("");
        expect(text.en.trim()).not.toBe("");
        expect(text.nb).not.toBe(text.en);
      }
      for (const item of template.items) {
        expect(item.title.nb).not.toBe(item.title.en);
        expect(item.title.nb.length).toBeLessThanOrEqual(LIMITS.title);
        expect(item.minutes).toBeGreaterThan(0);
        expect(item.questions.length).toBeGreaterThan(0);
      }
    }
    expect(agendaTemplate("nope")).toBeUndefined();
  });

  for (const template of TEMPLATES) {
    for (const locale of ["nb", "en"] as const) {
      it(`applies "${template.id}" in ${locale}: items in order, notes the editor and the minutes read, no problems`, () => {
        const doc = new Y.Doc();
        let transactions = 0;
        doc.on("afterTransaction", () => transactions++);
        const ids = applyTemplate(doc, template, locale, LEADER);
        expect(transactions).toBe(1);

        const { agenda, problems } = readAgenda(doc);
        expect(problems).toEqual([]);
        expect(agenda.items.map((item) => item.id)).toEqual(ids);
        expect(agenda.items.map((item) => item.title)).toEqual(
          template.items.map((item) => item.title[locale]),
        );
        expect(agenda.items.map((item) => item.plannedMinutes)).toEqual(
          template.items.map((item) => item.minutes),
        );
        for (const [index, item] of agenda.items.entries()) {
          const source = template.items[index]!;
          expect(item.createdBy).toBe(LEADER);
          expect(item.status).toBe("planned");
          expect(item.broughtBy).toBe(source.broughtBy === "person" ? PERSON_REF : null);
          const notes = itemNotes(doc, item.id)!;
          asEditorSees(notes);
          const text = textOf(fragmentContent(notes));
          expect(text).toEqual([
            ...(source.note ? [source.note[locale]] : []),
            ...source.questions.map((question) => question[locale]),
          ]);
        }
        if (template.mode === "network") {
          // The person's themes come first.
          const firstOther = agenda.items.findIndex((item) => item.broughtBy !== PERSON_REF);
          expect(firstOther).toBeGreaterThan(0);
          expect(agenda.items.slice(firstOther).some((i) => i.broughtBy === PERSON_REF)).toBe(
            false,
          );
        }
      });
    }
  }

  it("adds to an agenda that has items: the person's network themes after theirs, the rest at the end", () => {
    const doc = new Y.Doc();
    const theirs = addItem(doc, { title: "Mitt tema", createdBy: LEADER, broughtBy: PERSON_REF });
    const other = addItem(doc, { title: "Noe annet", createdBy: LEADER });
    const template = agendaTemplate("network-follow-up")!;
    applyTemplate(doc, template, "nb", LEADER);
    const items = readAgenda(doc).agenda.items;
    const titles = items.map((item) => item.title);
    expect(titles).toEqual([
      "Mitt tema",
      "Det du vil snakke om i dag",
      "Det som har gått bra",
      "Noe annet",
      "Det de andre har lagt merke til",
      "Det vi snakket om sist",
      "Veien videre og neste møte",
    ]);
    expect(items[0]!.id).toBe(theirs);
    expect(items[3]!.id).toBe(other);

    // A responsibility-group template goes after everything that is there.
    const before = titles.length;
    applyTemplate(doc, agendaTemplate("crisis-plan")!, "en", LEADER);
    const after = readAgenda(doc).agenda.items.map((item) => item.title);
    expect(after.slice(0, before)).toEqual(titles);
    expect(after.slice(before)).toEqual(
      agendaTemplate("crisis-plan")!.items.map((item) => item.title.en),
    );
  });

  it("changes nothing when the agenda cannot hold the whole template", () => {
    const doc = new Y.Doc();
    for (let i = 0; i < LIMITS.items - 2; i++) addItem(doc, { title: `${i}`, createdBy: LEADER });
    const state = Y.encodeStateVector(doc);
    expect(() => applyTemplate(doc, TEMPLATES[0]!, "nb", LEADER)).toThrow(RangeError);
    expect(Y.encodeStateVector(doc)).toEqual(state);
    expect(readAgenda(doc).agenda.items).toHaveLength(LIMITS.items - 2);
  });

  it("renders a template's starter notes in the minutes", () => {
    const doc = new Y.Doc();
    applyTemplate(doc, agendaTemplate("responsibility-group")!, "nb", LEADER);
    const minutes = renderMinutes(Y.encodeStateAsUpdate(doc), {
      meeting: {} as never,
      attendance: [],
      names: new Map([[PERSON_REF, "Siri"]]),
      closedBy: "Lars",
      closedAt: new Date(0),
    });
    expect(minutes.leftOut).toBe(0);
    expect(minutes.items).toHaveLength(6);
    expect(minutes.items[0]!.broughtBy).toBe("Siri");
    expect(minutes.items[1]!.notes).toEqual([
      {
        tag: "ul",
        children: [
          {
            tag: "li",
            children: [{ tag: "p", children: ["Hva avtalte vi, og hvor står det nå?"] }],
          },
          {
            tag: "li",
            children: [{ tag: "p", children: ["Hva trenger mer tid eller mer hjelp?"] }],
          },
        ],
      },
    ]);
  });

  it("is refused for a contributor (a partner may not add items the person brings)", () => {
    const server = new Y.Doc();
    addItem(server, { title: "Lederens punkt", createdBy: LEADER });
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    for (const template of TEMPLATES) {
      const copy = new Y.Doc();
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(client));
      const vector = Y.encodeStateVector(copy);
      applyTemplate(copy, template, "nb", MEMBER);
      const update = Y.encodeStateAsUpdate(copy, vector);
      // Every template has the person's own themes, which only leaders and the person add.
      expect(refusedChange(server, update, "contribute", MEMBER)).toBe("an item for someone else");
      expect(refusedChange(server, update, "read", MEMBER)).toBe("read only");
      expect(refusedChange(server, update, "lead", LEADER)).toBeNull();
    }
  });
});

describe("prompt cards", () => {
  it("has the four conversation cards and seven reflection cards, 2–4 questions each, in both languages", () => {
    expect(PROMPT_CARDS.filter((card) => card.kind === "conversation")).toHaveLength(4);
    expect(PROMPT_CARDS.filter((card) => card.kind === "reflection")).toHaveLength(7);
    expect(new Set(PROMPT_CARDS.map((card) => card.id)).size).toBe(PROMPT_CARDS.length);
    for (const card of PROMPT_CARDS) {
      expect(promptCard(card.id)).toBe(card);
      expect(card.questions.length).toBeGreaterThanOrEqual(2);
      expect(card.questions.length).toBeLessThanOrEqual(4);
      for (const text of [card.title, ...card.questions]) {
        expect(text.nb.trim()).not.toBe("");
        expect(text.en.trim()).not.toBe("");
        expect(text.nb).not.toBe(text.en);
      }
    }
  });

  it("puts a card into an item's notes after what is there, as nodes the editor and the read view know", () => {
    const doc = new Y.Doc();
    const id = addItem(doc, { title: "Hverdagen", createdBy: LEADER });
    const notes = itemNotes(doc, id)!;
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("Skrevet før")]);
    notes.insert(0, [paragraph]);

    const card = promptCard("hope")!;
    expect(insertCard(notes, card, "nb", 50_000)).toBe(true);
    const node = asEditorSees(notes);
    expect(node.childCount).toBe(3);
    expect(node.child(1).type.name).toBe("heading");
    expect(node.child(1).attrs.level).toBe(3);
    expect(node.child(2).type.name).toBe("bulletList");

    expect(fragmentContent(notes)).toEqual([
      { tag: "p", children: ["Skrevet før"] },
      { tag: "h3", children: ["Håp og optimisme"] },
      {
        tag: "ul",
        children: card.questions.map((question) => ({
          tag: "li",
          children: [{ tag: "p", children: [question.nb] }],
        })),
      },
    ]);
    expect(readAgenda(doc).problems).toEqual([]);

    // In English, a second card comes after the first.
    expect(insertCard(notes, promptCard("values")!, "en", 50_000)).toBe(true);
    expect(textOf(fragmentContent(notes))).toContain("Values");
    expect(textOf(fragmentContent(notes)).at(-1)).toBe(promptCard("values")!.questions.at(-1)!.en);
  });

  it("leaves the notes as they are when the card would make them longer than the limit", () => {
    const doc = new Y.Doc();
    const id = addItem(doc, { title: "Fullt", createdBy: LEADER });
    const notes = itemNotes(doc, id)!;
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText("x".repeat(95))]);
    notes.insert(0, [paragraph]);
    const card = promptCard("dream")!;
    const size = textOf(fragmentContent(notes)).join("").length;
    const cardSize = textOf(
      cardBlocks(card, "nb").map((block) =>
        block.type === "bulletList"
          ? { tag: "ul" as const, children: block.items }
          : { tag: "p" as const, children: [block.text] },
      ),
    ).join("").length;
    expect(insertCard(notes, card, "nb", size + cardSize - 1)).toBe(false);
    expect(notes.length).toBe(1);
    expect(insertCard(notes, card, "nb", size + cardSize)).toBe(true);
    expect(notes.length).toBe(3);
  });

  it("is a change a contributor may make too (notes are open to them), but not once locked", () => {
    const server = new Y.Doc();
    const id = addItem(server, { title: "Lederens punkt", createdBy: LEADER });
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const vector = Y.encodeStateVector(client);
    insertCard(itemNotes(client, id)!, promptCard("future")!, "nb", 50_000);
    const update = Y.encodeStateAsUpdate(client, vector);
    expect(refusedChange(server, update, "contribute", MEMBER)).toBeNull();
    server.getMap("meta").set("locked", true);
    expect(refusedChange(server, update, "contribute", MEMBER)).toBe("read only");
  });
});
