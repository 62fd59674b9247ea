import type * as Y from "yjs";
import type { Locale } from "../../i18n";
import { addItem, itemNotes, LIMITS, PERSON_REF, readAgenda, type Ref } from "./document";
import { appendBlocks, type Bilingual, type NoteBlock } from "./prompt-cards";

/*
 * Agenda templates (issue 11): a starting point for the five kinds of meeting recovery teams
 * hold most often. Written for Broen in plain bokmål with an English version, in our own words,
 * from the practice described in DOMAIN.md (conversation structure, crisis plans, revising the
 * individual plan); nothing is copied from published guides.
 *
 * Network-meeting templates follow that mode: the person's own themes come first, and the
 * starter notes ask for each participant's words (voices), not for one summary. The other
 * templates end in who does what by when, as responsibility groups work.
 */

export type TemplateId =
  | "first-network-meeting"
  | "network-follow-up"
  | "responsibility-group"
  | "crisis-plan"
  | "plan-evaluation";

export interface TemplateItem {
  title: Bilingual;
  /** Planned minutes (1–600). */
  minutes: number;
  /** "person" when the person brings it (their own themes); otherwise nobody is named. */
  broughtBy: "person" | null;
  /** A short line of guidance, written into the item's notes as a paragraph. */
  note?: Bilingual;
  /** Open starter questions, written into the item's notes as a bullet list. */
  questions: Bilingual[];
}

export interface AgendaTemplate {
  id: TemplateId;
  /** The kind of meeting the template is written for. */
  mode: "network" | "responsibility";
  title: Bilingual;
  /** One sentence on when to use it (shown in the picker). */
  description: Bilingual;
  items: TemplateItem[];
}

const t = (nb: string, en: string): Bilingual => ({ nb, en });

const VOICES = t(
  "Skriv det hver enkelt sier med egne ord under «Det deltakerne sa», ikke som ett sammendrag.",
  "Write what each person says in their own words under “What the participants said”, not as one summary.",
);

