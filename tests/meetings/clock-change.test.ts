import ICAL from "ical.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { meetings } from "../../db/schema";
import { osloInstants } from "../../app/utils/oslo-time";
import { itipViolations, type ItipCheckOptions } from "../support/itip";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { startTestSmtpServer, type TestSmtpServer } from "../support/smtp";
import { until } from "../support/until";

/*
 * Issue 10, items 4, 5 and 16 end to end: a leader plans meetings in autumn's repeated hour and
 * across both clock changes through the real form; the server stores them, sends the e-mails
 * over SMTP, serves the invitation's calendar file and the subscription feed. Every one of them
 * must name the same instants (read by ical.js and from the raw bytes), every calendar must follow
 * the rules of its METHOD, and every Content-Type must carry that same METHOD.
 */

let smtp: TestSmtpServer;
let server: TestServer;
let leader = "";
let leaderId = "";
let networkId = "";
let memberId = "";
const MEMBER = "eli@example.test";

/** 01:00 UTC on the last Sunday of a month: when Europe/Oslo changes its clocks. */
function changeDay(year: number, month: 3 | 10): Date {
  const last = new Date(Date.UTC(year, month, 0, 1));
  return new Date(last.getTime() - last.getUTCDay() * 86_400_000);
}
/** The next change of that kind at least a week ahead (links must not have expired). */
function nextChange(month: 3 | 10): string {
  const year = new Date().getUTCFullYear();
  const soon = Date.now() + 7 * 86_400_000;
  const day = [year, year + 1].map((y) => changeDay(y, month)).find((d) => d.getTime() > soon)!;
  return day.toISOString().slice(0, 10);
}
const AUTUMN = nextChange(10);
const SPRING = nextChange(3);

const location = (r: Response) => r.headers.get("location") ?? "";

function meetingForm(fields: Record<string, string>, members = [memberId]): [string, string][] {
  return [
    ...Object.entries({
      intent: "create",
      kind: "network_meeting",
      durationMinutes: "45",
      place: "Rådhuset, møterom 3",
      videoLink: "",
      internalTitle: "Nettverksmøte",
      calendarTitle: "Møte – Broen",
      ...fields,
    }),
    ...members.map((id): [string, string] => ["memberId", id]),
    ["leaderId", leaderId],
  ];
}

async function plan(fields: Record<string, string>): Promise<Response> {
  return server.post(`/meetings/new?networkId=${networkId}`, meetingForm(fields), leader);
}

async function stored(id: string) {
  const [row] = await server.database.db.select().from(meetings).where(eq(meetings.id, id));
  return row!;
}

/** The next e-mail to the member that was not looked at yet. */
let seen = 0;
async function nextMail() {
  const mail = await until(
    () => smtp.received.filter((m) => m.rcptTo.includes(MEMBER))[seen],
    "the next e-mail to the member",
  );
  seen += 1;
  const raw = mail.raw.replace(/\r\n/g, "\n");
  const contentType = /\nContent-Type: (text\/calendar[^\n]*)/.exec(raw)?.[1] ?? null;
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  return {
    text: mail.parsed.text ?? "",
    contentType,
    ics: part?.content.toString("utf8") ?? "",
    token: /\/i\/([A-Za-z0-9_-]{20,})/.exec(mail.parsed.text ?? "")?.[1] ?? "",
  };
}

/** One event's start and end as ical.js reads them, and its raw DTSTART/DTEND lines. */
function eventTimes(ics: string, uid: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar
    .getAllSubcomponents("vevent")
    .find((v) => v.getFirstPropertyValue("uid") === uid)!;
  const event = new ICAL.Event(vevent);
  const block = ics
    .replace(/\r\n /g, "")
    .split("BEGIN:VEVENT")
    .find((b) => b.includes(`\r\nUID:${uid}\r\n`))!;
  const line = (name: string) => block.split("\r\n").find((l) => l.startsWith(name))!;
  return {
    start: new Date(event.startDate.toUnixTime() * 1000).toISOString(),
    end: new Date(event.endDate.toUnixTime() * 1000).toISOString(),
    raw: [line("DTSTART"), line("DTEND")],
  };
}

