import ICAL from "ical.js";
import { and, asc, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSender } from "../../app/features/mail/sender.server";
import { auditLog, invitations, outbox } from "../../db/schema";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { startTestSmtpServer, type TestSmtpServer } from "../support/smtp";

/*
 * Issue 10, item 11: "New invitation link" silently killed the link in an e-mail not sent yet,
 * and a leader could not see an invitee's current link. Now the page asks first and says what
 * stops working, e-mails still in the outbox get the new link in the same transaction (and go
 * out with it), and those who manage the meeting can see the current link (a logged read).
 */

let server: TestServer;
let smtp: TestSmtpServer;
const cookie: Record<string, string> = {};
let meetingId = "";
let relativeInvitation = "";

const location = (r: Response) => r.headers.get("location") ?? "";
const tokenIn = (text: string) => /\/i\/([A-Za-z0-9_-]{20,})/.exec(text)?.[1] ?? "";
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const relativeMail = () =>
  server.database.db
    .select()
    .from(outbox)
    .where(eq(outbox.toAddress, "knut@example.test"))
    .orderBy(asc(outbox.id));
const meetingPage = async (search = "") =>
  (await server.fetch(`/meetings/${meetingId}${search}`, { cookie: cookie.leader })).text();
const post = (fields: Record<string, string>, who = "leader") =>
  server.post(`/meetings/${meetingId}`, fields, cookie[who]);
/** The link shown in the notice of a meeting page's HTML. */
const shownLink = (html: string) =>
  /<code class="secret">([^<]+)<\/code>/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";

beforeAll(async () => {
  [server, smtp] = await Promise.all([startTestServer(), startTestSmtpServer()]);
  for (const [role, email] of Object.entries(DEMO)) cookie[role] = await server.cookieFor(email);
  const person = await server.post("/persons/new", { name: "Mari Fjelltun" }, cookie.leader);
  const network = await server.post(
    location(person),
    [
      ["intent", "create-network"],
      ["kind", "network_meeting_group"],
      ["leaderId", await server.userId(DEMO.leader)],
    ],
    cookie.leader,
  );
  const networkId = location(network).split("/").pop()!;
  await server.post(
    `/networks/${networkId}`,
    {
      intent: "add-member",
      name: "Knut Fjelltun",
      relation: "relative",
      circle: "family_friends",
      email: "knut@example.test",
      wantsInvited: "yes",
    },
    cookie.leader,
  );
  const html = await (
    await server.fetch(`/networks/${networkId}`, { cookie: cookie.leader })
  ).text();
  const memberId = /id="member-([0-9a-f-]{36})"/.exec(html)![1]!;
  // Mid-month next month at 10:00: in the future, never near a clock change.
  const date = DateTime.now().setZone("Europe/Oslo").plus({ months: 1 }).set({ day: 15 });
  const created = await server.post(
    `/meetings/new?networkId=${networkId}`,
    [
      ["intent", "create"],
      ["kind", "network_meeting"],
      ["date", date.toISODate()!],
      ["time", "10:00"],
      ["durationMinutes", "90"],
      ["place", "Fjordvik bibliotek"],
      ["internalTitle", "Nettverksmøte"],
      ["calendarTitle", "Møte – Broen"],
      ["memberId", memberId],
      ["leaderId", await server.userId(DEMO.leader)],
    ],
    cookie.leader,
  );
  meetingId = /\/meetings\/([0-9a-f-]{36})/.exec(location(created))![1]!;
  const [invitation] = await server.database.db
    .select({ id: invitations.id })
    .from(invitations)
    .where(eq(invitations.meetingId, meetingId));
  relativeInvitation = invitation!.id;
});
afterAll(async () => {
  await smtp?.close();
  await server?.close();
});

