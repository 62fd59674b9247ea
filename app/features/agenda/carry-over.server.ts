import crypto from "node:crypto";
import { and, asc, eq, gt, isNull, ne } from "drizzle-orm";
import { generateKeyBetween } from "fractional-indexing";
import * as Y from "yjs";
import { getDatabase } from "../../../db/client";
import { invitations, meetingLeaders, meetings } from "../../../db/schema";
import type { SessionUser } from "../accounts/session.server";
import { auditActor, recordAudit } from "../audit/audit.server";
import { changeDocumentNow } from "../documents/change.server";
import { documentStateNow } from "../documents/state.server";
import { once, type FormClaim } from "../forms/once.server";
import type { MeetingInput } from "../meetings/meeting-form.server";
import { managedMeeting } from "../meetings/meetings.server";
import { agendaClosedByMinutes } from "../minutes/agenda-lock.server";
import { osloToday } from "../../utils/oslo-time";
import { itemMap, LIMITS, PARTS, readAgenda, type Ref } from "./document";

/*
 * Carrying unfinished agenda items over to another meeting of the same network (issue 11,
 * "Running the meeting"; docs/documents.md). The source items are marked `carried` with the
 * target's id first, then copied into the target agenda under ids derived from the source
 * meeting and item, so pressing twice, two leaders at once, or a retry after a failure never
 * makes a second copy: a copy that exists is left as it is. Both documents are changed through
 * the running realtime server, so editors that have either agenda open see the change at once.
 */

/** Why a carry-over is refused (the route answers 409 with a message for each). */
export type CarryRefusal =
  | "sourceCancelled"
  | "targetCancelled"
  | "sameMeeting"
  | "otherNetwork"
  | "targetLocked"
  | "nothingToCarry";

export class CarryRefusedError extends Error {
  override name = "CarryRefusedError";
  constructor(readonly reason: CarryRefusal) {
    super(reason);
  }
}

/** Where an item was carried from: the source meeting's id and its Oslo date (YYYY-MM-DD). */
export interface CarriedFrom {
  meetingId: string;
  date: string;
}

/**
 * The id of the copy of item `itemId` of meeting `sourceMeetingId` in any target agenda:
 * 22 URL-safe characters of a SHA-256, so the same item carried again gets the same id.
 */
export function carriedItemId(sourceMeetingId: string, itemId: string): string {
  return crypto
    .createHash("sha256")
    .update(`carry:${sourceMeetingId}:${itemId}`)
    .digest("base64url")
    .slice(0, 22);
}

/**
 * The next meeting of the same series after `meeting` that is not cancelled, or null (no
 * series, or it was the last). One query.
 */
export async function nextInSeries(meeting: {
  id: string;
  seriesId: string | null;
  startsAt: Date;
}): Promise<{ id: string; startsAt: Date } | null> {
  if (!meeting.seriesId) return null;
  const [next] = await getDatabase()
    .db.select({ id: meetings.id, startsAt: meetings.startsAt })
    .from(meetings)
    .where(
      and(
        eq(meetings.seriesId, meeting.seriesId),
        gt(meetings.startsAt, meeting.startsAt),
        ne(meetings.status, "cancelled"),
      ),
    )
    .orderBy(asc(meetings.startsAt))
    .limit(1);
  return next ?? null;
}

/** Items that may be carried: planned or current (not done, not carried already). */
export async function unfinishedItems(meetingId: string): Promise<{ id: string; title: string }[]> {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, await documentStateNow(`agenda:${meetingId}`));
    return readAgenda(doc)
      .agenda.items.filter((item) => item.status === "planned" || item.status === "current")
      .map(({ id, title }) => ({ id, title }));
  } finally {
    doc.destroy();
  }
}

/**
 * A new meeting to carry items to, as the meeting form takes it (without its time): the source
 * meeting's kind, length, place, titles, leaders and current invitees. Two queries.
 */