const iso = (instant: Date) => instant.toISOString();
const utcLine = (instant: Date) =>
  iso(instant)
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
const plus = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * 60_000);

/** Checks a calendar against the rules of its METHOD and its Content-Type (items 4 and 16). */
function expectValid(ics: string, contentType: string | null, options: ItipCheckOptions = {}) {
  expect(contentType).not.toBeNull();
  expect(itipViolations(ics, { ...options, contentType: contentType! })).toEqual([]);
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  server = await startTestServer({
    SMTP_URL: smtp.url,
    MAIL_POLL_MS: "50",
    MAIL_FROM: "Broen <ikke-svar@fjordvik.test>",
  });
  leader = await server.cookieFor(DEMO.leader);
  leaderId = await server.userId(DEMO.leader);
  const person = await server.post("/persons/new", { name: "Signe Klokkerud" }, leader);
  const network = await server.post(
    location(person),
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", leaderId],
    ],
    leader,
  );
  networkId = location(network).split("/").pop()!;
  await server.post(
    `/networks/${networkId}`,
    {
      intent: "add-member",
      name: "Eli Klokkerud",
      relation: "relative",
      circle: "family_friends",
      email: MEMBER,
      wantsInvited: "yes",
    },
    leader,
  );
  const page = await (await server.fetch(`/networks/${networkId}`, { cookie: leader })).text();
  memberId = /id="member-([0-9a-f-]{36})"/.exec(page)![1]!;
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

describe("the form around the clock changes", () => {
  it("asks which 02:30 in autumn, and refuses 02:30 in spring, in the leader's words", async () => {
    const twice = await plan({ date: AUTUMN, time: "02:30" });
    expect(twice.status).toBe(400);
    const html = await twice.text();
    expect(html).toContain("Dette klokkeslettet finnes to ganger den natten");
    // Two radio buttons, neither chosen yet.
    expect(html).toMatch(
      /<input name="utcOffset" [^>]*type="radio" [^>]*class="ds-input" value="\+02:00"\/>/,
    );
    expect(html).toMatch(
      /<input name="utcOffset" [^>]*type="radio" [^>]*class="ds-input" value="\+01:00"\/>/,
    );
    expect(html).toContain("Første gang: 02:30 sommertid (UTC+02:00)");
    expect(html).toContain("Andre gang: 02:30 vintertid (UTC+01:00), en time senere");

    const skipped = await plan({ date: SPRING, time: "02:30" });
    expect(skipped.status).toBe(400);
    expect(await skipped.text()).toContain(
      "Dette klokkeslettet finnes ikke den dagen: klokka stilles fram fra 02:00 til 03:00",
    );
    expect(smtp.received).toHaveLength(0);
  });
});

