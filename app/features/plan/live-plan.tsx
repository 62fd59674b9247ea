import { useEffect, useId, useState, type ReactNode } from "react";
import * as Y from "yjs";
import { lifeAreas, type LifeArea, type PlanPart } from "../../../db/enums";
import { Checkbox } from "../../components/forms";
import { useT } from "../../i18n";
import { replaceText } from "../agenda/document";
import { readStatusNote, StatusNoteText } from "../tasks/status-note";
import { NewEntryForm } from "./entry-form";
import { useDocValue, type LiveDocument } from "../agenda/live";
import { deleteLocalCopies, localCopyName } from "../agenda/offline";
import { KeepLocalCopyCheckbox, useKeepLocalCopy, useLiveDocumentAs } from "../agenda/live-session";
import { PERSON_REF, type Ref } from "../documents/shapes";
import {
  addContribution,
  addCrisisContact,
  addGoal,
  addPlanAction,
  addSubGoal,
  chimeElements,
  chooseAreas,
  crisisText,
  CRISIS_TEXTS,
  entryText,
  goalStatuses,
  PLAN_LIMITS,
  PLAN_PARTS,
  planActionStatuses,
  readAreaPlan,
  readCrisisPlan,
  readOverview,
  removePlanEntry,
  setCrisisDates,
  setGoal,
  setOverview,
  setPlanAction,
  setSubGoalReached,
  type Goal,
  type GoalStatus,
  type PlanActionStatus,
  type RemovablePart,
} from "./document";
import type { PlanPageData, PlanPerson } from "./plan-page.server";
import {
  AreaReadView,
  CrisisReadView,
  DateText,
  HiddenPart,
  OverviewReadView,
  useNameOf,
} from "./plan-view";

/*
 * The live plan (issue 12): one live connection per part document the viewer may see (ADR
 * 017): the overview, each chosen life area and the crisis plan. Leaders and the person edit;
 * a partner reads the parts their consent covers and sees a calm line for the rest. The
 * person's own words are theirs: a leader writes a goal down as the person says it, and after
 * that only the person changes the words (policy.ts, which the server applies too). Every
 * control is a native field or button, so the page works by keyboard alone; changes are
 * announced in one polite live region. When access to a part is withdrawn (4403), what was
 * shown of it goes away at once, with the reason.
 */

export type LivePlanProps = Omit<PlanPageData, "snapshot">;

interface PartContext {
  props: LivePlanProps;
  keepLocal: boolean;
  announce(text: string): void;
  nameOf(ref: Ref | null): string;
}

function documentName(networkId: string, part?: PlanPart) {
  return part ? `plan:${networkId}:${part}` : `plan:${networkId}`;
}

/** The live connection to one plan document, with the person's ticket URL when on their link. */
function usePlanDocument(ctx: PartContext, part?: PlanPart): LiveDocument {
  const name = documentName(ctx.props.networkId, part);
  return useLiveDocumentAs(
    {
      documentName: name,
      ownerKey: ctx.props.ownerKey,
      ticketUrl: ctx.props.ticketBase ? ctx.props.ticketBase + encodeURIComponent(name) : undefined,
      keepLocal: ctx.keepLocal,
    },
    ctx.props.self,
  );
}

export default function LivePlan(props: LivePlanProps) {
  const t = useT();
  const [keepChoice, setKeepLocal] = useKeepLocalCopy();
  // A reader writes nothing, so a copy in the browser would only keep health data there
  // unencrypted for no gain: readers keep none (and one kept before goes), and see no choice.
  const mayKeep = props.role === "edit";
  const keepLocal = keepChoice && mayKeep;
  useEffect(() => {
    if (!mayKeep)
      void deleteLocalCopies(localCopyName(props.ownerKey, documentName(props.networkId)));
  }, [mayKeep, props.ownerKey, props.networkId]);
  const [announcement, setAnnouncement] = useState("");
  const nameOf = useNameOf(props.people);
  const ctx: PartContext = { props, keepLocal, announce: setAnnouncement, nameOf };
  const visible = new Set(props.visible);
  return (
    <div className="live-plan">
      <p className="ds-sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <OverviewPart ctx={ctx}>
        {(areas) => (
          <>
            {areas.map((area) =>
              visible.has(area) ? (
                <AreaPart key={area} ctx={ctx} area={area} />
              ) : (
                <HiddenPart key={area} title={t(`planPart.${area}`)} />
              ),
            )}
            {visible.has("crisis_plan") ? (
              <CrisisPart ctx={ctx} />
            ) : (
              <HiddenPart title={t("planPart.crisis_plan")} />
            )}
          </>
        )}
      </OverviewPart>
      {mayKeep ? (
        <div className="agenda-footer">
          <KeepLocalCopyCheckbox keepLocal={keepLocal} onChange={setKeepLocal} />
        </div>
      ) : null}
    </div>
  );
}

