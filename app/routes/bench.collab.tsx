import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useEffect, useState, type ComponentType } from "react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { requireUser } from "../features/accounts/session.server";
import type { LiveAgendaProps } from "../features/agenda/live-agenda";
import type { Ref } from "../features/agenda/document";
import type { AgendaRole } from "../features/agenda/policy";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";
import { isUuid } from "../utils/validation.server";

/*
 * The keystroke benchmark's page (`npm run bench:collab`, bench/collab.ts): the live agenda of
 * the meeting pages (the same component, loaded on demand from the same chunk, with the same
 * TipTap, Collaboration and y-websocket), connected either to this server's own `/realtime`
 * (`?target=broen`: the socket authorises as always) or to the y-websocket reference server
 * whose URL the bench put in BROEN_BENCH_REFERENCE_URL when it started this server
 * (`?target=reference`). The URL never comes from the request, so no link can point the
 * editor at another server.
 *
 * It answers only when the server was started with BROEN_BENCH_FLOOR=1 (as routes/
 * bench.floor.tsx); otherwise it is the same 404 page as any unknown URL. It shows nothing from
 * the database: the document comes through the socket, which checks access itself.
 */

/** The page edits everything; on Broen's socket the server still decides what is accepted. */
const LEAD: AgendaRole = "lead";
const REFERENCE_URL = /^ws:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/;

export const meta: MetaFunction = ({ matches, error }) =>
  pageTitle(matches, error ? "error.notFoundTitle" : "invitation.agenda");

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (process.env.BROEN_BENCH_FLOOR !== "1") throw new Response("Not Found", { status: 404 });
  const user = await requireUser(request, context);
  const url = new URL(request.url);
  const target = url.searchParams.get("target");
  const meetingId = url.searchParams.get("doc") ?? undefined;
  if (target !== "broen" && target !== "reference") {
    throw new Response("target must be broen or reference", { status: 400 });
  }
  if (!isUuid(meetingId)) throw new Response("doc must be a meeting id", { status: 400 });
  let serverUrl: string | null = null;
  if (target === "reference") {
    const configured = process.env.BROEN_BENCH_REFERENCE_URL ?? "";
    if (!REFERENCE_URL.test(configured)) {
      throw new Response("no reference server on loopback was configured", { status: 400 });
    }
    serverUrl = configured;
  }
  const self = { ref: `user:${user.id}` as Ref, name: user.name };
  return { meetingId, serverUrl, self, ownerKey: `user:${user.id}` };
}

export default function BenchCollab() {
  const loaded = useLoaderData<typeof loader>();
  const t = useT();
  const [Live, setLive] = useState<ComponentType<LiveAgendaProps> | null>(null);
  useEffect(() => {
    let stopped = false;
    // As AgendaPanel loads it: the same chunk the meeting pages use.
    void import("../features/agenda/live-agenda").then((module) => {
      if (!stopped) setLive(() => module.default);
    });
    return () => {
      stopped = true;
    };
  }, []);
  return (
    <>
      <h1>{t("invitation.agenda")}</h1>
      {Live ? (
        <Live
          meetingId={loaded.meetingId}
          mode="network"
          role={LEAD}
          self={loaded.self}
          ownerKey={loaded.ownerKey}
          people={[loaded.self]}
          serverUrl={loaded.serverUrl ?? undefined}
        />
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
