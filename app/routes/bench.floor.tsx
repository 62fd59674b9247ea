import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { meetingKinds } from "../../db/enums";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { MeetingList } from "../features/meetings/meeting-list";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The benchmark's floor (`npm run bench:calendar`, docs/decisions/007-request-cost.md): what
 * the framework alone costs for a page like the meetings list. The same production build, the
 * same root layout, entry and compression, and the same 50 rows in the same markup as
 * routes/meetings._index.tsx, but from memory: no database, no session, no access rules, no
 * audit. The bench requests it without a cookie, so the root renders the logged-out shell.
 *
 * It answers only when the server was started with BROEN_BENCH_FLOOR=1 in its environment
 * (the bench sets it for the server it starts). Otherwise it is the same 404 page as any
 * unknown URL (routes/$.tsx): in normal operation it is not reachable.
 */

const ROWS = 50;
const TITLES = ["Nettverksmøte", "Oppfølgingsmøte", "Evalueringsmøte"] as const;
const FIRST_START = Date.parse("2027-01-04T07:00:00Z");

/** 50 rows as the meetings list loader sends them (its fields, a leader who manages them all). */
const meetings = Array.from({ length: ROWS }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
  kind: meetingKinds[i % meetingKinds.length]!,
  startsAt: new Date(FIRST_START + i * 86_400_000 + (i % 8) * 3_600_000).toISOString(),
  internalTitle: TITLES[i % TITLES.length]!,
  status: "scheduled" as "scheduled" | "cancelled",
  personName: "Benk Markussen",
  manage: true,
}));

export const meta: MetaFunction = ({ matches, error }) =>
  pageTitle(matches, error ? "error.notFoundTitle" : "meetings.title");

export function loader() {
  // Read on each request, so nothing is decided when the build is imported; only the
  // environment the server was started with can set it.
  if (process.env.BROEN_BENCH_FLOOR !== "1") throw new Response("Not Found", { status: 404 });
  return { meetings };
}

export default function BenchFloor() {
  const loaded = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("meetings.title")}</h1>
      {/* The same component as routes/meetings._index.tsx. */}
      <MeetingList meetings={loaded.meetings} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