/** Why a part's connection ended for good, and a way to start again after a refusal. */
function Ended({ live }: { live: LiveDocument }) {
  const t = useT();
  if (!live.ended) return null;
  return (
    <div className="ds-alert" data-color="warning" role="alert">
      <p>{t(`agenda.ended.${live.ended}`)}</p>
      {live.ended === "refused" || live.ended === "tooLarge" ? (
        <button type="button" className="ds-button" data-variant="secondary" onClick={live.restart}>
          {t("agenda.restart")}
        </button>
      ) : null}
    </div>
  );
}

function OverviewPart(props: { ctx: PartContext; children(areas: LifeArea[]): ReactNode }) {
  const { ctx } = props;
  const t = useT();
  const live = usePlanDocument(ctx);
  const { doc } = live;
  const overview = useDocValue(doc, (d) => readOverview(d).overview);
  const edit = ctx.props.role === "edit" && !live.ended;
  return (
    <>
      <section className="plan-part" aria-labelledby="plan-overview-title" data-state={live.state}>
        <h2 id="plan-overview-title">{t("plan.overview")}</h2>
        <p className={`connection connection-${live.state}`} role="status" aria-live="polite">
          <span className="connection-dot" aria-hidden />
          {t(`agenda.connection.${live.state}`)}
        </p>
        <Ended live={live} />
        {live.ended === "accessWithdrawn" ? null : edit ? (
          <OverviewEditor ctx={ctx} doc={doc} overview={overview} />
        ) : (
          <OverviewReadView
            overview={overview}
            revisionOn={ctx.props.revisionOn}
            nameOf={ctx.nameOf}
          />
        )}
      </section>
      {live.ended === "accessWithdrawn" ? null : props.children(overview.areas)}
    </>
  );
}

function OverviewEditor(props: {
  ctx: PartContext;
  doc: Y.Doc;
  overview: ReturnType<typeof readOverview>["overview"];
}) {
  const { ctx, doc, overview } = props;
  const t = useT();
  const id = useId();
  const chosen = new Set(overview.areas);
  const dateField = (key: "periodFrom" | "periodTo" | "personConsentOn", label: string) => (
    <label className="ds-label agenda-field">
      {label}
      <input
        className="ds-input"
        type="date"
        value={overview[key] ?? ""}
        onChange={(event) => setOverview(doc, { [key]: event.currentTarget.value || null })}
      />
    </label>
  );
  return (
    <>
      <fieldset className="plan-areas">
        <legend>{t("plan.areasChosen")}</legend>
        <p className="muted">{t("plan.areasHint")}</p>
        {lifeAreas.map((area) => (
          <Checkbox
            key={area}
            id={`${id}-area-${area}`}
            label={t(`planPart.${area}`)}
            checked={chosen.has(area)}
            onChange={(event) => {
              const on = event.currentTarget.checked;
              // Chosen areas keep their order; a new one goes last.
              const next = on
                ? [...overview.areas, area]
                : overview.areas.filter((a) => a !== area);
              chooseAreas(doc, next);
            }}
          />
        ))}
      </fieldset>
      <label className="ds-label agenda-field">
        {t("plan.coordinator")}
        <select
          className="ds-input"
          value={overview.coordinator ?? ""}
          onChange={(event) => setOverview(doc, { coordinator: event.currentTarget.value || null })}
        >
          <option value="">{t("plan.nobody")}</option>
          {ctx.props.people
            .filter((p) => p.ref !== PERSON_REF)
            .map((p) => (
              <option key={p.ref} value={p.ref}>
                {p.name}
              </option>
            ))}
        </select>
      </label>
      {dateField("periodFrom", t("plan.periodFrom"))}
      {dateField("periodTo", t("plan.periodTo"))}
      <p>
        {t("plan.revisionOn")}: <DateText value={ctx.props.revisionOn} />{" "}
        <span className="muted">{t("plan.revisionHint")}</span>
      </p>
      {dateField("personConsentOn", t("plan.personConsentOn"))}
      <h3>{t("plan.contributions")}</h3>
      {overview.contributions.length === 0 ? (
        <p className="muted">{t("plan.noContributions")}</p>
      ) : null}
      <ul>
        {overview.contributions.map((c) => {
          const shared = entryText(doc, PLAN_PARTS.contributions, c.id, "text");
          return (
            <li key={c.id}>
              {shared ? (
                <SharedTextField
                  text={shared}
                  label={t("plan.contributionOf", { name: ctx.nameOf(c.who) })}
                  maxLength={PLAN_LIMITS.words}
                  visibleLabel
                />
              ) : (
                <>
                  <strong>{ctx.nameOf(c.who)}:</strong> {c.text}
                </>
              )}
              <RemoveEntry
                ctx={ctx}
                doc={doc}
                part="contributions"
                id={c.id}
                what={`${ctx.nameOf(c.who)}: ${c.text}`}
              />
            </li>
          );
        })}
      </ul>
      <NewEntryForm
        startOpen={overview.contributions.length === 0}
        legend={t("plan.newContribution")}
        fields={[
          {
            key: "who",
            label: t("plan.contributionWho"),
            kind: "select",
            options: peopleOptions(ctx.props.people),
          },
          {
            key: "text",
            label: t("plan.contributionText"),
            kind: "text",
            maxLength: PLAN_LIMITS.line,
          },
        ]}
        required="text"
        initial={{ who: PERSON_REF, text: "" }}
        submitLabel={t("plan.addContribution")}
        added={t("plan.contributionAdded")}
        announce={ctx.announce}
        onAdd={({ who, text }) => addContribution(doc, who, text)}
      />
    </>
  );
}

