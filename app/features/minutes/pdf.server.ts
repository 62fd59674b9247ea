import { formatDateTime, translator, type Locale } from "../../i18n";
import { openTaggedPdf } from "../../utils/tagged-pdf.server";
import type { AgendaContent } from "../documents/agenda";
import type { RenderedMinutes, ReviewLine } from "./types";

/*
 * Minutes as a PDF for filing in the record system (EPJ), tagged PDF/A-2a with embedded fonts
 * as every Broen PDF (utils/tagged-pdf.server.ts).
 */

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
  const title = `${t("minutes.pdfTitle")}: ${minutes.meeting.title} (${t("minutes.version", { version: extra.version })})`;
  const { heading, paragraph, list, finish } = openTaggedPdf({
    title,
    subject: t("minutes.pdfTitle"),
    locale,
  });

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

  return finish();
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
