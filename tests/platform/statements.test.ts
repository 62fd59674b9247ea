import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordStatements } from "../../db/client";
import { demoDocuments, type DemoDocuments } from "../support/realtime";
import { DEMO, startTestServer, type TestServer } from "../support/server";

/*
 * SQL statements per page (issue 9: "one access decision per request"). Access is decided once
 * per request and passed on (access/access.server.ts); the page's own rows are read with the
 * access decision where they can be. The bounds are what the pages cost on 2026-11-30; a page
 * that goes over shows its statements in the failure. Before: a leader's meeting page ran 13
 * statements (the network→person access queries twice, the meeting row twice). The meeting
 * page's leaders read one more since the attendance form (who came, issue 11): 10 and 11.
 * The live agenda on the page (issue 11) adds three for leaders — the document's owner and the
 * minutes lock (registry.server.ts documentPermission, the one rule for live documents) and the
 * agenda's stored state — and seven for a partner, who also reads the invitees' and leaders'
 * names, their consent and the minutes lock (a contributor becomes a reader once closed). Passing the page's meeting row into documentPermission would save
 * the owner query; not done yet. The form to change a meeting moved to its own page (issue 11):
 * the meeting page no longer reads the network's members and the leaders to choose (three
 * fewer for leaders); the edit page reads them, with the meeting as the meeting page does.
 * "Since last time" (issue 12) adds one for leaders: the network's actions whose status changed
 * since the previous meeting, with that meeting found in the same query; partners who may read
 * the agenda read it too (one more for them), their plan consent checked in the same query.
 * My tasks reads the user's managed networks, the tasks and writes one audit row per person
 * shown. The person's page (issue 13) reads the person's bridges to offerings, with their
 * offering and organisation, in one query (one more). The offerings search (issue 13): the
 * session, the words' stems (only for words this process has not stemmed before) and one query
 * for the hits with their count.
 */
const BOUNDS: Record<string, Partial<Record<"leader" | "coordinator" | "nav", number>>> = {
  "/meetings": { leader: 3, coordinator: 4, nav: 4 },
  "/meetings/:meeting": { leader: 11, coordinator: 12, nav: 16 },
  "/meetings/:meeting/edit": { leader: 9, coordinator: 10 },
  "/networks/:network": { leader: 9, coordinator: 10, nav: 6 },
  "/persons/:person": { leader: 9, coordinator: 10, nav: 6 },
  "/networks": { leader: 7, coordinator: 8, nav: 5 },
  "/tasks": { leader: 3, coordinator: 4, nav: 3 },
  "/offerings/search?q=fotbal&free=on": { leader: 3, coordinator: 3 },
};

let server: TestServer;
let docs: DemoDocuments;

beforeAll(async () => {
  server = await startTestServer();
  docs = await demoDocuments(server.database.db);
});

afterAll(async () => {
  await server?.close();
});

describe("statements per page", () => {
  for (const [page, byRole] of Object.entries(BOUNDS)) {
    for (const [role, bound] of Object.entries(byRole)) {
      it(`${page} as ${role}: at most ${bound}`, async () => {
        const path = page
          .replace(":meeting", docs.meetingId)
          .replace(":network", docs.networkId)
          .replace(":person", docs.personId);
        const cookie = await server.cookieFor(DEMO[role as keyof typeof DEMO]);
        let status = 0;
        const statements = await recordStatements(async () => {
          const response = await server.fetch(path, { cookie });
          status = response.status;
          await response.arrayBuffer();
        });
        expect(status).toBe(200);
        expect(
          statements.length,
          statements.map((s) => s.replace(/\s+/g, " ").slice(0, 160)).join("\n"),
        ).toBeLessThanOrEqual(bound!);
      });
    }
  }
});
