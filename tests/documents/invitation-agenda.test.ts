import { and, desc, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { auditLog, consents } from "../../db/schema";
import { addItem } from "../../app/features/agenda/document";
import { AGENDA_FIELD, agendaFromState } from "../../app/features/documents/agenda.server";
import { withdrawConsent } from "../../app/features/consent/consent.server";
import { invitationToken } from "../../app/features/meetings/invitation-links.server";
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

/** The details of the newest "invitation.open" entry for the relative's invitation. */
async function lastOpening() {
  const [row] = await server.database.db
    .select({ details: auditLog.details })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.action, "invitation.open"),
        eq(auditLog.subjectId, docs.relativeInvitationId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row?.details;
}

/** Waits until the server's copy of the agenda holds this many top-level blocks. */
const serverHasBlocks = (count: number) =>
  until(
    () =>
      server.realtime.documents.get(docs.agenda)?.doc.getXmlFragment(AGENDA_FIELD).length === count
        ? true
        : undefined,
    `the server's agenda to hold ${count} blocks`,
  );

/** The live agenda's own chunk, named for the browser to preload (module-preload.server.ts). */
const PRELOAD_LIVE_AGENDA =
  /<link rel="modulepreload" href="\/build\/_shared\/live-agenda-[\w-]+\.js"\/>/;

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
      await serverHasBlocks(5);

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
      // The opening is logged, and says that the agenda was shown.
      expect(await lastOpening()).toEqual({ agendaShown: true });
    } finally {
      leader.destroy();
    }
  });

  it("says that none is written when all that is left is an empty paragraph", async () => {
    const leader = connectClient(server.url, docs.agenda, {
      cookie: await server.cookieFor(DEMO.leader),
    });
    try {
      await leader.synced();
      expect(await relativePage()).toContain("Bolig");
      const fragment = leader.doc.getXmlFragment(AGENDA_FIELD);
      leader.doc.transact(() => {
        fragment.delete(0, fragment.length);
        fragment.insert(0, [element("paragraph", [text([" "])])]);
      });
      await serverHasBlocks(1);
      const html = await relativePage();
      expect(html).toContain("Det er ikke skrevet noen dagsorden ennå.");
      expect(html).not.toContain("Bolig");
    } finally {
      leader.destroy();
    }
  });

  it("is gone as soon as the member's consent for the agenda is withdrawn, and the page says why", async () => {
    const leader = connectClient(server.url, docs.agenda, {
      cookie: await server.cookieFor(DEMO.leader),
    });
    await leader.synced();
    addItem(leader.doc, { title: "Hemmelig sak", createdBy: null });
    await until(
      async () => ((await relativePage()).includes("Hemmelig sak") ? true : undefined),
      "the item is on the page",
    );
    // With the agenda, the page names the live editor's chunks for the browser to preload.
    expect(await relativePage()).toMatch(PRELOAD_LIVE_AGENDA);
    leader.destroy();
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
    expect(html).not.toContain("Hemmelig sak");
    expect(html).toContain("det ikke er gitt samtykke til at den deles med deg");
    expect(html).not.toContain('rel="modulepreload" href="/build/_shared/live-agenda-');
    expect(await lastOpening()).toEqual({ agendaShown: false });
  });
});

describe("agendaFromState", () => {
  it("reads an empty or missing agenda as empty", () => {
    expect(agendaFromState(Y.encodeStateAsUpdate(new Y.Doc()))).toEqual([]);
  });

  const agendaOf = (...nodes: (Y.XmlElement | Y.XmlText)[]) => {
    const doc = new Y.Doc();
    doc.getXmlFragment(AGENDA_FIELD).insert(0, nodes);
    return agendaFromState(Y.encodeStateAsUpdate(doc));
  };
  const ellipsis = { tag: "p", children: ["…"] };

  it("stops at 2000 elements and text runs, and says that it did", () => {
    const agenda = agendaOf(
      ...Array.from({ length: 2500 }, (_, i) => element("paragraph", [text([`${i}`])])),
    );
    // A paragraph and its text are two: 1000 paragraphs, then the ellipsis.
    expect(agenda).toHaveLength(1001);
    expect(agenda[999]).toEqual({ tag: "p", children: ["999"] });
    expect(agenda.at(-1)).toEqual(ellipsis);
  });

  it("counts every formatting run and every character", () => {
    const runs = Array.from({ length: 5000 }, (_, i): [string, Record<string, unknown>] => [
      "x",
      i % 2 ? { bold: {} } : {},
    ]);
    const [paragraph, last] = agendaOf(element("paragraph", [text(...runs)]));
    // The paragraph counts one, each run one.
    expect(typeof paragraph === "object" && paragraph.children.length).toBe(1999);
    expect(last).toEqual(ellipsis);

    expect(agendaOf(element("paragraph", [text(["a".repeat(30_000)])]))).toEqual([ellipsis]);
  });

  it("nests only as HTML allows, whatever a client stored", () => {
    expect(
      agendaOf(
        // A list inside a paragraph keeps its text in the paragraph.
        element("paragraph", [
          text(["Før "]),
          element("bulletList", [element("listItem", [element("paragraph", [text(["inni"])])])]),
        ]),
        // A list holds only items.
        element("orderedList", [element("paragraph", [text(["løst i lista"])])]),
        // Text lying loose in the document becomes a paragraph.
        text(["løs tekst"]),
        element("heading", [text(["Overskrift"]), element("hardBreak", [])]),
      ),
    ).toEqual([
      { tag: "p", children: ["Før ", "inni"] },
      { tag: "ol", children: [{ tag: "li", children: ["løst i lista"] }] },
      { tag: "p", children: ["løs tekst"] },
      { tag: "h3", children: ["Overskrift", { tag: "br", children: [] }] },
    ]);
  });
});