describe("one instant in the database, the e-mail, the download and the feed", () => {
  // Filled in by the tests below, checked together against the feed at the end.
  const planned: { id: string; start: Date; minutes: number; twice: boolean }[] = [];
  let secondToken = "";

  it("the second 02:30 in autumn (winter time) for 45 minutes", async () => {
    const response = await plan({ date: AUTUMN, time: "02:30", utcOffset: "+01:00" });
    expect(response.status).toBe(302);
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
    const start = osloInstants(AUTUMN, "02:30")[1]!.instant;
    const meeting = await stored(id);
    expect(iso(meeting.startsAt)).toBe(iso(start));
    planned.push({ id, start, minutes: 45, twice: true });

    const mail = await nextMail();
    expect(mail.text).toMatch(/kl\. 02:30 \(vintertid, UTC\+01:00\)–03:15\n/);
    expect(mail.text).toMatch(/, 02:30 \(winter time, UTC\+01:00\)–03:15 \(Oslo time\)\n/);
    expect(mail.contentType).toBe("text/calendar; charset=utf-8; method=REQUEST");
    expectValid(mail.ics, mail.contentType);
    const times = eventTimes(mail.ics, meeting.icalUid);
    expect([times.start, times.end]).toEqual([iso(start), iso(plus(start, 45))]);
    expect(times.raw).toEqual([`DTSTART:${utcLine(start)}`, `DTEND:${utcLine(plus(start, 45))}`]);

    // The one-off download says the same, with the same METHOD in body and type.
    const download = await server.fetch(`/i/${mail.token}/calendar.ics`);
    const ics = await download.text();
    expect(download.headers.get("content-type")).toBe(
      "text/calendar; charset=utf-8; method=REQUEST",
    );
    expectValid(ics, download.headers.get("content-type"));
    expect(eventTimes(ics, meeting.icalUid).raw).toEqual(times.raw);
    // Pages name the zone of a time that happens twice.
    expect(await (await server.fetch(`/i/${mail.token}`)).text()).toContain("02:30 CET");
    const leaderPage = await (await server.fetch(`/meetings/${id}`, { cookie: leader })).text();
    expect(leaderPage).toContain("02:30 CET");
    // … and the edit form keeps the choice, so saving it again keeps the instant.
    const editPage = await (await server.fetch(`/meetings/${id}/edit`, { cookie: leader })).text();
    expect(editPage).toMatch(/name="utcOffset" [^>]*checked="" value="\+01:00"/);
    secondToken = mail.token;
  });

  it("01:30 summer time for 90 minutes, ending at the second 02:00", async () => {
    const response = await plan({ date: AUTUMN, time: "01:30", durationMinutes: "90" });
    expect(response.status).toBe(302);
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
    const start = osloInstants(AUTUMN, "01:30")[0]!.instant;
    const meeting = await stored(id);
    expect(iso(meeting.startsAt)).toBe(iso(start));
    planned.push({ id, start, minutes: 90, twice: true });

    const mail = await nextMail();
    expect(mail.text).toContain(
      "kl. 01:30–02:00 (vintertid, UTC+01:00) (90 minutter: klokka stilles tilbake i løpet av møtet)\n",
    );
    expect(mail.text).toContain(
      "01:30–02:00 (winter time, UTC+01:00) (Oslo time; 90 minutes: the clocks go back during the meeting)",
    );
    expectValid(mail.ics, mail.contentType);
    const times = eventTimes(mail.ics, meeting.icalUid);
    expect([times.start, times.end]).toEqual([iso(start), iso(plus(start, 90))]);
    expect(times.raw).toEqual([`DTSTART:${utcLine(start)}`, `DTEND:${utcLine(plus(start, 90))}`]);
  });

  it("01:30 winter time for 60 minutes across spring's skipped hour", async () => {
    const response = await plan({ date: SPRING, time: "01:30", durationMinutes: "60" });
    expect(response.status).toBe(302);
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
    const start = osloInstants(SPRING, "01:30")[0]!.instant;
    const meeting = await stored(id);
    expect(iso(meeting.startsAt)).toBe(iso(start));
    planned.push({ id, start, minutes: 60, twice: false });

    const mail = await nextMail();
    expect(mail.text).toContain(
      "kl. 01:30–03:30 (60 minutter: klokka stilles fram i løpet av møtet)\n",
    );
    expectValid(mail.ics, mail.contentType);
    const times = eventTimes(mail.ics, meeting.icalUid);
    expect([times.start, times.end]).toEqual([iso(start), iso(plus(start, 60))]);
    const day = SPRING.replace(/-/g, "");
    expect(times.raw).toEqual([
      `DTSTART;TZID=Europe/Oslo:${day}T013000`,
      `DTEND;TZID=Europe/Oslo:${day}T033000`,
    ]);
  });

  it("moved from the first 02:15 to the second: an update, then an uninvitation", async () => {
    const response = await plan({
      date: AUTUMN,
      time: "02:15",
      utcOffset: "+02:00",
      durationMinutes: "30",
    });
    expect(response.status).toBe(302);
    const id = /\/meetings\/([0-9a-f-]{36})/.exec(location(response))![1]!;
    const [first, second] = osloInstants(AUTUMN, "02:15").map((i) => i.instant);
    expect(iso((await stored(id)).startsAt)).toBe(iso(first!));
    const invitation = await nextMail();
    expect(invitation.text).toMatch(/kl\. 02:15 \(sommertid, UTC\+02:00\)–02:45 \(sommertid/);
    expectValid(invitation.ics, invitation.contentType);
    const page = await (await server.fetch(`/meetings/${id}/edit`, { cookie: leader })).text();
    expect(page).toMatch(/name="utcOffset" [^>]*checked="" value="\+02:00"/);

    const before = await stored(id);
    const moved = await server.post(
      `/meetings/${id}/edit`,
      meetingForm({
        intent: "update",
        date: AUTUMN,
        time: "02:15",
        utcOffset: "+01:00",
        durationMinutes: "30",
        version: String(before.version),
      }),
      leader,
    );
    expect(moved.status).toBe(302);
    const after = await stored(id);
    expect(iso(after.startsAt)).toBe(iso(second!));
    expect(after.sequence).toBeGreaterThan(before.sequence);
    const update = await nextMail();
    expect(update.text).toMatch(/kl\. 02:15 \(vintertid, UTC\+01:00\)–02:45 \(vintertid/);
    expect(update.contentType).toBe("text/calendar; charset=utf-8; method=REQUEST");
    expectValid(update.ics, update.contentType);
    const times = eventTimes(update.ics, after.icalUid);
    expect([times.start, times.end]).toEqual([iso(second!), iso(plus(second!, 30))]);
    expect(times.raw[0]).toBe(`DTSTART:${utcLine(second!)}`);
    planned.push({ id, start: second!, minutes: 30, twice: true });

    // Removing the member from the meeting: CANCEL without STATUS, same instant.
    const uninvited = await server.post(
      `/meetings/${id}/edit`,
      [
        ...meetingForm(
          {
            intent: "update",
            date: AUTUMN,
            time: "02:15",
            utcOffset: "+01:00",
            durationMinutes: "30",
            version: String(after.version),
          },
          [],
        ),
      ],
      leader,
    );
    expect(uninvited.status).toBe(302);
    const cancel = await nextMail();
    expect(cancel.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expectValid(cancel.ics, cancel.contentType, { cancels: "attendees" });
    expect(eventTimes(cancel.ics, after.icalUid).raw[0]).toBe(`DTSTART:${utcLine(second!)}`);
  });

  it("cancelled: the e-mail and the download both say CANCEL, in body and type (item 4)", async () => {
    const { id, start } = planned[0]!;
    expect((await server.post(`/meetings/${id}/edit`, { intent: "cancel" }, leader)).status).toBe(
      302,
    );
    const mail = await nextMail();
    expect(mail.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expect(mail.text).toMatch(/kl\. 02:30 \(vintertid, UTC\+01:00\)–03:15\n/);
    expectValid(mail.ics, mail.contentType, { cancels: "meeting" });

    const download = await server.fetch(`/i/${secondToken}/calendar.ics`);
    expect(download.status).toBe(200);
    const ics = await download.text();
    expect(ics).toContain("\r\nMETHOD:CANCEL\r\n");
    expect(download.headers.get("content-type")).toBe(
      "text/calendar; charset=utf-8; method=CANCEL",
    );
    expectValid(ics, download.headers.get("content-type"), { cancels: "meeting" });
    const meeting = await stored(id);
    expect(eventTimes(ics, meeting.icalUid).raw[0]).toBe(`DTSTART:${utcLine(start)}`);
  });

  it("the feed: no METHOD and no method parameter, no ORGANIZER, the same instants", async () => {
    const created = await server.post("/account", { intent: "create-feed" }, leader);
    const link = /(http:\/\/[^<\s"]+\/calendar\/[A-Za-z0-9_-]+\.ics)/.exec(
      await created.text(),
    )![1]!;
    const response = await server.fetch(new URL(link).pathname);
    expect(response.status).toBe(200);
    const ics = await response.text();
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expectValid(ics, response.headers.get("content-type"));
    expect(ics).not.toMatch(/\r\n(METHOD|ORGANIZER|ATTENDEE)[;:]/);
    expect(planned).toHaveLength(4);
    for (const { id, start, minutes, twice } of planned) {
      const meeting = await stored(id);
      const times = eventTimes(ics, meeting.icalUid);
      expect([times.start, times.end], id).toEqual([iso(start), iso(plus(start, minutes))]);
      expect(times.raw[0]!.startsWith("DTSTART:"), id).toBe(twice);
    }
  });
});