describe("a new invitation link", () => {
  it("asks first, saying that the old link stops working in what was already sent (without JavaScript)", async () => {
    const page = await meetingPage();
    // The button only asks: a GET form to ?confirm=new-link-<invitation>.
    expect(page).toContain(`name="confirm" value="new-link-${relativeInvitation}"`);
    const asked = await meetingPage(`?confirm=new-link-${relativeInvitation}`);
    expect(asked).toContain("Vil du lage en ny invitasjonslenke til Knut Fjelltun?");
    expect(asked).toContain(
      "Den gamle lenken slutter å virke med en gang, også i e-post og kalendere som allerede er sendt.",
    );
    expect(asked).toContain('value="new-link"');
    expect(asked).toContain("Ja, lag ny lenke");
    // Asking changed nothing.
    const [row] = await server.database.db
      .select({ linkVersion: invitations.linkVersion })
      .from(invitations)
      .where(eq(invitations.id, relativeInvitation));
    expect(row!.linkVersion).toBe(1);
  });

  it("puts the new link into the invitation still waiting in the outbox, calendar part too", async () => {
    const [waiting] = await relativeMail();
    expect(waiting!.status).toBe("pending");
    const oldToken = tokenIn(waiting!.textBody);
    expect((await server.fetch(`/i/${oldToken}`)).status).toBe(200);

    const response = await post({ intent: "new-link", invitationId: relativeInvitation });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Den gamle lenken virker ikke lenger.");
    expect(html).toContain("E-post som ennå ikke var sendt (1), går ut med den nye lenken.");
    const newUrl = shownLink(html);
    const newToken = tokenIn(newUrl);
    expect(newToken).not.toBe(oldToken);

    const [relinked] = await relativeMail();
    expect(relinked!.id).toBe(waiting!.id);
    expect(relinked!.textBody).toContain(newUrl);
    expect(relinked!.htmlBody).toContain(newUrl);
    for (const text of [relinked!.textBody, relinked!.htmlBody, unfold(relinked!.calendar!)]) {
      expect(text).not.toContain(oldToken);
    }
    // The calendar is still well formed, folded as before, and points to the new link.
    const event = new ICAL.Component(ICAL.parse(relinked!.calendar!)).getFirstSubcomponent(
      "vevent",
    )!;
    expect(event.getFirstPropertyValue("url")).toBe(newUrl);
    expect(String(event.getFirstPropertyValue("description"))).toContain(newUrl);
    expect(relinked!.calendar!.split("\r\n").every((line) => Buffer.byteLength(line) <= 75)).toBe(
      true,
    );

    expect((await server.fetch(`/i/${oldToken}`)).status).toBe(404);
    expect((await server.fetch(`/i/${newToken}`)).status).toBe(200);
    const [logged] = await server.database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, "invitation.create"), eq(auditLog.subjectId, relativeInvitation)),
      );
    expect(logged!.details).toMatchObject({ linkVersion: 2, unsentMail: 1 });
  });

  it("sends the waiting message with a link that works", async () => {
    const sender = startMailSender({ smtpUrl: smtp.url, from: "Broen <ikke-svar@broen.invalid>" });
    try {
      expect(await sender.runOnce()).toBeGreaterThan(0);
    } finally {
      await sender.stop();
    }
    const received = smtp.received.find((m) => m.rcptTo.includes("knut@example.test"))!;
    const token = tokenIn(received.parsed.text ?? "");
    expect((await server.fetch(`/i/${token}`)).status).toBe(200);
    const [sent] = await relativeMail();
    expect(sent!.status).toBe("sent");
    expect(sent!.textBody).toContain("/i/[sendt]");
  });

  it("leaves a message already sent alone (its link is the one that stopped working)", async () => {
    const [before] = await relativeMail();
    await post({ intent: "new-link", invitationId: relativeInvitation });
    const [after] = await relativeMail();
    expect(after).toEqual(before);
  });
});

describe("an invitee's current link", () => {
  it("is shown to those who manage the meeting, unchanged, and the read is logged", async () => {
    const [row] = await server.database.db
      .select({ linkVersion: invitations.linkVersion })
      .from(invitations)
      .where(eq(invitations.id, relativeInvitation));
    const response = await post({ intent: "show-link", invitationId: relativeInvitation });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Gjeldende invitasjonslenke til Knut Fjelltun:");
    const token = tokenIn(shownLink(html));
    expect((await server.fetch(`/i/${token}`)).status).toBe(200);
    // Showing it again shows the same link: nothing was replaced.
    const again = shownLink(
      await (await post({ intent: "show-link", invitationId: relativeInvitation })).text(),
    );
    expect(tokenIn(again)).toBe(token);
    const [unchanged] = await server.database.db
      .select({ linkVersion: invitations.linkVersion })
      .from(invitations)
      .where(eq(invitations.id, relativeInvitation));
    expect(unchanged!.linkVersion).toBe(row!.linkVersion);
    const reads = await server.database.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "invitation.link_view"),
          eq(auditLog.subjectId, relativeInvitation),
        ),
      );
    expect(reads).toHaveLength(2);
    expect(reads[0]!.personId).toBeTruthy();
    expect(reads[0]!.actorUserId).toBe(await server.userId(DEMO.leader));
    expect(JSON.stringify(reads)).not.toContain(token);
  });

  it("is offered on the meeting page, next to the new-link button", async () => {
    const page = await meetingPage();
    expect(page).toContain('value="show-link"');
    expect(page).toContain("Vis lenken");
  });

  it("is not shown to anyone else", async () => {
    for (const who of ["nav", "housing"]) {
      const response = await post({ intent: "show-link", invitationId: relativeInvitation }, who);
      expect(response.status, who).toBe(403);
    }
    const outsider = await server.createUser("annen.leder@fjordvik.test", ["leader"]);
    expect(outsider).toBeTruthy();
    const asOutsider = await server.post(
      `/meetings/${meetingId}`,
      { intent: "show-link", invitationId: relativeInvitation },
      await server.cookieFor("annen.leder@fjordvik.test"),
    );
    expect(asOutsider.status).toBe(404);
    const unknown = await post({
      intent: "show-link",
      invitationId: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.status).toBe(404);
  });
});
