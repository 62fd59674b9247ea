import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { startTestSmtpServer, type TestSmtpServer } from "../support/smtp";

/*
 * End to end: a leader plans a meeting in the running server, whose mail sender delivers the
 * invitation over a real SMTP conversation; the received MIME message is checked.
 */
let smtp: TestSmtpServer;
let server: TestServer;
const PERSON = "Ingrid Vestbøen";

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  server = await startTestServer({
    SMTP_URL: smtp.url,
    MAIL_POLL_MS: "50",
    MAIL_FROM: "Broen <ikke-svar@fjordvik.test>",
  });
});
afterAll(async () => {
  await server.close();
  await smtp.close();
});

describe("invitation e-mail over SMTP", () => {
  it("arrives with the calendar part, a neutral subject and body, and no person or meeting kind", async () => {
    const leader = await server.cookieFor(DEMO.leader);
    const person = await server.post("/persons/new", { name: PERSON }, leader);
    const network = await server.post(
      person.headers.get("location")!,
      [
        ["intent", "create-network"],
        ["kind", "responsibility_group"],
        ["leaderId", await server.userId(DEMO.leader)],
      ],
      leader,
    );
    const networkPath = network.headers.get("location")!;
    await server.post(
      networkPath,
      {
        intent: "add-member",
        name: "Eli Vestbøen",
        relation: "relative",
        circle: "family_friends",
        email: "eli@example.test",
        wantsInvited: "yes",
      },
      leader,
    );
    const page = await (await server.fetch(networkPath, { cookie: leader })).text();
    const memberId = /id="member-([0-9a-f-]{36})"/.exec(page)![1]!;
    const created = await server.post(
      `/meetings/new?networkId=${networkPath.split("/").pop()}`,
      [
        ["intent", "create"],
        ["kind", "responsibility_group_meeting"],
        ["date", "2027-05-20"],
        ["time", "13:15"],
        ["durationMinutes", "60"],
        ["place", "Rådhuset, møterom 3"],
        ["internalTitle", `Ansvarsgruppe for ${PERSON}`],
        ["calendarTitle", "Møte – Broen"],
        ["memberId", memberId],
        ["leaderId", await server.userId(DEMO.leader)],
      ],
      leader,
    );
    expect(created.status).toBe(302);

    const mail = await until(
      () => smtp.received.find((m) => m.rcptTo.includes("eli@example.test")),
      "the invitation",
    );
    expect(mail.parsed.subject).toBe("Møte – Broen");
    const calendar = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
    expect(calendar).toBeTruthy();
    expect(mail.raw).toMatch(/text\/calendar; charset=utf-8; method=REQUEST/i);
    const ics = calendar!.content.toString("utf8");
    const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!;
    expect(String(event.getFirstPropertyValue("dtstart"))).toMatch(/^2027-05-20T13:15:00/);
    for (const text of [
      mail.parsed.subject ?? "",
      mail.parsed.text ?? "",
      String(mail.parsed.html),
      ics,
    ]) {
      expect(text).not.toContain("Vestbøen");
      expect(text).not.toContain("Ingrid");
      expect(text).not.toMatch(/ansvarsgruppe|responsibility/i);
    }
    expect(mail.parsed.text).toMatch(/\/i\/[A-Za-z0-9_-]{20,}/);
  });
});
