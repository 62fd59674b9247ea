import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import PDFDocument from "pdfkit";
import { formatDateTime, translator, type Locale } from "../../i18n";
import type { AgendaContent } from "../documents/agenda";
import type { RenderedMinutes, ReviewLine } from "./types";

/*
 * Minutes as a PDF for filing in the record system (EPJ): PDF 1.7, tagged (headings,
 * paragraphs, lists in a structure tree, /MarkInfo), archival profile PDF/A-2a as pdfkit gives
 * it, language nb-NO, the title shown in the window, and DejaVu Sans embedded (subset) so æ, ø
 * and å come out right in every reader. The fonts ship in assets/fonts with their licence.
 */

/** The folder with the shipped fonts: found upwards from this module (source or build). */
function fontsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "assets", "fonts");
    if (fs.existsSync(path.join(candidate, "DejaVuSans.ttf"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("assets/fonts/DejaVuSans.ttf was not found");
}

let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** The shipped DejaVu Sans regular and bold (read once); throws when they are missing. */
export function loadFonts() {
  const dir = fontsDir();
  fonts ??= {
    regular: fs.readFileSync(path.join(dir, "DejaVuSans.ttf")),
    bold: fs.readFileSync(path.join(dir, "DejaVuSans-Bold.ttf")),
  };
  return fonts;
}

type Struct = ReturnType<PDFKit.PDFDocument["struct"]>;

/**
 * One version of the minutes as PDF bytes, with its reviews, in `locale`'s words. Rich text is
 * written as plain paragraphs and list items (bold/italic marks are not kept). Resolves with
 * the whole file; rejects only on a pdfkit error.
 */
export function minutesPdf(
  minutes: RenderedMinutes,
  extra: { version: number; reviews: ReviewLine[]; lockedAt: string | null },
  locale: Locale,
): Promise<Buffer> {
  const t = translator(locale);
  const { regular, bold } = loadFonts();
  const title = `${t("minutes.pdfTitle")}: ${minutes.meeting.title} (${t("minutes.version", { version: extra.version })})`;
  const doc = new PDFDocument({
    pdfVersion: "1.7",
    subset: "PDF/A-2a",
    tagged: true,
    lang: locale === "nb" ? "nb-NO" : "en-GB",
    displayTitle: true,
    size: "A4",
    margin: 56,
    info: { Title: title, Author: "Broen", Subject: t("minutes.pdfTitle") },
  });
  doc.registerFont("body", regular);
  doc.registerFont("bold", bold);
  doc.font("body");
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const root = doc.struct("Document");
  doc.addStructure(root);
  const heading = (level: 1 | 2 | 3, text: string) =>
    root.add(
      doc.struct(`H${level}`, {}, () => {
        doc
          .font("bold")
          .fontSize(level === 1 ? 18 : level === 2 ? 14 : 12)
          .text(text)
          .moveDown(0.3);
        doc.font("body").fontSize(10.5);
      }),
    );
  const paragraph = (text: string, parent: Struct = root) =>
    parent.add(doc.struct("P", {}, () => doc.text(text).moveDown(0.3)));
  const list = (lines: string[], parent: Struct = root) => {
    if (lines.length === 0) return;
    parent.add(
      doc.struct(
        "L",
        {},
        lines.map((line) =>
          doc.struct("LI", {}, [
            doc.struct("LBody", {}, () => doc.text(`•  ${line}`, { indent: 8 })),
          ]),
        ),
      ),
    );
    doc.moveDown(0.3);
  };

  const m = minutes.meeting;
  heading(1, title);
  paragraph(`${t("meeting.kind")}: ${t(KIND_KEY[m.kind])}`);
  paragraph(
    `${t("meeting.when")}: ${formatDateTime(locale, m.startsAt)} (${m.durationMinutes} min)`,
  );
  const where = [m.place, m.videoLink].filter(Boolean).join(" · ");
  if (where) paragraph(`${t("meeting.where")}: ${where}`);
  paragraph(`${t("meeting.leaders")}: ${m.leaders.join(", ")}`);
  paragraph(
    t("minutes.closedAt", {
      when: formatDateTime(locale, minutes.closedAt),
      name: minutes.closedBy,
    }),
  );

  heading(2, t("attendance.title"));
  list(
    minutes.attendance.map(
      (a) =>
        `${a.name} (${t(ROLE_KEY[a.role])}): ${t(
          a.present === null
            ? "attendance.notMarked"
            : a.present
              ? "attendance.present"
              : "attendance.absent",
        )}`,
    ),
  );

  heading(2, t("minutes.items"));
  if (minutes.items.length === 0) paragraph(t("minutes.noItems"));
  for (const item of minutes.items) {
    heading(3, item.title);
    if (item.broughtBy) paragraph(t("minutes.broughtBy", { name: item.broughtBy }));
    richText(item.notes, paragraph, list);
    if (item.decisions.length) {
      paragraph(t("minutes.decisions"));
      list(item.decisions.map((d) => (d.by ? `${d.text} (${d.by})` : d.text)));
    }
    if (item.actions.length) {
      paragraph(t("minutes.actions"));
      list(
        item.actions.map((a) =>
          [
            a.what,
            a.responsible ? `${t("minutes.actionWho")}: ${a.responsible}` : null,
            a.due ? `${t("minutes.actionDue")}: ${a.due}` : null,
            t(a.status === "done" ? "minutes.actionDone" : "minutes.actionOpen"),
          ]
            .filter(Boolean)
            .join(" – "),
        ),
      );
    }
    if (item.voices.length) {
      paragraph(t("minutes.voices"));
      list(item.voices.map((v) => `${v.who}: ${v.text}`));
    }
  }
  if (minutes.notes.length) {
    heading(2, t("minutes.generalNotes"));
    richText(minutes.notes, paragraph, list);
  }

  heading(2, t("minutes.reviews"));
  if (extra.reviews.length === 0) paragraph(t("minutes.noReviews"));
  for (const review of extra.reviews) {
    const via = t(review.givenVia === "link" ? "minutes.viaLink" : "minutes.viaMeeting", {
      when: formatDateTime(locale, review.at),
    });
    paragraph(`${t(review.approved ? "minutes.approved" : "minutes.commented")} (${via})`);
    if (review.comment) paragraph(review.comment);
  }
  if (extra.lockedAt)
    paragraph(t("minutes.lockedAt", { when: formatDateTime(locale, extra.lockedAt) }));

  root.end();
  doc.end();
  return done;
}

const KIND_KEY = {
  network_meeting: "meetingKind.network_meeting",
  responsibility_group_meeting: "meetingKind.responsibility_group_meeting",
  follow_up_meeting: "meetingKind.follow_up_meeting",
  evaluation_meeting: "meetingKind.evaluation_meeting",
} as const;

const ROLE_KEY = {
  person: "attendance.rolePerson",
  member: "attendance.roleMember",
  leader: "attendance.roleLeader",
} as const;

/** The text of a rich-text tree, block by block: paragraphs and headings as P, lists as L. */
function richText(
  content: AgendaContent[],
  paragraph: (text: string) => void,
  list: (lines: string[]) => void,
) {
  for (const node of content) {
    if (typeof node === "string") paragraph(node);
    else if (node.tag === "ul" || node.tag === "ol") list(node.children.map(plain));
    else if (node.tag === "blockquote") richText(node.children, paragraph, list);
    else paragraph(plain(node));
  }
}

function plain(node: AgendaContent): string {
  if (typeof node === "string") return node;
  if (node.tag === "br") return "\n";
  return node.children.map(plain).join(node.tag === "li" ? " " : "");
}
