import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { consents } from "../../db/schema";
import { AGENDA_FIELD, agendaFromState } from "../../app/models/agenda.server";
import { withdrawConsent } from "../../app/models/consent.server";
import { invitationToken } from "../../app/models/invitation-links.server";
import { DEMO, startTestServer, type TestServer } from "../support/server";
import { connectClient, demoDocuments, until, type DemoDocuments } from "../support/realtime";

/* The live agenda as the holder of an invitation link reads it: only with consent, never as markup. */
let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

/** A ProseMirror node as TipTap's Collaboration extension stores it. */
function element(name: string, children: (Y.XmlElement | Y.XmlText)[], attrs = {}) {
  const node = new Y.XmlElement(name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value as string);
  node.insert(0, children);
  return node;
}
function text(...parts: [string, Record<string, unknown>?][]) {
  const node = new Y.XmlText();
  // Before it joins a document, a text's length reads 0: count the offset here.
  let at = 0;
  for (const [insert, attributes] of parts) {
    node.insert(at, insert, attributes ?? {});
    at += insert.length;
  }
  return node;
}

const relativePage = () =>
  server.fetch(`/i/${invitationToken(docs.relativeInvitationId, 1)}`).then((r) => r.text());

describe("the agenda on the invitation page", () => {
  it("says that none is written yet when the document is empty", async () => {
    const html = await relativePage();
    expect(html).toContain("Dagsorden");
    expect(html).toContain("Det er ikke skrevet noen dagsorden ennå.");
  });

  it("shows what the leaders write, live, with its structure and as text only", async () => {
    const leader = connectClient(server.url, docs.agenda, {
      cookie: await server.cookieFor(DEMO.leader),
    });
    try {
      await leader.synced();
      leader.doc
        .getXmlFragment(AGENDA_FIELD)
        .insert(0, [
          element("heading", [text(["Hva håper du møtet gir deg?"])], { level: 2 }),
          element("paragraph", [
            text(["Bolig", { bold: {} }], [" og ", {}], ["arbeid", { italic: {} }]),
          ]),
          element("bulletList", [
            element("listItem", [element("paragraph", [text(["Hverdagen nå"])])]),
            element("listItem", [element("paragraph", [text(["Neste lille steg"])])]),
          ]),
          element("paragraph", [text(['<script>alert("x")</script><img src=x onerror=alert(1)>'])]),
          element("mention", [text(["Tekst i en ukjent node"])]),
        ]);
      await until(
        () =>
          server.realtime.documents.get(docs.agenda)?.doc.getXmlFragment(AGENDA_FIELD).length === 5
            ? true
            : undefined,
        "the server to have the agenda",
      );

      const html = await relativePage();
      const agenda = html.slice(html.indexOf('<div class="agenda">'));
      expect(agenda).toMatch(/^<div class="agenda"><h3>Hva håper du møtet gir deg\?<\/h3>/);
      expect(agenda).toContain("<p><strong>Bolig</strong> og <em>arbeid</em></p>");
      expect(agenda).toContain(
        "<ul><li><p>Hverdagen nå</p></li><li><p>Neste lille steg</p></li></ul>",
      );
      expect(agenda).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain('<script>alert("x")');
      expect(agenda).toContain("Tekst i en ukjent node");
      expect(agenda).not.toContain("mention");
    } finally {
      leader.destroy();
    }
  });

  it("is gone as soon as the member's consent for the agenda is withdrawn", async () => {
    const [consent] = await server.database.db
      .select({ id: consents.id })
      .from(consents)
      .where(
        and(
          eq(consents.memberId, docs.relativeMemberId),
          eq(consents.content, "agenda"),
          isNull(consents.withdrawnAt),
        ),
      );
    const withdrawn = await withdrawConsent(
      { userId: await server.userId(DEMO.leader), municipalityId: null, ip: "127.0.0.1" },
      { id: docs.relativeMemberId, personId: docs.personId },
      consent!.id,
    );
    expect(withdrawn).toBe(true);
    const html = await relativePage();
    expect(html).toContain("Fjordvik bibliotek"); // the rest of the page is still there
    expect(html).not.toContain("Dagsorden");
    expect(html).not.toContain("Bolig");
  });
});

describe("agendaFromState", () => {
  it("reads an empty or missing agenda as empty", () => {
    expect(agendaFromState(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual([]);
  });

  it("stops at 2000 nodes and says that it did", () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(AGENDA_FIELD).insert(
      0,
      Array.from({ length: 2500 }, (_, i) => element("paragraph", [text([`${i}`])])),
    );
    const agenda = agendaFromState(Y.encodeStateAsUpdate(doc));
    expect(agenda.at(-1)).toBe("…");
    expect(agenda.length).toBeLessThan(2000);
  });
});
