import {
  memo,
  startTransition,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
} from "react";
import type * as Y from "yjs";
import { formatDate, translator, useLocale, useT } from "../../i18n";
import {
  addAction,
  addDecision,
  addItem,
  addVoice,
  itemMap,
  itemNotes,
  itemParts,
  itemStatuses,
  keepUnchangedItems,
  LIMITS,
  PARTS,
  PERSON_REF,
  readAgenda,
  removeEntry,
  removeItem,
  replaceText,
  setEntryField,
  setItemFields,
  setMeta,
  sharedText,
  shiftItem,
  type Agenda,
  type AgendaItem,
  type ItemStatus,
  type Ref,
} from "./document";
import {
  colourFor,
  useDocValue,
  usePresence,
  type ConnectionState,
  type LiveDocument,
} from "./live";
import { KeepLocalCopyCheckbox, useKeepLocalCopy, useLiveDocumentAs } from "./live-session";
import type { AgendaRole } from "./policy";
import { LazyRichText } from "./lazy-rich-text";
import { PromptCardPicker } from "./prompt-card-picker";
import { TemplatePicker } from "./template-picker";
import { Checkbox } from "../../components/forms";
import { whenIdle } from "../../utils/idle";
import { readStatusNote, StatusNoteText } from "../tasks/status-note";

/*
 * The live agenda (issue 11): everyone who may see it works in the same document. Leaders and
 * the person edit everything; contributors add items of their own, write notes and their own
 * voice (policy.ts, which the server also applies); readers read. Every control is a real
 * button or field, so the page works by keyboard alone, and what changes is announced.
 */

export interface AgendaPerson {
  ref: Ref;
  name: string;
}

export interface LiveAgendaProps {
  meetingId: string;
  /** Network meetings keep each voice; responsibility groups capture decisions and actions. */
  mode: "network" | "responsibility";
  role: AgendaRole;
  self: AgendaPerson;
  /** Who the local copy belongs to (user id or invitation id). */
  ownerKey: string;
  ticketUrl?: string;
  /** Who may bring an item or be responsible for an action: the person first, then the rest. */
  people: AgendaPerson[];
  /** The run view: timers, next item, capture shortcuts (leaders only). */
  run?: boolean;
  /** Another realtime server (the benchmark page only; see useLiveDocument). */
  serverUrl?: string;
  /** The agenda as the page's server read it (base64 Yjs update): shown until synced. */
  initialState?: string;
}