export async function followUpMeetingInput(
  meeting: typeof meetings.$inferSelect,
): Promise<Omit<MeetingInput, "startsAt">> {
  const { db } = getDatabase();
  const leaders = await db
    .select({ id: meetingLeaders.userId })
    .from(meetingLeaders)
    .where(eq(meetingLeaders.meetingId, meeting.id));
  const invited = await db
    .select({ id: invitations.memberId })
    .from(invitations)
    .where(and(eq(invitations.meetingId, meeting.id), isNull(invitations.revokedAt)));
  return {
    kind: meeting.kind,
    durationMinutes: meeting.durationMinutes,
    place: meeting.place,
    videoLink: meeting.videoLink,
    internalTitle: meeting.internalTitle,
    calendarTitle: meeting.calendarTitle,
    detailsInInvites: meeting.detailsInInvites,
    memberIds: invited.map((i) => i.id),
    leaderIds: leaders.map((l) => l.id),
  };
}

/** What is copied of one item (taken from the source in the same change that marks it). */
interface Copy {
  sourceId: string;
  title: string;
  broughtBy: unknown;
  plannedMinutes: unknown;
  notes: (Y.XmlElement | Y.XmlText)[];
  actions: [string, Y.Map<unknown>][];
}

/**
 * Carries the chosen items of meeting `sourceId` to meeting `targetId` and returns how many
 * copies were added now (0 when every copy existed already). `note` gives the text put at the top
 * of each copy's notes from the source's Oslo date (e.g. "Carried from 12 Jan 2027"). Only for those who manage both
 * meetings (else the 404 answer); throws CarryRefusedError when the source is cancelled, the
 * target is cancelled, the same meeting, in another network or its minutes are locked, or when
 * none of the chosen items can be carried (done, or carried to another meeting). With `claim`
 * (the form's one-time token) the audit entries are written once per submission; both meetings
 * are audited ("agenda.carry").
 */
export async function carryItems(
  user: SessionUser,
  context: { clientIp: string },
  sourceId: string,
  targetId: string,
  itemIds: readonly string[],
  note: (sourceDate: string) => string,
  claim?: FormClaim,
): Promise<{ targetId: string; added: number; carried: number }> {
  const source = await managedMeeting(user, sourceId);
  if (source.found.meeting.status === "cancelled") throw new CarryRefusedError("sourceCancelled");
  if (targetId === sourceId) throw new CarryRefusedError("sameMeeting");
  const target = await managedMeeting(user, targetId);
  if (target.networkId !== source.networkId) throw new CarryRefusedError("otherNetwork");
  if (target.found.meeting.status === "cancelled") throw new CarryRefusedError("targetCancelled");
  if ((await agendaClosedByMinutes(targetId)) === "all") {
    throw new CarryRefusedError("targetLocked");
  }
  const by: Ref = `user:${user.id}`;
  const copies = await changeDocumentNow(`agenda:${sourceId}`, (doc) =>
    markCarried(doc, [...new Set(itemIds)], targetId),
  );
  if (copies.length === 0) throw new CarryRefusedError("nothingToCarry");
  const from: CarriedFrom = { meetingId: sourceId, date: osloToday(source.found.meeting.startsAt) };
  const added = await changeDocumentNow(`agenda:${targetId}`, (doc) =>
    addCopies(doc, copies, sourceId, from, note(from.date), by),
  );
  const result = { targetId, added, carried: copies.length };
  const { db } = getDatabase();
  return db.transaction((tx) =>
    once(tx, claim, async () => {
      for (const [meetingId, details] of [
        [sourceId, { to: targetId, items: copies.length }],
        [targetId, { from: sourceId, items: copies.length, added }],
      ] as const) {
        await recordAudit(
          auditActor(user, context),
          {
            action: "agenda.carry",
            subjectType: "meeting",
            subjectId: meetingId,
            personId: source.personId,
            details,
          },
          tx,
        );
      }
      return result;
    }),
  );
}