/** The templates, in the order the picker shows them. */
export const TEMPLATES: readonly AgendaTemplate[] = [
  {
    id: "first-network-meeting",
    mode: "network",
    title: t("Første nettverksmøte", "First network meeting"),
    description: t(
      "Den som møtet handler om, setter temaene. Alle blir hørt, med egne ord.",
      "The person the meeting is about sets the themes. Everyone is heard, in their own words.",
    ),
    items: [
      {
        title: t("Det du vil snakke om i dag", "What you want to talk about today"),
        minutes: 20,
        broughtBy: "person",
        note: t(
          "Du bestemmer temaene. Fortell med dine ord hva som er viktig for deg nå.",
          "You decide the themes. Say in your own words what matters to you now.",
        ),
        questions: [
          t("Hva håper du at møtet kan gi deg?", "What do you hope the meeting can give you?"),
          t("Hva vil du at vi snakker om først?", "What would you like us to talk about first?"),
          t(
            "Er det noe du ikke vil snakke om i dag?",
            "Is there anything you do not want to talk about today?",
          ),
        ],
      },
      {
        title: t("Menneskene rundt deg", "The people around you"),
        minutes: 10,
        broughtBy: "person",
        questions: [
          t("Hvem er med deg i hverdagen?", "Who is with you in everyday life?"),
          t(
            "Hvem vil du ha med i møtene framover?",
            "Who would you like to take part in the meetings ahead?",
          ),
        ],
      },
      {
        title: t("Det de andre vil si", "What the others want to say"),
        minutes: 25,
        broughtBy: null,
        note: VOICES,
        questions: [
          t("Hva tenker du når du hører dette?", "What do you think when you hear this?"),
          t("Hva har du sett som hjelper?", "What have you seen that helps?"),
          t("Hva bekymrer deg, og hva gir deg håp?", "What worries you, and what gives you hope?"),
        ],
      },
      {
        title: t("Veien videre", "The way forward"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t("Hva er et lite steg fram?", "What is one small step forward?"),
          t(
            "Når og hvor vil du møtes igjen, og hvem skal være med?",
            "When and where would you like to meet again, and who should come?",
          ),
        ],
      },
      {
        title: t("Hvordan var møtet?", "How was this meeting?"),
        minutes: 5,
        broughtBy: null,
        note: VOICES,
        questions: [
          t("Hvordan var det å være her i dag?", "How was it to be here today?"),
          t("Er det noe som ikke ble sagt?", "Is there something that was not said?"),
        ],
      },
    ],
  },
  {
    id: "network-follow-up",
    mode: "network",
    title: t("Oppfølgende nettverksmøte", "Network meeting follow-up"),
    description: t(
      "Et nytt møte i samme nettverk: det som har skjedd, det som går bra, og veien videre.",
      "A new meeting of the same network: what has happened, what goes well, and the way forward.",
    ),
    items: [
      {
        title: t("Det du vil snakke om i dag", "What you want to talk about today"),
        minutes: 20,
        broughtBy: "person",
        questions: [
          t(
            "Hva har skjedd siden sist som du vil fortelle om?",
            "What has happened since last time that you want to tell us about?",
          ),
          t("Hva er viktigst for deg i dag?", "What matters most to you today?"),
        ],
      },
      {
        title: t("Det som har gått bra", "What has gone well"),
        minutes: 10,
        broughtBy: "person",
        questions: [
          t("Hva har fungert for deg siden sist?", "What has worked for you since last time?"),
          t("Hva gjorde du selv som hjalp?", "What did you do yourself that helped?"),
        ],
      },
      {
        title: t("Det de andre har lagt merke til", "What the others have noticed"),
        minutes: 20,
        broughtBy: null,
        note: VOICES,
        questions: [
          t("Hva har du lagt merke til siden sist?", "What have you noticed since last time?"),
          t(
            "Hva tenker du om det som er sagt i dag?",
            "What do you think about what has been said today?",
          ),
        ],
      },
      {
        title: t("Det vi snakket om sist", "What we talked about last time"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t(
            "Hva ble vi enige om sist, og hvordan har det gått?",
            "What did we agree last time, and how has it gone?",
          ),
          t("Er det noe vi bør gjøre annerledes?", "Is there anything we should do differently?"),
        ],
      },
      {
        title: t("Veien videre og neste møte", "The way forward and the next meeting"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t("Hva er neste lille steg?", "What is the next small step?"),
          t(
            "Vil du møtes igjen, og i så fall når og med hvem?",
            "Would you like to meet again, and if so when and with whom?",
          ),
        ],
      },
    ],
  },
  {
    id: "responsibility-group",
    mode: "responsibility",
    title: t("Ansvarsgruppemøte", "Responsibility group meeting"),
    description: t(
      "Status på planen og avtalene, og hvem som gjør hva innen når.",
      "Where the plan and the agreements stand, and who does what by when.",
    ),
    items: [
      {
        title: t("Hvordan har du det nå?", "How are things for you now?"),
        minutes: 10,
        broughtBy: "person",
        questions: [
          t("Hva vil du at gruppen skal vite i dag?", "What do you want the group to know today?"),
          t(
            "Hva er viktigst for deg at vi tar opp?",
            "What matters most to you that we talk about?",
          ),
        ],
      },
      {
        title: t("Avtalene fra forrige møte", "The agreements from the last meeting"),
        minutes: 15,
        broughtBy: null,
        questions: [
          t("Hva avtalte vi, og hvor står det nå?", "What did we agree, and where does it stand?"),
          t("Hva trenger mer tid eller mer hjelp?", "What needs more time or more help?"),
        ],
      },
      {
        title: t("Målene i planen", "The goals in the plan"),
        minutes: 15,
        broughtBy: null,
        questions: [
          t(
            "Hvordan går det med målene, slik du ser det?",
            "How are the goals going, as you see it?",
          ),
          t(
            "Trenger noen av målene nye ord eller en ny retning?",
            "Do any of the goals need new words or a new direction?",
          ),
        ],
      },
      {
        title: t("Fra hver tjeneste", "From each service"),
        minutes: 15,
        broughtBy: null,
        questions: [
          t("Hva har du bidratt med siden sist?", "What have you contributed since last time?"),
          t("Hva kan du bidra med framover?", "What can you contribute from now on?"),
        ],
      },
      {
        title: t("Hvem gjør hva innen når", "Who does what by when"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t(
            "Hva avtaler vi i dag, og hvem har ansvaret?",
            "What do we agree today, and who is responsible?",
          ),
          t(
            "Hvem holder kontakten med deg fram til neste møte?",
            "Who keeps in touch with you until the next meeting?",
          ),
        ],
      },
      {
        title: t("Neste møte", "Next meeting"),
        minutes: 5,
        broughtBy: null,
        questions: [
          t(
            "Når møtes vi igjen, og hvem bør være med?",
            "When do we meet again, and who should take part?",
          ),
        ],
      },
    ],
  },
  {
    id: "crisis-plan",
    mode: "responsibility",
    title: t("Gå gjennom kriseplanen", "Crisis plan revision"),
    description: t(
      "Tegn, det som hjelper, og hvem som skal kontaktes, sagt med dine ord og avtalt sammen.",
      "Signs, what helps, and who to contact, in your words and agreed together.",
    ),
    items: [
      {
        title: t("Tiden siden sist", "The time since last"),
        minutes: 10,
        broughtBy: "person",
        note: t(
          "Tilbakeslag er en vanlig del av veien. Her snakker vi om det som har vært, uten å dømme.",
          "Setbacks are a normal part of the way. Here we talk about what has been, without judging.",
        ),
        questions: [
          t(
            "Har det vært vanskelige perioder? Hva skjedde da?",
            "Have there been hard times? What happened then?",
          ),
          t("Hva vil du ha med i planen nå?", "What do you want the plan to hold now?"),
        ],
      },
      {
        title: t("Tidlige tegn", "Early signs"),
        minutes: 10,
        broughtBy: "person",
        questions: [
          t(
            "Hva merker du først når det begynner å bli vanskelig?",
            "What do you notice first when things begin to get hard?",
          ),
          t("Hva merker de rundt deg?", "What do the people around you notice?"),
        ],
      },
      {
        title: t("Det som hjelper", "What helps"),
        minutes: 15,
        broughtBy: "person",
        questions: [
          t("Hva gjør du selv som hjelper?", "What do you do yourself that helps?"),
          t(
            "Hva kan andre gjøre som hjelper, og hva bør de ikke gjøre?",
            "What can others do that helps, and what should they not do?",
          ),
        ],
      },
      {
        title: t("Hvem som skal kontaktes, og når", "Who to contact, and when"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t(
            "Hvem vil du at vi tar kontakt med, og hvem ikke?",
            "Whom do you want us to contact, and whom not?",
          ),
          t(
            "Hvilke telefonnumre og tider gjelder, også kveld og helg?",
            "Which phone numbers and hours apply, also evenings and weekends?",
          ),
        ],
      },
      {
        title: t("Enige om planen", "Agreeing on the plan"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t("Er du enig i planen slik den står nå?", "Do you agree with the plan as it is now?"),
          t(
            "Hvem skal ha planen, og når ser vi på den igjen?",
            "Who should have the plan, and when do we look at it again?",
          ),
        ],
      },
    ],
  },
  {
    id: "plan-evaluation",
    mode: "responsibility",
    title: t("Evaluere planen", "Plan evaluation"),
    description: t(
      "Se på målene og tiltakene sammen, og bestem hva som skal endres til neste periode.",
      "Look at the goals and measures together, and decide what changes for the next period.",
    ),
    items: [
      {
        title: t("Slik du ser det", "How you see it"),
        minutes: 15,
        broughtBy: "person",
        questions: [
          t(
            "Hva har blitt bedre siden planen ble laget?",
            "What has got better since the plan was made?",
          ),
          t("Hva har vært vanskelig?", "What has been hard?"),
        ],
      },
      {
        title: t("Mål for mål", "Goal by goal"),
        minutes: 20,
        broughtBy: null,
        questions: [
          t("Er målet fortsatt ditt, med dine ord?", "Is the goal still yours, in your words?"),
          t("Hva har hjulpet deg nærmere?", "What has brought you closer?"),
          t("Hva har stått i veien?", "What has stood in the way?"),
        ],
      },
      {
        title: t("Tiltakene og hvem som har ansvaret", "The measures and who is responsible"),
        minutes: 15,
        broughtBy: null,
        questions: [
          t(
            "Hvilke tiltak virker, og hvilke bør endres eller avsluttes?",
            "Which measures work, and which should change or end?",
          ),
          t("Er det klart hvem som har ansvaret?", "Is it clear who is responsible?"),
        ],
      },
      {
        title: t("Hverdagsliv og fellesskap", "Everyday life and community"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t(
            "Bolig, arbeid eller aktivitet, økonomi, helse, venner: hvor vil du se endring?",
            "Housing, work or activity, money, health, friends: where would you like to see change?",
          ),
          t(
            "Finnes det noe i nærmiljøet du har lyst til å prøve?",
            "Is there something in your local community you would like to try?",
          ),
        ],
      },
      {
        title: t("Ny planperiode", "The next plan period"),
        minutes: 10,
        broughtBy: null,
        questions: [
          t("Hva endrer vi i planen?", "What do we change in the plan?"),
          t("Når ser vi på planen igjen?", "When do we look at the plan again?"),
          t(
            "Er du enig i planen, og i hvem som får se den?",
            "Do you agree with the plan, and with who may see it?",
          ),
        ],
      },
    ],
  },
];