export default function LiveAgenda(props: LiveAgendaProps) {
  const t = useT();
  const [keepLocal, setKeepLocal] = useKeepLocalCopy();
  const live = useLiveDocumentAs(
    {
      documentName: `agenda:${props.meetingId}`,
      ownerKey: props.ownerKey,
      ticketUrl: props.ticketUrl,
      keepLocal,
      serverUrl: props.serverUrl,
      initialState: props.initialState,
    },
    props.self,
  );
  const { doc, provider } = live;
  const previous = useRef<Agenda | null>(null);
  const agenda = useDocValue(doc, (d) => {
    previous.current = keepUnchangedItems(previous.current, readAgenda(d).agenda);
    return previous.current;
  });
  const present = usePresence(provider);
  // The items are drawn in a second render, right after the first (before the browser paints):
  // React runs the first render's effects before it, so the connection opens while the items
  // are drawn, not after (drawing 30 items takes the main thread for a good while).
  const [drawItems, setDrawItems] = useState(false);
  useLayoutEffect(() => setDrawItems(true), []);
  // Items past the first few come first without their controls (fields, voices, outcomes,
  // buttons), which follow when the page is first idle, drawn in a transition (in slices):
  // the connection's answers and a first key come before them (issue 11: editable within a
  // second; with every item complete at once, the agenda was editable ~150 ms later).
  const [complete, setComplete] = useState(false);
  useEffect(() => {
    if (!drawItems || complete) return;
    return whenIdle(() => startTransition(() => setComplete(true)));
  }, [drawItems, complete]);
  const [announcement, setAnnouncement] = useState("");
  const announce = useCallback((text: string) => setAnnouncement(text), []);
  const { ref: selfRef, name: selfName } = props.self;
  const user = useMemo(
    () => ({ name: selfName, color: colourFor(selfRef), ref: selfRef }),
    [selfName, selfRef],
  );

  const role: AgendaRole =
    live.ended || (agenda.meta.locked && props.role === "contribute") ? "read" : props.role;
  const locale = useLocale();
  const { people } = props;
  // Items are memoised (a keystroke in one item's notes must not render all 30 again), so
  // what they are given keeps its identity between renders.
  const nameOf = useMemo(() => {
    const names = new Map(people.map((p) => [p.ref, p.name]));
    const someone = translator(locale)("agenda.someone");
    return (ref: Ref | null) => (ref ? (names.get(ref) ?? someone) : "");
  }, [people, locale]);
  const mayEditItem = (item: AgendaItem) =>
    role === "lead" || (role === "contribute" && item.createdBy === props.self.ref);

  const onRefused = useCallback(
    (reason: "paste" | "size") =>
      announce(
        translator(locale)(reason === "paste" ? "agenda.pasteTooLarge" : "agenda.textTooLarge"),
      ),
    [announce, locale],
  );

  return (
    <div className="live-agenda" data-state={live.state}>
      <div className="live-bar">
        <ConnectionBadge state={live.state} keepLocal={keepLocal} />
        <ul className="presence" aria-label={t("agenda.presentNow")}>
          {present.map((person) => (
            <li key={person.clientId} style={{ borderColor: person.color }}>
              <span className="presence-dot" style={{ background: person.color }} aria-hidden />
              {person.self ? t("agenda.you", { name: person.name }) : person.name}
            </li>
          ))}
        </ul>
      </div>
      <p className="ds-sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      {live.ended ? (
        <div className="ds-alert" data-color="warning" role="alert">
          <p>{t(`agenda.ended.${live.ended}`)}</p>
          {live.ended === "refused" || live.ended === "tooLarge" ? (
            <button
              type="button"
              className="ds-button"
              data-variant="secondary"
              onClick={live.restart}
            >
              {t("agenda.restart")}
            </button>
          ) : null}
        </div>
      ) : null}
      {agenda.meta.locked ? (
        <p className="ds-alert" data-color="info">
          {t("agenda.lockedNotice")}
        </p>
      ) : null}
      {props.run && role === "lead" ? (
        <RunBar doc={doc} agenda={agenda} announce={announce} />
      ) : (
        <NowShowing agenda={agenda} />
      )}

      <section aria-labelledby="general-notes-title" className="agenda-notes">
        <h3 id="general-notes-title">{t("agenda.generalNotes")}</h3>
        <LazyRichText
          fragment={doc.getXmlFragment(PARTS.notes)}
          provider={provider}
          user={user}
          editable={role !== "read"}
          label={t("agenda.generalNotes")}
          onRefused={onRefused}
        />
      </section>

      <h3 id="items-title" tabIndex={-1}>
        {props.mode === "network" ? t("agenda.themes") : t("agenda.items")}
      </h3>
      {agenda.items.length === 0 ? <p className="muted">{t("agenda.noItems")}</p> : null}
      <ol className="agenda-items" aria-labelledby="items-title">
        {(drawItems ? agenda.items : []).map((item, index) => (
          <li key={item.id}>
            <AgendaItemView
              doc={doc}
              item={item}
              index={index}
              count={agenda.items.length}
              current={agenda.meta.currentItemId === item.id}
              mode={props.mode}
              role={role}
              mayEdit={mayEditItem(item)}
              self={props.self}
              people={props.people}
              nameOf={nameOf}
              announce={announce}
              provider={provider}
              user={user}
              onRefused={onRefused}
              parts={itemParts(doc, item.id)}
              light={!complete && index >= COMPLETE_FIRST && item.id !== agenda.meta.currentItemId}
            />
          </li>
        ))}
      </ol>

      {role === "lead" ? (
        <TemplatePicker
          doc={doc}
          itemCount={agenda.items.length}
          self={props.self.ref}
          announce={announce}
          focusAfter="items-title"
          synced={live.state === "connected"}
        />
      ) : null}
      {role !== "read" ? (
        <NewItemForm
          doc={doc}
          mode={props.mode}
          role={role}
          self={props.self}
          people={props.people}
          items={agenda.items}
          announce={announce}
        />
      ) : null}

      <div className="agenda-footer">
        {props.role === "lead" && !live.ended ? (
          <button
            type="button"
            className="ds-button"
            data-variant="secondary"
            aria-pressed={agenda.meta.locked}
            onClick={() => {
              setMeta(doc, { locked: !agenda.meta.locked });
              announce(t(agenda.meta.locked ? "agenda.unlocked" : "agenda.locked"));
            }}
          >
            {agenda.meta.locked ? t("agenda.unlock") : t("agenda.lock")}
          </button>
        ) : null}
        <KeepLocalCopyCheckbox keepLocal={keepLocal} onChange={setKeepLocal} />
      </div>
    </div>
  );
}

