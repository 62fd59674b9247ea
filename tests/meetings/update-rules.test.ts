import { describe, expect, it } from "vitest";
import type { MailMeeting } from "../../app/features/meetings/mail.server";
import {
  CALENDAR_SHOWS,
  calendarChanges,
  mailPlan,
  raisesSequence,
  timeChanged,
  type CalendarField,
} from "../../app/features/meetings/updates.server";

/* The rules of ADR 011 on their own: what counts as a calendar change, SEQUENCE, which e-mail. */

const meeting: MailMeeting = {
  id: "m",
  icalUid: "m@broen",
  sequence: 3,
  startsAt: new Date("2027-04-14T08:00:00Z"),
  durationMinutes: 90,
  place: "Bibliotek",
  videoLink: null,
  title: "Møte – Broen",
  feedTitle: "Møte – Broen",
  cancelled: false,
  municipalityId: "k",
  organizer: { name: "Lars Bakkevik", email: "leder@fjordvik.test" },
  leaders: ["Lars Bakkevik"],
};

/** One change of each thing a calendar shows. */
const CHANGES: Record<CalendarField, Partial<MailMeeting>> = {
  title: { title: "Nettverksmøte med Mari (Mari Fjelltun, Nettverksmøte)" },
  feedTitle: { feedTitle: "Samtale – Broen" },
  startsAt: { startsAt: new Date("2027-04-21T08:00:00Z") },
  endsAt: { durationMinutes: 60 },
  place: { place: "Rådhuset" },
  videoLink: { videoLink: "https://video.example.test/1" },
  organizer: { organizer: { name: "Sofie Lundheim", email: "leder2@fjordvik.test" } },
  leaders: { leaders: ["Lars Bakkevik", "Sofie Lundheim"] },
};

describe("what calendars show", () => {
  it.each(CALENDAR_SHOWS)("a change of %s is a calendar change", (field) => {
    const changed = calendarChanges(meeting, { ...meeting, ...CHANGES[field] });
    expect(changed).toContain(field);
    expect(raisesSequence({ calendarChanged: changed, uninvited: [] }, 0)).toBe(true);
    expect(
      mailPlan({ current: ["a"], invited: [], uninvited: [], calendarChanged: changed }),
    ).toEqual(new Map([["a", "update"]]));
  });

  it("only the start and end count as a change of time", () => {
    expect(timeChanged(calendarChanges(meeting, { ...meeting, ...CHANGES.startsAt }))).toBe(true);
    expect(timeChanged(calendarChanges(meeting, { ...meeting, ...CHANGES.endsAt }))).toBe(true);
    for (const field of CALENDAR_SHOWS.filter((f) => f !== "startsAt" && f !== "endsAt")) {
      expect(timeChanged(calendarChanges(meeting, { ...meeting, ...CHANGES[field] }))).toBe(false);
    }
  });

  it("nothing a calendar shows changed: no SEQUENCE, no mail", () => {
    expect(calendarChanges(meeting, { ...meeting, sequence: 9 })).toEqual([]);
    expect(raisesSequence({ calendarChanged: [], uninvited: [] }, 0)).toBe(false);
    expect(mailPlan({ current: ["a"], invited: [], uninvited: [], calendarChanged: [] }).size).toBe(
      0,
    );
  });
});

describe("which e-mail each member gets", () => {
  it("invited in this save: an invitation whatever else changed; uninvited: an uninvitation", () => {
    const plan = mailPlan({
      current: ["stays", "new"],
      invited: ["new"],
      uninvited: ["gone"],
      calendarChanged: ["startsAt", "title"],
    });
    expect(Object.fromEntries(plan)).toEqual({
      stays: "update",
      new: "invitation",
      gone: "uninvitation",
    });
  });

  it("SEQUENCE rises for an uninvitation and for inviting again, not for a first invitation", () => {
    expect(raisesSequence({ calendarChanged: [], uninvited: ["x"] }, 0)).toBe(true);
    expect(raisesSequence({ calendarChanged: [], uninvited: [] }, 1)).toBe(true);
    expect(raisesSequence({ calendarChanged: [], uninvited: [] }, 0)).toBe(false);
  });
});
