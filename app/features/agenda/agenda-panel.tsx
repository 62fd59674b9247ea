import { useEffect, useState, type ComponentType } from "react";
import { formatDate, useLocale, useT } from "../../i18n";
import { AgendaView } from "../documents/agenda-view";
import type { AgendaPageData, AgendaSnapshot } from "./agenda-page.server";
import type { Ref } from "./document";
import type { AgendaPerson, LiveAgendaProps } from "./live-agenda";

/*
 * A meeting's agenda on a page. The server renders it as it is now (readable without
 * JavaScript); in the browser the live editor (TipTap, Yjs, the socket) is loaded on demand
 * and takes its place, so pages that show no agenda never carry it.
 */

/**
 * The live editor's chunk, requested as soon as this module runs in the browser (before React
 * hydrates), so it downloads while the page starts instead of after.
 */
const liveAgenda: Promise<typeof import("./live-agenda")> | null =
  typeof document === "undefined" ? null : import("./live-agenda");

export function AgendaPanel({ data, run = false }: { data: AgendaPageData; run?: boolean }) {
  const t = useT();
  const [Live, setLive] = useState<ComponentType<LiveAgendaProps> | null>(null);
  const live = data.role !== "none";
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    void (liveAgenda ?? import("./live-agenda")).then((module) => {
      if (!stopped) setLive(() => module.default);
    });
    return () => {
      stopped = true;
    };
  }, [live]);

  return (
    <section className="panel agenda-panel" aria-labelledby="agenda-title">
      <h2 id="agenda-title">{t("invitation.agenda")}</h2>
      {/* The live editor's chunks, fetched with the page's scripts (module-preload.server.ts). */}
      {data.preload.map((url) => (
        <link key={url} rel="modulepreload" href={url} />
      ))}
      {data.role === "none" ? (
        <p className="ds-alert" data-color="info">
          {t(`agenda.hidden.${data.reason ?? "noConsent"}`)}
        </p>
      ) : Live ? (
        <Live
          meetingId={data.meetingId}
          mode={data.mode}
          role={data.role}
          self={data.self}
          ownerKey={data.ownerKey}
          ticketUrl={data.ticketUrl}
          people={data.people}
          run={run}
          initialState={data.snapshot?.state}
        />
      ) : data.snapshot ? (
        <AgendaReadView snapshot={data.snapshot} people={data.people} />
      ) : null}
    </section>
  );
}

/** The agenda as text: items in order with notes, voices, decisions and actions. */
export function AgendaReadView(props: { snapshot: AgendaSnapshot; people: AgendaPerson[] }) {
  const t = useT();
  const locale = useLocale();
  const { agenda, notes, itemNotes } = props.snapshot;
  const names = new Map(props.people.map((p) => [p.ref, p.name]));
  const nameOf = (ref: Ref | null) => (ref ? (names.get(ref) ?? t("agenda.someone")) : "");
  if (agenda.items.length === 0 && notes.length === 0) {
    return <p className="muted">{t("agenda.empty")}</p>;
  }
  return (
    <div className="agenda-read">
      {notes.length > 0 ? <AgendaView agenda={notes} /> : null}
      <ol className="agenda-items">
        {agenda.items.map((item) => (
          <li key={item.id}>
            <article className="agenda-item">
              <h3>{item.title.trim() || t("agenda.untitled")}</h3>
              <p className="agenda-item-meta">
                {[
                  item.broughtBy ? t("agenda.broughtBy", { name: nameOf(item.broughtBy) }) : "",
                  item.plannedMinutes ? t("agenda.minutes", { count: item.plannedMinutes }) : "",
                  t(`agenda.status.${item.status}`),
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </p>
              {itemNotes[item.id]?.length ? <AgendaView agenda={itemNotes[item.id]!} /> : null}
              {item.voices.length > 0 ? (
                <ul className="voices">
                  {item.voices.map((voice) => (
                    <li key={voice.id}>
                      <strong>{nameOf(voice.who)}:</strong> <q>{voice.text}</q>
                    </li>
                  ))}
                </ul>
              ) : null}
              {item.decisions.length > 0 ? (
                <>
                  <h4>{t("agenda.decisions")}</h4>
                  <ul>
                    {item.decisions.map((decision) => (
                      <li key={decision.id}>{decision.text}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              {item.actions.length > 0 ? (
                <>
                  <h4>{t("agenda.actions")}</h4>
                  <ul>
                    {item.actions.map((action) => (
                      <li key={action.id}>
                        {action.what} – {nameOf(action.responsible) || t("agenda.nobody")}
                        {action.due
                          ? `, ${t("agenda.due", { date: formatDate(locale, action.due) })}`
                          : ""}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </article>
          </li>
        ))}
      </ol>
    </div>
  );
}
