import { formatDate, formatDateTime, translator, type Locale } from "../../i18n";
import { openTaggedPdf, pdfDownload } from "../../utils/tagged-pdf.server";
import type { Ref } from "../documents/shapes";
import type { StatusNoteView } from "../tasks/status-note";
import { groupMeetingActions, statusText } from "./meeting-actions-view";
import type { PlanPageData } from "./plan-page.server";

/*
 * The plan as a PDF for the person and for filing, written as the minutes are: tagged
 * PDF/A-2a with embedded fonts (utils/tagged-pdf.server.ts). Only what the snapshot holds is written: a part the
 * reader may not see was never read, and is one line saying so.
 */

/**
 * The plan of `data` (with a snapshot) as PDF bytes in `locale`'s words. Resolves with the
 * whole file; rejects only on a pdfkit error.
 */
export function planPdf(data: PlanPageData, locale: Locale): Promise<Buffer> {
  const snapshot = data.snapshot;
  if (!snapshot) return Promise.reject(new Error("no plan to write"));
  const t = translator(locale);
  const title = t("plan.pdfTitle");
  const { heading, paragraph, list, finish } = openTaggedPdf({ title, subject: title, locale });
  const names = new Map(data.people.map((p) => [p.ref, p.name]));
  const nameOf = (ref: Ref | null) => (ref ? (names.get(ref) ?? "?") : t("plan.nobody"));
  const day = (value: string | null) => (value ? formatDate(locale, value) : t("plan.noDate"));
  // As StatusNoteText on the page: who set the status, when, and their comment.
  const noteText = (note: StatusNoteView | undefined) => {
    if (!note) return null;
    const who = note.by ? nameOf(note.by) : t("agenda.someone");
    const when = note.at ? formatDateTime(locale, new Date(note.at)) : "";
    const head = t(note.comment ? "tasks.noteWithComment" : "tasks.noteWithout", { who, when });
    return note.comment ? `${head} «${note.comment}»` : head;
  };

  const { overview, areas, crisis } = snapshot;
  heading(1, `${title}: ${data.personName}`);
  heading(2, t("plan.overview"));
  paragraph(
    `${t("plan.areasChosen")}: ${
      overview.areas.map((a) => t(`planPart.${a}`)).join(", ") || t("plan.noAreas")
    }`,
  );
  paragraph(`${t("plan.coordinator")}: ${nameOf(overview.coordinator)}`);
  paragraph(`${t("plan.period")}: ${day(overview.periodFrom)} – ${day(overview.periodTo)}`);
  paragraph(`${t("plan.revisionOn")}: ${day(data.revisionOn)}`);
  paragraph(`${t("plan.personConsentOn")}: ${day(overview.personConsentOn)}`);
  heading(3, t("plan.contributions"));
  if (overview.contributions.length === 0) paragraph(t("plan.noContributions"));
  list(overview.contributions.map((c) => `${nameOf(c.who)}: ${c.text}`));

  for (const { area, plan, statusNotes } of areas) {
    heading(2, t(`planPart.${area}`));
    if (!plan) {
      paragraph(t("plan.hiddenPart"));
      continue;
    }
    heading(3, t("plan.goals"));
    if (plan.goals.length === 0) paragraph(t("plan.noGoals"));
    for (const goal of plan.goals) {
      paragraph(`${t("plan.inMyWords")}: «${goal.inMyWords}»`);
      paragraph(
        [t(`plan.goalStatus.${goal.status}`), ...goal.chime.map((c) => t(`plan.chime.${c}`))].join(
          " · ",
        ),
      );
      if (goal.resources) paragraph(`${t("plan.resources")}: ${goal.resources}`);
      list(goal.subGoals.map((s) => (s.reached ? `${s.text} (${t("plan.reached")})` : s.text)));
    }
    heading(3, t("plan.actions"));
    if (plan.actions.length === 0) paragraph(t("plan.noActions"));
    list(
      plan.actions.map((a) =>
        [
          a.what,
          `${t("plan.responsible")}: ${nameOf(a.responsible)}`,
          a.due ? `${t("plan.due")}: ${day(a.due)}` : null,
          t(`plan.actionStatus.${a.status}`),
          noteText(statusNotes[a.id]),
        ]
          .filter(Boolean)
          .join(" – "),
      ),
    );
  }

  if (data.meetingActions.length > 0) {
    heading(2, t("plan.meetingActions"));
    paragraph(t("plan.meetingActionsIntro"));
    for (const group of groupMeetingActions(data.meetingActions, snapshot, t)) {
      heading(3, group.title);
      list(
        group.actions.map((a) =>
          [
            a.what,
            `${t("plan.responsible")}: ${nameOf(a.responsible)}`,
            a.due ? `${t("plan.due")}: ${day(a.due)}` : null,
            statusText(t, a.status),
            a.statusComment ? t("tasks.lastComment", { comment: a.statusComment }) : null,
            t("plan.fromMeeting", { when: formatDateTime(locale, a.meetingStartsAt) }),
          ]
            .filter(Boolean)
            .join(" – "),
        ),
      );
    }
  }

  heading(2, t("planPart.crisis_plan"));
  if (!crisis) paragraph(t("plan.hiddenPart"));
  else {
    for (const key of ["earlySigns", "whatHelps", "whatOthersDo"] as const) {
      heading(3, t(`plan.crisis.${key}`));
      paragraph(crisis[key] || t("plan.notWritten"));
    }
    heading(3, t("plan.contacts"));
    if (crisis.contacts.length === 0) paragraph(t("plan.noContacts"));
    list(crisis.contacts.map((c) => (c.how ? `${c.name}: ${c.how}` : c.name)));
    paragraph(
      `${t("plan.agreedOn")}: ${day(crisis.agreedOn)} · ${t("plan.revisedOn")}: ${day(crisis.revisedOn)}`,
    );
  }
  return finish();
}

/** The PDF as a download: never cached (health data), a neutral file name. */
export async function planPdfResponse(data: PlanPageData, locale: Locale): Promise<Response> {
  const pdf = await planPdf(data, locale);
  return pdfDownload(pdf, "plan.pdf");
}