/** The template with this id, or undefined (for ids from a form or a modified client). */
export function agendaTemplate(id: string): AgendaTemplate | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/** The starter notes of one template item in `locale`. */
export function templateItemBlocks(item: TemplateItem, locale: Locale): NoteBlock[] {
  const blocks: NoteBlock[] = [];
  if (item.note) blocks.push({ type: "paragraph", text: item.note[locale] });
  if (item.questions.length > 0) {
    blocks.push({ type: "bulletList", items: item.questions.map((question) => question[locale]) });
  }
  return blocks;
}

/**
 * Adds the items of `template` to the agenda in `doc`, with their starter notes, in `locale`
 * (the page's language), in one transaction, and returns the new items' ids in order.
 * `createdBy` is who applies it (a leader or the person). Items go after the items already
 * there, in the template's order; in a network-meeting template the items the person brings
 * go after the person's last theme instead, before everyone else's (the person's themes come
 * first, as NewItemForm places them too).
 * Throws RangeError, and changes nothing, when the agenda cannot hold all the items.
 */
export function applyTemplate(
  doc: Y.Doc,
  template: AgendaTemplate,
  locale: Locale,
  createdBy: Ref | null,
): string[] {
  const existing = readAgenda(doc).agenda.items;
  if (existing.length + template.items.length > LIMITS.items) {
    throw new RangeError("the agenda cannot hold the template");
  }
  const network = template.mode === "network";
  let lastOfPerson = existing.filter((item) => item.broughtBy === PERSON_REF).at(-1)?.id ?? null;
  const ids: string[] = [];
  doc.transact(() => {
    for (const item of template.items) {
      const person = item.broughtBy === "person";
      const id = addItem(doc, {
        title: item.title[locale],
        broughtBy: person ? PERSON_REF : null,
        createdBy,
        plannedMinutes: item.minutes,
        after: network && person ? lastOfPerson : undefined,
      });
      if (person) lastOfPerson = id;
      const notes = itemNotes(doc, id);
      if (notes) appendBlocks(notes, templateItemBlocks(item, locale));
      ids.push(id);
    }
  });
  return ids;
}