/**
 * How many items are drawn complete from the start, besides the current one of a running
 * meeting (the rest follow: see `complete`).
 */
const COMPLETE_FIRST = 3;

/** For everyone following the meeting: which item is being discussed now. */
function NowShowing({ agenda }: { agenda: Agenda }) {
  const t = useT();
  const current = agenda.items.find((item) => item.id === agenda.meta.currentItemId);
  return (
    <p className="now-showing" role="status" aria-live="polite">
      {current ? t("run.now", { title: current.title.trim() || t("agenda.untitled") }) : ""}
    </p>
  );
}

/** mm:ss for a number of milliseconds (negative: 0). */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * The leader's controls while the meeting runs: start, the current item with its timer against
 * the planned minutes, the whole meeting's timer, previous and next item, and shortcuts that
 * move focus to the capture fields (Alt+N next item, Alt+V decision, Alt+O action).
 */
function RunBar(props: { doc: Y.Doc; agenda: Agenda; announce(text: string): void }) {
  const t = useT();
  const idBase = useId();
  const { doc, agenda } = props;
  const [now, setNow] = useState(() => Date.now());
  const [large, setLarge] = useState(false);
  const running = agenda.meta.runStartedAt !== null;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [running]);
  useEffect(() => {
    document.documentElement.classList.toggle("run-large", large);
    return () => document.documentElement.classList.remove("run-large");
  }, [large]);

  const index = agenda.items.findIndex((item) => item.id === agenda.meta.currentItemId);
  const current = index >= 0 ? agenda.items[index] : undefined;
  const title = (item: AgendaItem | undefined) =>
    item ? item.title.trim() || t("agenda.untitled") : "";

  const go = (target: number) => {
    const next = agenda.items[target];
    const at = Date.now();
    doc.transact(() => {
      if (current && current.status === "current") {
        setItemFields(doc, current.id, { status: target > index ? "done" : "planned" });
      }
      if (next) setItemFields(doc, next.id, { status: "current" });
      setMeta(doc, {
        currentItemId: next?.id ?? null,
        itemStartedAt: next ? at : null,
        runStartedAt: agenda.meta.runStartedAt ?? at,
      });
    });
    props.announce(next ? t("run.now", { title: title(next) }) : t("run.allDone"));
  };

  const next = () => go(index + 1);
  const nextRef = useRef(next);
  nextRef.current = next;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key.toLowerCase();
      const focus = (selector: string) => {
        const field = document.querySelector<HTMLElement>(
          `article.agenda-item-current ${selector}`,
        );
        if (field) {
          event.preventDefault();
          field.focus();
        }
      };
      if (key === "n") {
        event.preventDefault();
        nextRef.current();
      } else if (key === "v") focus("[data-capture=decision]");
      else if (key === "o") focus("[data-capture=action]");
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const planned = agenda.items.reduce((sum, item) => sum + (item.plannedMinutes ?? 0), 0);
  const itemElapsed = agenda.meta.itemStartedAt ? now - agenda.meta.itemStartedAt : 0;
  const totalElapsed = agenda.meta.runStartedAt ? now - agenda.meta.runStartedAt : 0;
  const over = current?.plannedMinutes ? itemElapsed > current.plannedMinutes * 60_000 : false;

  return (
    <section className="run-bar" aria-labelledby="run-title">
      <h3 id="run-title">{t("run.title")}</h3>
      {!running ? (
        <button
          type="button"
          className="ds-button"
          data-variant="primary"
          onClick={() => go(0)}
          disabled={agenda.items.length === 0}
        >
          {t("run.start")}
        </button>
      ) : (
        <>
          <p className="run-current">
            {current ? t("run.now", { title: title(current) }) : t("run.allDone")}
          </p>
          <dl className="run-timers">
            <dt>{t("run.itemTime")}</dt>
            <dd className={over ? "run-over" : undefined}>
              {clock(itemElapsed)}
              {current?.plannedMinutes ? ` / ${current.plannedMinutes}:00` : ""}
              {over ? ` (${t("run.over")})` : ""}
            </dd>
            <dt>{t("run.totalTime")}</dt>
            <dd>
              {clock(totalElapsed)}
              {planned ? ` / ${planned}:00` : ""}
            </dd>
          </dl>
          <div className="run-actions">
            <button
              type="button"
              className="ds-button"
              data-variant="secondary"
              onClick={() => go(index - 1)}
              disabled={index <= 0}
            >
              {t("run.previous")}
            </button>
            <button
              type="button"
              className="ds-button"
              data-variant="primary"
              onClick={next}
              disabled={index >= agenda.items.length}
            >
              {index + 1 < agenda.items.length ? t("run.next") : t("run.finish")}
            </button>
          </div>
        </>
      )}
      <p className="muted">{t("run.shortcuts")}</p>
      <Checkbox
        id={`${idBase}-large`}
        label={t("run.largeType")}

        checked={large}
        onChange={(e) => setLarge(e.currentTarget.checked)}
      />
    </section>
  );
}

