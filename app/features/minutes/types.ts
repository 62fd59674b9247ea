import type { ActionStatus, ItemStatus } from "../agenda/document";
import type { AgendaContent } from "../documents/agenda";
import type { MeetingKind } from "../../../db/enums";

/*
 * The rendered minutes of one version, as stored with it (minutes_versions.rendered) and as the
 * page and the PDF read them. Names are resolved when the version is made, so a later change of
 * a member's name does not change minutes already written. Shared by server and browser.
 */

export type AttendanceRole = "person" | "member" | "leader";

export interface AttendanceLine {
  /** The agenda's Ref of the participant (`person`, `member:<uuid>`, `user:<uuid>`). */
  ref: string;
  name: string;
  role: AttendanceRole;
  /** true: came; false: did not come; null: nobody marked it. */
  present: boolean | null;
}

export interface RenderedItem {
  id: string;
  title: string;
  broughtBy: string | null;
  plannedMinutes: number | null;
  status: ItemStatus;
  notes: AgendaContent[];
  decisions: { id: string; text: string; by: string | null }[];
  actions: {
    id: string;
    what: string;
    responsible: string | null;
    /** YYYY-MM-DD (Oslo) or null. */
    due: string | null;
    status: ActionStatus;
  }[];
  voices: { id: string; who: string; text: string }[];
}

export interface RenderedMinutes {
  meeting: {
    title: string;
    kind: MeetingKind;
    /** ISO 8601 instant. */
    startsAt: string;
    durationMinutes: number;
    place: string | null;
    videoLink: string | null;
    leaders: string[];
  };
  attendance: AttendanceLine[];
  items: RenderedItem[];
  /** The meeting's general notes (the agenda's `default` fragment). */
  notes: AgendaContent[];
  closedBy: string;
  /** ISO 8601 instant. */
  closedAt: string;
  /** How many malformed parts of the document were left out (readAgenda's problems). */
  leftOut: number;
}

/** One review of a version as readers see it. */
export interface ReviewLine {
  approved: boolean;
  comment: string | null;
  givenVia: "meeting" | "link";
  /** ISO 8601 instant. */
  at: string;
}
