import * as Y from "yjs";
import type { MeetingKind } from "../../../db/enums";
import type { SessionUser } from "../accounts/session.server";
import {
  invitationMaySee,
  invitationMayWrite,
  type CurrentInvitation,
} from "../access/invitations.server";
import type { AgendaContent } from "../documents/agenda";
import { fragmentContent } from "../documents/agenda.server";
import { documentPermission, parseDocumentName } from "../documents/registry.server";
import { documentStateNow } from "../documents/state.server";
import { invitedMembers, leaderNames } from "../minutes/attendance.server";
import { chunkUrls } from "../../utils/module-preload.server";
import { itemNotes, PARTS, PERSON_REF, readAgenda, type Agenda, type Ref } from "./document";
import type { AgendaPerson } from "./live-agenda";
import type { AgendaRole } from "./policy";

/*
 * What a page needs to show a meeting's agenda: the asker's role in it (policy.ts), who they
 * are in the document, the names of the people it may mention, and the agenda as it is now,
 * read on the server, so the page shows it before (and without) JavaScript. Who may see it is
 * asked of the one rule for live documents (documents/registry.server.ts) and, for link
 * holders, of access/invitations.server.ts.
 */

/** The agenda as it is now, for pages and the read-only view. */
export interface AgendaSnapshot {
  agenda: Agenda;
  notes: AgendaContent[];
  itemNotes: Record<string, AgendaContent[]>;
  /**
   * The same state as one Yjs update (base64), for the live agenda to start from: it shows the
   * agenda while its connection opens instead of after (issue 11: editable within a second).
   * The content is what the socket would send this reader anyway.
   */
  state: string;
}

export interface AgendaPageData {
  meetingId: string;
  mode: "network" | "responsibility";
  /** "none": the page says that there is an agenda the asker cannot read, and why. */
  role: AgendaRole | "none";
  reason: "noConsent" | "cancelled" | null;
  self: AgendaPerson;
  ownerKey: string;
  people: AgendaPerson[];
  ticketUrl?: string;
  snapshot: AgendaSnapshot | null;
  /** The live editor's chunks, for the page to preload (module-preload.server.ts); [] for "none". */
  preload: readonly string[];
}

/** Where the live agenda's chunk is built from (agenda-panel.tsx imports it on demand). */
const LIVE_AGENDA_MODULE = "app/features/agenda/live-agenda.tsx";

/** Network meetings keep each voice; the other kinds work with decisions and actions. */
export const agendaMode = (kind: MeetingKind): AgendaPageData["mode"] =>
  kind === "network_meeting" ? "network" : "responsibility";

/** Reads the agenda of a meeting now; malformed parts are left out (readAgenda). */
export async function agendaSnapshot(meetingId: string): Promise<AgendaSnapshot> {
  const doc = new Y.Doc();
  try {
    const state = await documentStateNow(`agenda:${meetingId}`);
    Y.applyUpdate(doc, state);
    const { agenda } = readAgenda(doc);
    const notes: Record<string, AgendaContent[]> = {};
    for (const item of agenda.items) {
      const fragment = itemNotes(doc, item.id);
      notes[item.id] = fragment ? fragmentContent(fragment) : [];
    }
    return {
      agenda,
      notes: fragmentContent(doc.getXmlFragment(PARTS.notes)),
      itemNotes: notes,
      state: Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString("base64"),
    };
  } finally {
    doc.destroy();
  }
}

/**
 * The people an agenda may name: the person (labelled `personLabel`), the current invitees and
 * the leaders. Only names, never contact details.
 */
export async function agendaPeople(meetingId: string, personLabel: string) {
  const invited = await invitedMembers(meetingId, { stillMembers: true });
  const leaders = await leaderNames(meetingId);
  return peopleFrom(
    { invited: invited.map((member) => ({ ...member, isPerson: false })), leaders },
    personLabel,
  );
}

/** The agenda part of a logged-in user's meeting page. Throws only on database errors. */
export async function agendaForUser(
  user: SessionUser,
  meeting: { id: string; kind: MeetingKind; status: string },
  options: {
    ownInvitationMemberId: string | null;
    personLabel: string;
    /** The invitees and leaders when the page has them already (a leader's page). */
    known?: KnownPeople;
  },
): Promise<AgendaPageData> {
  const name = parseDocumentName(`agenda:${meeting.id}`)!;
  const grant = await documentPermission({ kind: "user", user }, name);
  const role: AgendaPageData["role"] =
    grant.permission === "edit" ? "lead" : grant.permission === "none" ? "none" : grant.permission;
  const self: AgendaPerson = options.ownInvitationMemberId
    ? { ref: `member:${options.ownInvitationMemberId}`, name: user.name }
    : { ref: `user:${user.id}`, name: user.name };
  const base = {
    meetingId: meeting.id,
    mode: agendaMode(meeting.kind),
    self,
    ownerKey: `user:${user.id}`,
  };
  if (role === "none") {
    return {
      ...base,
      role,
      reason: meeting.status === "cancelled" ? "cancelled" : "noConsent",
      people: [],
      snapshot: null,
      preload: [],
    };
  }
  return {
    ...base,
    role,
    reason: null,
    people: options.known
      ? peopleFrom(options.known, options.personLabel)
      : await agendaPeople(meeting.id, options.personLabel),
    snapshot: await agendaSnapshot(meeting.id),
    preload: chunkUrls(LIVE_AGENDA_MODULE),
  };
}

/** Current invitees and leaders as a page loaded them (meetings.server.ts viewMeeting). */
export interface KnownPeople {
  invited: { memberId: string; name: string; isPerson: boolean }[];
  leaders: { id: string; name: string }[];
}

function peopleFrom(known: KnownPeople, personLabel: string): AgendaPerson[] {
  return [
    { ref: PERSON_REF, name: personLabel },
    ...known.invited
      .filter((i) => !i.isPerson)
      .map((i) => ({ ref: `member:${i.memberId}`, name: i.name })),
    ...known.leaders.map((l) => ({ ref: `user:${l.id}`, name: l.name })),
  ];
}

/** The agenda part of an invitation page (a link holder). Throws only on database errors. */
export async function agendaForInvitation(
  found: CurrentInvitation,
  options: { token: string; personLabel: string },
): Promise<AgendaPageData> {
  const { meeting, member, invitation } = found;
  const base = {
    meetingId: meeting.id,
    mode: agendaMode(meeting.kind),
    // The person, on their own link, is themselves in the document (ADR 013).
    self: { ref: member.isPerson ? PERSON_REF : (`member:${member.id}` as Ref), name: member.name },
    ownerKey: `invitation:${invitation.id}`,
    ticketUrl: `/i/${options.token}/ticket`,
  };
  const cancelled = found.cancelled;
  if (!invitationMaySee(found, "agenda")) {
    return {
      ...base,
      role: "none",
      reason: cancelled ? "cancelled" : "noConsent",
      people: [],
      snapshot: null,
      preload: [],
    };
  }
  return {
    ...base,
    // The person edits their own agenda without consent; invitees with consent contribute.
    role: invitationMayWrite(found, "agenda") ? "lead" : "contribute",
    reason: null,
    people: await agendaPeople(meeting.id, options.personLabel),
    snapshot: await agendaSnapshot(meeting.id),
    preload: chunkUrls(LIVE_AGENDA_MODULE),
  };
}