function ConnectionBadge({ state, keepLocal }: { state: ConnectionState; keepLocal: boolean }) {
  const t = useT();
  return (
    <p className={`connection connection-${state}`} role="status" aria-live="polite">
      <span className="connection-dot" aria-hidden />
      {t(`agenda.connection.${state}`)}
      {state === "offline"
        ? ` ${t(keepLocal ? "agenda.offlineKept" : "agenda.offlineNotKept")}`
        : ""}
    </p>
  );
}

/** A text field bound to a Y.Text: each keystroke is the smallest edit (others' typing stays). */
function SharedTextField(props: {
  text: Y.Text;
  label: string;
  maxLength: number;
  className?: string;
  multiline?: boolean;
}) {
  const [value, setValue] = useState(() => props.text.toString());
  useEffect(() => {
    const update = () => setValue(props.text.toString());
    update();
    props.text.observe(update);
    return () => props.text.unobserve(update);
  }, [props.text]);
  const onChange = (next: string) => {
    setValue(next);
    replaceText(props.text, next.slice(0, props.maxLength));
  };
  return props.multiline ? (
    <textarea
      aria-label={props.label}
      className={props.className}
      value={value}
      maxLength={props.maxLength}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  ) : (
    <input
      type="text"
      aria-label={props.label}
      className={props.className}
      value={value}
      maxLength={props.maxLength}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

interface ItemViewProps {
  doc: Y.Doc;
  item: AgendaItem;
  index: number;
  count: number;
  current: boolean;
  mode: LiveAgendaProps["mode"];
  role: AgendaRole;
  mayEdit: boolean;
  self: AgendaPerson;
  people: AgendaPerson[];
  nameOf(ref: Ref | null): string;
  announce(text: string): void;
  /** For the notes' editor: the connection (carets), who is writing, and a refusal's message. */
  provider: LiveDocument["provider"];
  user: { name: string; color: string; ref: string };
  onRefused(reason: "paste" | "size"): void;
  /** The shared objects the view reads from the document (itemParts), compared one by one. */
  parts: unknown[];
  /** Only the title, what is known about the item and its notes: the rest comes a moment later. */
  light: boolean;
}

/** Props equal for an item's view: the same values, and the same shared objects in `parts`. */
function sameItemProps(before: ItemViewProps, after: ItemViewProps): boolean {
  for (const key of Object.keys(after) as (keyof ItemViewProps)[]) {
    if (key === "parts") continue;
    if (!Object.is(before[key], after[key])) return false;
  }
  const [a, b] = [before.parts, after.parts];
  return a.length === b.length && a.every((part, i) => Object.is(part, b[i]));
}

/** One item; rendered again only when its own props or parts change (see LiveAgenda). */
const AgendaItemView = memo(function AgendaItemView(props: ItemViewProps) {
  const t = useT();
  const { doc, item, role, mayEdit } = props;
  const titleId = useId();
  const map = itemMap(doc, item.id);
  const title = sharedText(map, "title");
  const notes = itemNotes(doc, item.id);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const displayTitle = item.title.trim() || t("agenda.untitled");

  return (
    <article
      className={`agenda-item${props.current ? " agenda-item-current" : ""}`}
      aria-labelledby={titleId}
      aria-current={props.current ? "step" : undefined}
    >
      <header className="agenda-item-head">
        <h4 id={titleId} className={mayEdit ? "ds-sr-only" : undefined}>
          {props.index + 1}. {displayTitle}
        </h4>
        {mayEdit && title ? (
          <SharedTextField
            text={title}
            label={t("agenda.itemTitle", { number: props.index + 1 })}
            maxLength={LIMITS.title}
            className="ds-input agenda-item-title"
          />
        ) : null}
        <p className="agenda-item-meta">
          {[
            item.broughtBy ? t("agenda.broughtBy", { name: props.nameOf(item.broughtBy) }) : "",
            item.plannedMinutes ? t("agenda.minutes", { count: item.plannedMinutes }) : "",
            t(`agenda.status.${item.status}`),
            item.createdBy && item.createdBy !== item.broughtBy
              ? t("agenda.writtenBy", { name: props.nameOf(item.createdBy) })
              : "",
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      </header>

      {mayEdit && !props.light ? (
        <div className="agenda-item-fields">
          {role === "lead" ? (
            <label className="ds-label agenda-field">
              {t("agenda.broughtByLabel")}
              <select
                className="ds-input"
                value={item.broughtBy ?? ""}
                onChange={(event) =>
                  setItemFields(doc, item.id, { broughtBy: event.currentTarget.value || null })
                }
              >
                <option value="">{t("agenda.nobody")}</option>
                {props.people.map((person) => (
                  <option key={person.ref} value={person.ref}>
                    {person.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="ds-label agenda-field">
            {t("agenda.plannedMinutes")}
            <input
              className="ds-input"
              type="number"
              inputMode="numeric"
              min={1}
              max={LIMITS.minutes}
              value={item.plannedMinutes ?? ""}
              onChange={(event) => {
                const minutes = Number.parseInt(event.currentTarget.value, 10);
                setItemFields(doc, item.id, {
                  plannedMinutes:
                    Number.isInteger(minutes) && minutes > 0 && minutes <= LIMITS.minutes
                      ? minutes
                      : null,
                });
              }}
            />
          </label>
          {role === "lead" ? (
            <label className="ds-label agenda-field">
              {t("agenda.statusLabel")}
              <select
                className="ds-input"
                value={item.status}
                onChange={(event) =>
                  setItemFields(doc, item.id, { status: event.currentTarget.value as ItemStatus })
                }
              >
                {itemStatuses.map((status) => (
                  <option key={status} value={status}>
                    {t(`agenda.status.${status}`)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
      ) : null}

      <div className="agenda-item-notes">
        {notes ? (
          <LazyRichText
            fragment={notes}
            provider={props.provider}
            user={props.user}
            editable={role !== "read"}
            label={t("agenda.notesFor", { title: item.title })}
            onRefused={props.onRefused}
          />
        ) : null}
      </div>
      {props.light ? null : (
        <>
          {role === "lead" && notes ? (
            <PromptCardPicker fragment={notes} itemTitle={displayTitle} announce={props.announce} />
          ) : null}
          {props.mode === "network" || item.voices.length > 0 ? <Voices {...props} /> : null}
          {props.mode === "responsibility" ||
          role === "lead" ||
          item.decisions.length > 0 ||
          item.actions.length > 0 ? (
            <Outcomes {...props} />
          ) : null}
        </>
      )}

      {mayEdit && !props.light ? (
        <div className="agenda-item-actions">
          {role === "lead" ? (
            <>
              <button
                type="button"
                className="ds-button"
                data-variant="tertiary"
                disabled={props.index === 0}
                onClick={() => {
                  shiftItem(doc, item.id, -1);
                  props.announce(t("agenda.movedTo", { title: displayTitle, number: props.index }));
                }}
              >
                {t("agenda.moveUp")}
                <span className="ds-sr-only">: {displayTitle}</span>
              </button>
              <button
                type="button"
                className="ds-button"
                data-variant="tertiary"
                disabled={props.index === props.count - 1}
                onClick={() => {
                  shiftItem(doc, item.id, 1);
                  props.announce(
                    t("agenda.movedTo", { title: displayTitle, number: props.index + 2 }),
                  );
                }}
              >
                {t("agenda.moveDown")}
                <span className="ds-sr-only">: {displayTitle}</span>
              </button>
            </>
          ) : null}
          {confirmRemove ? (
            <span className="confirm-inline" role="group" aria-label={t("agenda.removeQuestion")}>
              {t("agenda.removeQuestion")}{" "}
              <button
                type="button"
                className="ds-button"
                data-variant="primary"
                data-color="danger"
                onClick={() => {
                  removeItem(doc, item.id);
                  props.announce(t("agenda.removed", { title: displayTitle }));
                }}
              >
                {t("agenda.removeYes")}
              </button>{" "}
              <button
                type="button"
                className="ds-button"
                data-variant="secondary"
                onClick={() => setConfirmRemove(false)}
              >
                {t("agenda.removeNo")}
              </button>
            </span>
          ) : (
            <button
              type="button"
              className="ds-button"
              data-variant="secondary"
              data-color="danger"
              onClick={() => setConfirmRemove(true)}
            >
              {t("agenda.remove")}
              <span className="ds-sr-only">: {displayTitle}</span>
            </button>
          )}
        </div>
      ) : null}
    </article>
  );
}, sameItemProps);

/** Each participant's contributions in their own words (network meetings). */
function Voices(props: ItemViewProps) {
  const t = useT();
  const { doc, item, role, self } = props;
  const [text, setText] = useState("");
  const fieldId = useId();
  const voices = itemMap(doc, item.id)?.get("voices") as Y.Map<Y.Map<unknown>> | undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    addVoice(doc, item.id, self.ref, text.trim());
    setText("");
    props.announce(t("agenda.voiceAdded"));
  };
  return (
    <section className="voices" aria-label={t("agenda.voices")}>
      <h5>{t("agenda.voices")}</h5>
      {item.voices.length === 0 ? <p className="muted">{t("agenda.noVoices")}</p> : null}
      <ul>
        {item.voices.map((voice) => {
          const own = voice.who === self.ref || role === "lead";
          const shared = voices?.get(voice.id);
          const sharedVoice = shared ? sharedText(shared, "text") : null;
          return (
            <li key={voice.id}>
              <strong>{props.nameOf(voice.who)}:</strong>{" "}
              {own && role !== "read" && voice.who === self.ref && sharedVoice ? (
                <SharedTextField
                  text={sharedVoice}
                  label={t("agenda.yourVoice")}
                  maxLength={LIMITS.voice}
                  multiline
                />
              ) : (
                <q>{voice.text}</q>
              )}
            </li>
          );
        })}
      </ul>
      {role !== "read" ? (
        <form onSubmit={submit} className="inline-form">
          <label htmlFor={fieldId}>{t("agenda.addVoice", { name: self.name })}</label>
          <textarea
            className="ds-input"
            id={fieldId}
            value={text}
            maxLength={LIMITS.voice}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <button type="submit" className="ds-button" data-variant="secondary">
            {t("agenda.addVoiceButton")}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** Decisions and actions (who does what by when), captured in one step each. */
function Outcomes(props: ItemViewProps) {
  const t = useT();
  const locale = useLocale();
  const { doc, item, role } = props;
  const decisionId = useId();
  const [decision, setDecision] = useState("");
  const [action, setAction] = useState({ what: "", responsible: "", due: "" });
  const whatRef = useRef<HTMLInputElement>(null);
  const actionMaps = itemMap(doc, item.id)?.get("actions") as Y.Map<unknown> | undefined;
  return (
    <section className="outcomes" aria-label={t("agenda.outcomes")}>
      <h5>{t("agenda.decisions")}</h5>
      {item.decisions.length === 0 ? <p className="muted">{t("agenda.noDecisions")}</p> : null}
      <ul>
        {item.decisions.map((entry) => (
          <li key={entry.id}>
            {entry.text}
            {role === "lead" ? (
              <button
                type="button"
                className="ds-button"
                data-variant="tertiary"
                data-size="sm"
                onClick={() => removeEntry(doc, item.id, "decisions", entry.id)}
              >
                {t("agenda.remove")}
                <span className="ds-sr-only">: {entry.text}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {role === "lead" ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!decision.trim()) return;
            addDecision(doc, item.id, decision.trim(), props.self.ref);
            setDecision("");
            props.announce(t("agenda.decisionAdded"));
          }}
        >
          <label htmlFor={decisionId}>{t("agenda.newDecision")}</label>
          <input
            className="ds-input"
            id={decisionId}
            data-capture="decision"
            type="text"
            value={decision}
            maxLength={LIMITS.line}
            onChange={(event) => setDecision(event.currentTarget.value)}
          />
          <button type="submit" className="ds-button" data-variant="secondary">
            {t("agenda.addDecision")}
          </button>
        </form>
      ) : null}

      <h5>{t("agenda.actions")}</h5>
      {item.actions.length === 0 ? <p className="muted">{t("agenda.noActions")}</p> : null}
      <ul className="actions-list">
        {item.actions.map((entry) => (
          <li key={entry.id}>
            {role === "lead" ? (
              <Checkbox
                id={`action-${entry.id}`}
                label={entry.what}

                checked={entry.status === "done"}
                onChange={(event) =>
                  setEntryField(
                    doc,
                    item.id,
                    "actions",
                    entry.id,
                    "status",
                    event.currentTarget.checked ? "done" : "open",
                  )
                }
              />
            ) : (
              <span>
                {entry.what}
                {entry.status === "done" ? ` (${t("agenda.actionDone")})` : ""}
              </span>
            )}{" "}
            <span className="muted">
              {entry.responsible ? `${props.nameOf(entry.responsible)}` : t("agenda.nobody")}
              {entry.due ? ` · ${t("agenda.due", { date: formatDate(locale, entry.due) })}` : ""}
              {entry.status === "in_progress" || entry.status === "blocked"
                ? ` · ${t(entry.status === "blocked" ? "tasks.status.blocked" : "tasks.status.in_progress")}`
                : ""}
            </span>
            <StatusNoteText
              note={readStatusNote(actionMaps?.get(entry.id), entry.status)}
              nameOf={props.nameOf}
            />
          </li>
        ))}
      </ul>
      {role === "lead" ? (
        <form
          className="inline-form action-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!action.what.trim()) return;
            addAction(
              doc,
              item.id,
              {
                what: action.what.trim(),
                responsible: action.responsible || null,
                due: /^\d{4}-\d{2}-\d{2}$/.test(action.due) ? action.due : null,
              },
              props.self.ref,
            );
            setAction({ what: "", responsible: "", due: "" });
            props.announce(t("agenda.actionAdded"));
            whatRef.current?.focus();
          }}
        >
          <fieldset>
            <legend>{t("agenda.newAction")}</legend>
            <label className="ds-label agenda-field">
              {t("agenda.actionWhat")}
              <input
                className="ds-input"
                ref={whatRef}
                data-capture="action"
                type="text"
                value={action.what}
                maxLength={LIMITS.line}
                onChange={(event) => setAction({ ...action, what: event.currentTarget.value })}
              />
            </label>
            <label className="ds-label agenda-field">
              {t("agenda.actionWho")}
              <select
                className="ds-input"
                value={action.responsible}
                onChange={(event) =>
                  setAction({ ...action, responsible: event.currentTarget.value })
                }
              >
                <option value="">{t("agenda.nobody")}</option>
                {props.people.map((person) => (
                  <option key={person.ref} value={person.ref}>
                    {person.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="ds-label agenda-field">
              {t("agenda.actionDue")}
              <input
                className="ds-input"
                type="date"
                value={action.due}
                onChange={(event) => setAction({ ...action, due: event.currentTarget.value })}
              />
            </label>
            <button type="submit" className="ds-button" data-variant="secondary">
              {t("agenda.addAction")}
            </button>
          </fieldset>
        </form>
      ) : null}
    </section>
  );
}

function NewItemForm(props: {
  doc: Y.Doc;
  mode: LiveAgendaProps["mode"];
  role: AgendaRole;
  self: AgendaPerson;
  people: AgendaPerson[];
  items: AgendaItem[];
  announce(text: string): void;
}) {
  const t = useT();
  const [title, setTitle] = useState("");
  // A leader chooses who brings an item; the person (who edits like a leader) and contributors
  // bring their own unless they choose otherwise.
  const [broughtBy, setBroughtBy] = useState<string>(
    props.role === "lead" && props.self.ref !== PERSON_REF ? "" : props.self.ref,
  );
  const [minutes, setMinutes] = useState("");
  const titleRef = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) {
      titleRef.current?.focus();
      props.announce(t("agenda.titleRequired"));
      return;
    }
    const by = props.role === "lead" ? broughtBy || null : props.self.ref;
    // In a network meeting the themes the person raises come first.
    let after: string | null | undefined;
    if (props.mode === "network" && by === PERSON_REF) {
      const theirs = props.items.filter((item) => item.broughtBy === PERSON_REF);
      after = theirs.at(-1)?.id ?? null;
    }
    const parsed = Number.parseInt(minutes, 10);
    try {
      addItem(props.doc, {
        title: title.trim(),
        broughtBy: by,
        createdBy: props.self.ref,
        plannedMinutes: parsed > 0 && parsed <= LIMITS.minutes ? parsed : null,
        after,
      });
    } catch {
      props.announce(t("agenda.full"));
      return;
    }
    setTitle("");
    setMinutes("");
    props.announce(t("agenda.itemAdded", { title: title.trim() }));
    titleRef.current?.focus();
  };
  return (
    <form className="new-item" onSubmit={submit}>
      <fieldset>
        <legend>{props.mode === "network" ? t("agenda.newTheme") : t("agenda.newItem")}</legend>
        <label className="ds-label agenda-field">
          {t("agenda.titleLabel")}
          <input
            className="ds-input"
            ref={titleRef}
            type="text"
            value={title}
            maxLength={LIMITS.title}
            onChange={(event) => setTitle(event.currentTarget.value)}
          />
        </label>
        {props.role === "lead" ? (
          <label className="ds-label agenda-field">
            {t("agenda.broughtByLabel")}
            <select
              className="ds-input"
              value={broughtBy}
              onChange={(event) => setBroughtBy(event.currentTarget.value)}
            >
              <option value="">{t("agenda.nobody")}</option>
              {props.people.map((person) => (
                <option key={person.ref} value={person.ref}>
                  {person.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="ds-label agenda-field">
          {t("agenda.plannedMinutes")}
          <input
            className="ds-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={LIMITS.minutes}
            value={minutes}
            onChange={(event) => setMinutes(event.currentTarget.value)}
          />
        </label>
        <button type="submit" className="ds-button" data-variant="primary">
          {props.mode === "network" ? t("agenda.addTheme") : t("agenda.addItem")}
        </button>
      </fieldset>
    </form>
  );
}