/**
 * Marks the chosen items `carried` to `targetId` and returns what to copy of each. An item
 * already carried to this target is copied again (a retry: the copy's id makes it harmless);
 * one that is done, carried elsewhere or gone is left out.
 */
function markCarried(doc: Y.Doc, itemIds: string[], targetId: string): Copy[] {
  const copies: Copy[] = [];
  for (const id of itemIds) {
    const map = itemMap(doc, id);
    if (!map) continue;
    const status = map.get("status");
    const carriedHere = status === "carried" && map.get("carriedTo") === targetId;
    if (!carriedHere && status !== undefined && status !== "planned" && status !== "current") {
      continue;
    }
    const title = map.get("title");
    const notes = map.get("notes");
    const actions = map.get("actions");
    copies.push({
      sourceId: id,
      title: (title instanceof Y.Text ? title.toString() : String(title ?? "")).slice(
        0,
        LIMITS.title,
      ),
      broughtBy: map.get("broughtBy") ?? null,
      plannedMinutes: map.get("plannedMinutes") ?? null,
      // Clones are new, unattached types: they can be put into another document.
      notes:
        notes instanceof Y.XmlFragment
          ? notes
              .toArray()
              .filter((n): n is Y.XmlElement | Y.XmlText => n instanceof Y.AbstractType)
              .map((n) => n.clone())
          : [],
      actions:
        actions instanceof Y.Map
          ? [...(actions as Y.Map<unknown>).entries()]
              .filter(
                (entry): entry is [string, Y.Map<unknown>] =>
                  entry[1] instanceof Y.Map && entry[1].get("status") !== "done",
              )
              .map(([actionId, action]) => [actionId, action.clone()])
          : [],
    });
    // A retry writes nothing to the source again (every write is a new update in the log).
    if (!carriedHere) {
      map.set("status", "carried");
      map.set("carriedTo", targetId);
    }
    const meta = doc.getMap(PARTS.meta);
    if (meta.get("currentItemId") === id) meta.set("currentItemId", null);
  }
  return copies;
}

/** Adds the copies that are not in the target yet, after its last item; returns how many. */
function addCopies(
  doc: Y.Doc,
  copies: Copy[],
  sourceMeetingId: string,
  from: CarriedFrom,
  note: string,
  by: Ref,
): number {
  const items = doc.getMap(PARTS.items);
  let last: string | null = null;
  for (const value of items.values()) {
    const order = value instanceof Y.Map ? value.get("order") : undefined;
    if (typeof order === "string" && (last === null || order > last)) last = order;
  }
  let added = 0;
  for (const copy of copies) {
    const id = carriedItemId(sourceMeetingId, copy.sourceId);
    if (items.has(id)) continue;
    if (items.size >= LIMITS.items) break; // the agenda is full; the rest stay carried-only
    const map = new Y.Map<unknown>();
    const title = new Y.Text();
    title.insert(0, copy.title);
    const order = safeKeyAfter(last);
    last = order;
    map.set("order", order);
    map.set("title", title);
    map.set("broughtBy", copy.broughtBy);
    map.set("createdBy", by);
    map.set("plannedMinutes", copy.plannedMinutes);
    map.set("status", "planned");
    map.set("carriedFrom", { ...from });
    const notes = new Y.XmlFragment();
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [new Y.XmlText(note)]);
    notes.insert(0, [paragraph, ...copy.notes]);
    map.set("notes", notes);
    map.set("decisions", new Y.Map());
    const actions = new Y.Map<unknown>();
    for (const [actionId, action] of copy.actions) {
      actions.set(carriedItemId(id, actionId), action);
    }
    map.set("actions", actions);
    map.set("voices", new Y.Map());
    items.set(id, map);
    added++;
  }
  return added;
}

/** An order key after `last`; keys this library did not write get a suffix instead. */
function safeKeyAfter(last: string | null): string {
  try {
    return generateKeyBetween(last, null);
  } catch {
    return `${last ?? ""}V${crypto.randomBytes(3).toString("hex")}`;
  }
}