/** The people of the plan as select options, after a "nobody" option when `none` names it. */
function peopleOptions(people: PlanPerson[], none?: string) {
  return [
    ...(none === undefined ? [] : [{ value: "", label: none }]),
    ...people.map((p) => ({ value: p.ref, label: p.name })),
  ];
}

function AreaPart({ ctx, area }: { ctx: PartContext; area: LifeArea }) {
  const t = useT();
  const live = usePlanDocument(ctx, area);
  const plan = useDocValue(live.doc, (d) => readAreaPlan(d).plan);
  const edit = ctx.props.role === "edit" && !live.ended;
  const title = t(`planPart.${area}`);
  return (
    <section className="plan-part" aria-labelledby={`plan-${area}-title`} data-state={live.state}>
      <h2 id={`plan-${area}-title`}>{title}</h2>
      <Ended live={live} />
      {live.ended === "accessWithdrawn" ? null : edit ? (
        <>
          <h3>{t("plan.goals")}</h3>
          {plan.goals.length === 0 ? <p className="muted">{t("plan.noGoals")}</p> : null}
          <ul className="plan-goals">
            {plan.goals.map((goal) => (
              <li key={goal.id}>
                <GoalEditor ctx={ctx} doc={live.doc} goal={goal} />
              </li>
            ))}
          </ul>
          <NewGoalForm ctx={ctx} doc={live.doc} area={title} startOpen={plan.goals.length === 0} />
          <h3>{t("plan.actions")}</h3>
          {plan.actions.length === 0 ? <p className="muted">{t("plan.noActions")}</p> : null}
          <ul className="plan-actions">
            {plan.actions.map((action) => {
              const what = entryText(live.doc, PLAN_PARTS.actions, action.id, "what");
              const goal = plan.goals.find((g) => g.id === action.goalId);
              return (
                <li key={action.id} className="plan-action">
                  {what ? (
                    <SharedTextField
                      text={what}
                      label={t("plan.actionWhat")}
                      maxLength={PLAN_LIMITS.line}
                      visibleLabel
                    />
                  ) : (
                    <p>{action.what}</p>
                  )}
                  <div className="plan-action-facts">
                    <label className="ds-label agenda-field">
                      {t("plan.responsible")}
                      <select
                        className="ds-input"
                        value={action.responsible ?? ""}
                        onChange={(event) =>
                          setPlanAction(live.doc, action.id, {
                            responsible: event.currentTarget.value || null,
                          })
                        }
                      >
                        {peopleOptions(ctx.props.people, t("plan.nobody")).map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label className="ds-label agenda-field">
                      {t("plan.due")}
                      <input
                        className="ds-input"
                        type="date"
                        value={action.due ?? ""}
                        onChange={(event) =>
                          setPlanAction(live.doc, action.id, {
                            due: event.currentTarget.value || null,
                          })
                        }
                      />
                    </label>
                    <label className="ds-label agenda-field">
                      {t("plan.status")}
                      <select
                        className="ds-input"
                        value={action.status}
                        onChange={(event) =>
                          setPlanAction(live.doc, action.id, {
                            status: event.currentTarget.value as PlanActionStatus,
                          })
                        }
                      >
                        {planActionStatuses.map((s) => (
                          <option key={s} value={s}>
                            {t(`plan.actionStatus.${s}`)}
                          </option>
                        ))}
                      </select>
                    </label>
                  </div>
                  <StatusNoteText
                    note={readStatusNote(
                      live.doc.getMap(PLAN_PARTS.actions).get(action.id),
                      action.status,
                    )}
                    nameOf={ctx.nameOf}
                  />
                  {goal ? (
                    <p className="muted">
                      {t("plan.servesGoal")}: {goal.inMyWords}
                    </p>
                  ) : null}
                  <RemoveEntry
                    ctx={ctx}
                    doc={live.doc}
                    part="actions"
                    id={action.id}
                    what={action.what}
                  />
                </li>
              );
            })}
          </ul>
          <NewActionForm
            ctx={ctx}
            doc={live.doc}
            goals={plan.goals}
            startOpen={plan.actions.length === 0}
          />
        </>
      ) : (
        <AreaReadView
          plan={plan}
          nameOf={ctx.nameOf}
          afterAction={(action) => (
            <StatusNoteText
              note={readStatusNote(
                live.doc.getMap(PLAN_PARTS.actions).get(action.id),
                action.status,
              )}
              nameOf={ctx.nameOf}
            />
          )}
        />
      )}
    </section>
  );
}

function GoalEditor({ ctx, doc, goal }: { ctx: PartContext; doc: Y.Doc; goal: Goal }) {
  const t = useT();
  const id = useId();
  const [sub, setSub] = useState("");
  const isPerson = ctx.props.self.ref === PERSON_REF;
  const words = entryText(doc, PLAN_PARTS.goals, goal.id, "inMyWords");
  const resources = entryText(doc, PLAN_PARTS.goals, goal.id, "resources");
  return (
    <article className="plan-goal">
      {isPerson && words ? (
        <SharedTextField
          text={words}
          label={t("plan.inMyWords")}
          maxLength={PLAN_LIMITS.words}
          multiline
          visibleLabel
        />
      ) : (
        <p className="plan-words">
          <span className="plan-label">{t("plan.inMyWords")}:</span> <q>{goal.inMyWords}</q>{" "}
          <span className="muted">{t("plan.inMyWordsLocked")}</span>
        </p>
      )}
      <label className="ds-label agenda-field">
        {t("plan.goalStatusLabel")}
        <select
          className="ds-input"
          value={goal.status}
          onChange={(event) =>
            setGoal(doc, goal.id, { status: event.currentTarget.value as GoalStatus })
          }
        >
          {goalStatuses.map((s) => (
            <option key={s} value={s}>
              {t(`plan.goalStatus.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="plan-chime">
        <legend>{t("plan.chime")}</legend>
        {chimeElements.map((tag) => (
          <Checkbox
            key={tag}
            id={`${id}-${tag}`}
            label={t(`plan.chime.${tag}`)}
            checked={goal.chime.includes(tag)}
            onChange={(event) =>
              setGoal(doc, goal.id, { chime: { tag, on: event.currentTarget.checked } })
            }
          />
        ))}
      </fieldset>
      {resources ? (
        <SharedTextField
          text={resources}
          label={t("plan.resources")}
          maxLength={PLAN_LIMITS.words}
          multiline
          visibleLabel
        />
      ) : null}
      <fieldset className="plan-subgoals">
        <legend>{t("plan.subGoals")}</legend>
        {goal.subGoals.map((s) => (
          <Checkbox
            key={s.id}
            id={`${id}-sub-${s.id}`}
            label={s.text}
            checked={s.reached}
            onChange={(event) => setSubGoalReached(doc, goal.id, s.id, event.currentTarget.checked)}
          />
        ))}
        <form
          className="plan-inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!sub.trim()) return ctx.announce(t("plan.textRequired"));
            addSubGoal(doc, goal.id, sub.trim());
            setSub("");
            ctx.announce(t("plan.subGoalAdded"));
          }}
        >
          <label className="ds-label agenda-field">
            {t("plan.newSubGoal")}
            <input
              className="ds-input"
              type="text"
              value={sub}
              maxLength={PLAN_LIMITS.line}
              onChange={(event) => setSub(event.currentTarget.value)}
            />
          </label>
          <button type="submit" className="ds-button" data-variant="secondary">
            {t("plan.addSubGoal")}
          </button>
        </form>
      </fieldset>
      {isPerson || goal.createdBy !== PERSON_REF ? (
        <RemoveEntry ctx={ctx} doc={doc} part="goals" id={goal.id} what={goal.inMyWords} />
      ) : null}
    </article>
  );
}

function NewGoalForm({
  ctx,
  doc,
  area,
  startOpen,
}: {
  ctx: PartContext;
  doc: Y.Doc;
  area: string;
  startOpen: boolean;
}) {
  const t = useT();
  const isPerson = ctx.props.self.ref === PERSON_REF;
  return (
    <NewEntryForm
      className="plan-new-goal"
      startOpen={startOpen}
      legend={t("plan.newGoalIn", { area })}
      fields={[
        {
          key: "inMyWords",
          label: t("plan.inMyWords"),
          hint: isPerson ? undefined : t("plan.newGoalHint"),
          kind: "textarea",
          maxLength: PLAN_LIMITS.words,
        },
      ]}
      required="inMyWords"
      initial={{ inMyWords: "" }}
      submitLabel={t("plan.addGoal")}
      primary
      added={t("plan.goalAdded")}
      announce={ctx.announce}
      onAdd={({ inMyWords }) => addGoal(doc, { inMyWords, by: ctx.props.self.ref })}
    />
  );
}

function NewActionForm({
  ctx,
  doc,
  goals,
  startOpen,
}: {
  ctx: PartContext;
  doc: Y.Doc;
  goals: Goal[];
  startOpen: boolean;
}) {
  const t = useT();
  return (
    <NewEntryForm
      className="plan-new-action"
      startOpen={startOpen}
      legend={t("plan.newAction")}
      fields={[
        { key: "what", label: t("plan.actionWhat"), kind: "text", maxLength: PLAN_LIMITS.line },
        {
          key: "responsible",
          label: t("plan.responsible"),
          kind: "select",
          options: peopleOptions(ctx.props.people, t("plan.nobody")),
        },
        { key: "due", label: t("plan.due"), kind: "date" },
        {
          key: "goalId",
          label: t("plan.servesGoal"),
          kind: "select",
          options: [
            { value: "", label: t("plan.noGoal") },
            ...goals.map((g) => ({ value: g.id, label: g.inMyWords.slice(0, 80) })),
          ],
        },
      ]}
      required="what"
      initial={{ what: "", responsible: "", due: "", goalId: "" }}
      submitLabel={t("plan.addAction")}
      added={t("plan.actionAdded")}
      announce={ctx.announce}
      onAdd={(action) =>
        addPlanAction(doc, {
          what: action.what,
          responsible: action.responsible || null,
          due: action.due || null,
          goalId: action.goalId || null,
          by: ctx.props.self.ref,
        })
      }
    />
  );
}

function CrisisPart({ ctx }: { ctx: PartContext }) {
  const t = useT();
  const live = usePlanDocument(ctx, "crisis_plan");
  const { doc } = live;
  const crisis = useDocValue(doc, (d) => readCrisisPlan(d).crisis);
  const edit = ctx.props.role === "edit" && !live.ended;
  const texts = doc.getMap(PLAN_PARTS.crisis);
  return (
    <section className="plan-part" aria-labelledby="plan-crisis-title" data-state={live.state}>
      <h2 id="plan-crisis-title">{t("planPart.crisis_plan")}</h2>
      <Ended live={live} />
      {live.ended === "accessWithdrawn" ? null : edit ? (
        <>
          {CRISIS_TEXTS.map((key) => {
            const current = texts.get(key);
            return (
              <SharedTextField
                key={key}
                text={current instanceof Y.Text ? current : null}
                create={() => crisisText(doc, key)}
                label={t(`plan.crisis.${key}`)}
                maxLength={PLAN_LIMITS.words}
                multiline
                visibleLabel
              />
            );
          })}
          <h3>{t("plan.contacts")}</h3>
          {crisis.contacts.length === 0 ? <p className="muted">{t("plan.noContacts")}</p> : null}
          <ul>
            {crisis.contacts.map((c) => (
              <li key={c.id}>
                <strong>{c.name}</strong>
                {c.how ? `: ${c.how}` : ""}
                <RemoveEntry ctx={ctx} doc={doc} part="contacts" id={c.id} what={c.name} />
              </li>
            ))}
          </ul>
          <NewEntryForm
            startOpen={crisis.contacts.length === 0}
            legend={t("plan.newContact")}
            fields={[
              {
                key: "name",
                label: t("plan.contactName"),
                kind: "text",
                maxLength: PLAN_LIMITS.line,
              },
              {
                key: "how",
                label: t("plan.contactHow"),
                kind: "text",
                maxLength: PLAN_LIMITS.line,
              },
            ]}
            required="name"
            initial={{ name: "", how: "" }}
            submitLabel={t("plan.addContact")}
            added={t("plan.contactAdded")}
            announce={ctx.announce}
            onAdd={({ name, how }) => addCrisisContact(doc, name, how.trim())}
          />
          {(["agreedOn", "revisedOn"] as const).map((key) => (
            <label key={key} className="ds-label agenda-field">
              {t(`plan.${key}`)}
              <input
                className="ds-input"
                type="date"
                value={crisis[key] ?? ""}
                onChange={(event) =>
                  setCrisisDates(doc, { [key]: event.currentTarget.value || null })
                }
              />
            </label>
          ))}
        </>
      ) : (
        <CrisisReadView crisis={crisis} />
      )}
    </section>
  );
}

/**
 * A text field bound to a Y.Text: each keystroke is the smallest edit, so others' typing in
 * the same text stays (as in the agenda). Without a text yet, `create` makes it at the first
 * keystroke; the field stays the same element, so focus stays.
 */
function SharedTextField(props: {
  text: Y.Text | null;
  create?: () => Y.Text;
  label: string;
  maxLength: number;
  multiline?: boolean;
  visibleLabel?: boolean;
}) {
  const { text } = props;
  const [value, setValue] = useState(() => text?.toString() ?? "");
  useEffect(() => {
    if (!text) return;
    const update = () => setValue(text.toString());
    update();
    text.observe(update);
    return () => text.unobserve(update);
  }, [text]);
  const onChange = (next: string) => {
    setValue(next);
    const target = text ?? props.create?.();
    if (target) replaceText(target, next.slice(0, props.maxLength));
  };
  const field = props.multiline ? (
    <textarea
      aria-label={props.visibleLabel ? undefined : props.label}
      className="ds-input"
      value={value}
      maxLength={props.maxLength}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  ) : (
    <input
      type="text"
      aria-label={props.visibleLabel ? undefined : props.label}
      className="ds-input"
      value={value}
      maxLength={props.maxLength}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
  return props.visibleLabel ? (
    <label className="ds-label agenda-field">
      {props.label}
      {field}
    </label>
  ) : (
    field
  );
}

/**
 * Removing an entry, asked once more inline (as removing an agenda item): the first press asks,
 * "Yes, remove" removes and announces it, "No, keep" goes back. `what` names the entry for
 * screen readers.
 */
function RemoveEntry(props: {
  ctx: PartContext;
  doc: Y.Doc;
  part: RemovablePart;
  id: string;
  what: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const short = props.what.length > 60 ? `${props.what.slice(0, 60)}…` : props.what;
  if (!asking) {
    return (
      <p className="plan-remove">
        <button
          type="button"
          className="ds-button"
          data-variant="tertiary"
          data-color="danger"
          data-size="sm"
          onClick={() => setAsking(true)}
        >
          {t("agenda.remove")}
          <span className="ds-sr-only">: {short}</span>
        </button>
      </p>
    );
  }
  return (
    <p className="plan-remove" role="group" aria-label={t("plan.removeQuestion", { what: short })}>
      {t("plan.removeQuestion", { what: short })}{" "}
      <button
        type="button"
        className="ds-button"
        data-variant="primary"
        data-color="danger"
        data-size="sm"
        onClick={() => {
          removePlanEntry(props.doc, props.part, props.id);
          props.ctx.announce(t("plan.removed", { what: short }));
        }}
      >
        {t("agenda.removeYes")}
      </button>{" "}
      <button
        type="button"
        className="ds-button"
        data-variant="secondary"
        data-size="sm"
        onClick={() => setAsking(false)}
      >
        {t("agenda.removeNo")}
      </button>
    </p>
  );
}
