import { formatDate, useLocale, useT } from "../../i18n";
import type { Ref } from "../documents/shapes";
import type { ReactNode } from "react";
import type { AreaPlan, CrisisPlan, PlanAction, PlanOverview } from "./document";
import { StatusNoteText } from "../tasks/status-note-text";
import type { PlanPerson, PlanSnapshot } from "./plan-page.server";

/*
 * The plan as text, for the print page and for the live page before (and without) its live
 * editor: the overview, each chosen life area with goals and actions, and the crisis plan. A
 * part the reader may not see is one calm line saying so and why, never its content (the
 * server did not read it). Browser and server share these components.
 */

/** Display names of refs; an unknown ref reads as "someone". */
export function useNameOf(people: PlanPerson[]): (ref: Ref | null) => string {
  const t = useT();
  const names = new Map(people.map((p) => [p.ref, p.name]));
  return (ref) => (ref ? (names.get(ref) ?? t("agenda.someone")) : "");
}

/** The calm line for a part of the plan the reader may not see. */
export function HiddenPart({ title }: { title: string }) {
  const t = useT();
  return (
    <section className="plan-part plan-part-hidden" aria-label={title}>
      <h2>{title}</h2>
      <p className="muted">{t("plan.hiddenPart")}</p>
    </section>
  );
}

/** A date or "not set". */
export function DateText({ value }: { value: string | null }) {
  const t = useT();
  const locale = useLocale();
  return <>{value ? formatDate(locale, value) : t("plan.noDate")}</>;
}

export function OverviewReadView(props: {
  overview: PlanOverview;
  revisionOn: string | null;
  nameOf(ref: Ref | null): string;
}) {
  const t = useT();
  const { overview } = props;
  return (
    <>
      <dl className="plan-facts">
        <dt>{t("plan.areasChosen")}</dt>
        <dd>
          {overview.areas.length
            ? overview.areas.map((a) => t(`planPart.${a}`)).join(", ")
            : t("plan.noAreas")}
        </dd>
        <dt>{t("plan.coordinator")}</dt>
        <dd>{props.nameOf(overview.coordinator) || t("plan.nobody")}</dd>
        <dt>{t("plan.period")}</dt>
        <dd>
          <DateText value={overview.periodFrom} /> – <DateText value={overview.periodTo} />
        </dd>
        <dt>{t("plan.revisionOn")}</dt>
        <dd>
          <DateText value={props.revisionOn} />
        </dd>
        <dt>{t("plan.personConsentOn")}</dt>
        <dd>
          <DateText value={overview.personConsentOn} />
        </dd>
      </dl>
      <h3>{t("plan.contributions")}</h3>
      {overview.contributions.length === 0 ? (
        <p className="muted">{t("plan.noContributions")}</p>
      ) : (
        <ul>
          {overview.contributions.map((c) => (
            <li key={c.id}>
              <strong>{props.nameOf(c.who)}:</strong> {c.text}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/**
 * One life area's goals and actions as text. `afterAction` adds what only the live page knows
 * under an action (its status note, live-plan.tsx).
 */
export function AreaReadView(props: {
  plan: AreaPlan;
  nameOf(ref: Ref | null): string;
  afterAction?(action: PlanAction): ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const { goals, actions } = props.plan;
  const goalText = new Map(goals.map((g) => [g.id, g.inMyWords]));
  return (
    <>
      <h3>{t("plan.goals")}</h3>
      {goals.length === 0 ? <p className="muted">{t("plan.noGoals")}</p> : null}
      <ul className="plan-goals">
        {goals.map((goal) => (
          <li key={goal.id}>
            <p className="plan-words">
              <span className="plan-label">{t("plan.inMyWords")}:</span> <q>{goal.inMyWords}</q>
            </p>
            <p className="muted">
              {[
                t(`plan.goalStatus.${goal.status}`),
                ...goal.chime.map((tag) => t(`plan.chime.${tag}`)),
              ].join(" · ")}
            </p>
            {goal.resources ? (
              <p>
                <span className="plan-label">{t("plan.resources")}:</span> {goal.resources}
              </p>
            ) : null}
            {goal.subGoals.length ? (
              <>
                <p className="plan-label">{t("plan.subGoals")}</p>
                <ul>
                  {goal.subGoals.map((sub) => (
                    <li key={sub.id}>
                      {sub.text}
                      {sub.reached ? ` (${t("plan.reached")})` : ""}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </li>
        ))}
      </ul>
      <h3>{t("plan.actions")}</h3>
      {actions.length === 0 ? <p className="muted">{t("plan.noActions")}</p> : null}
      <ul className="plan-actions">
        {actions.map((action) => (
          <li key={action.id}>
            {[
              action.what,
              `${t("plan.responsible")}: ${props.nameOf(action.responsible) || t("plan.nobody")}`,
              action.due ? `${t("plan.due")}: ${formatDate(locale, action.due)}` : null,
              t(`plan.actionStatus.${action.status}`),
              action.goalId ? `${t("plan.servesGoal")}: ${goalText.get(action.goalId)}` : null,
            ]
              .filter(Boolean)
              .join(" – ")}
            {props.afterAction?.(action)}
          </li>
        ))}
      </ul>
    </>
  );
}

export function CrisisReadView({ crisis }: { crisis: CrisisPlan }) {
  const t = useT();
  return (
    <>
      {(["earlySigns", "whatHelps", "whatOthersDo"] as const).map((key) => (
        <div key={key}>
          <h3>{t(`plan.crisis.${key}`)}</h3>
          <p className="plan-text">{crisis[key] || t("plan.notWritten")}</p>
        </div>
      ))}
      <h3>{t("plan.contacts")}</h3>
      {crisis.contacts.length === 0 ? (
        <p className="muted">{t("plan.noContacts")}</p>
      ) : (
        <ul>
          {crisis.contacts.map((c) => (
            <li key={c.id}>
              <strong>{c.name}</strong>
              {c.how ? `: ${c.how}` : ""}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        {t("plan.agreedOn")}: <DateText value={crisis.agreedOn} /> · {t("plan.revisedOn")}:{" "}
        <DateText value={crisis.revisedOn} />
      </p>
    </>
  );
}

/** The whole plan as far as the reader may see it (the snapshot read on the server). */
export function PlanReadView(props: {
  snapshot: PlanSnapshot;
  people: PlanPerson[];
  revisionOn: string | null;
}) {
  const t = useT();
  const nameOf = useNameOf(props.people);
  const { overview, areas, crisis } = props.snapshot;
  return (
    <div className="plan-read">
      <section className="plan-part" aria-labelledby="plan-overview-title">
        <h2 id="plan-overview-title">{t("plan.overview")}</h2>
        <OverviewReadView overview={overview} revisionOn={props.revisionOn} nameOf={nameOf} />
      </section>
      {areas.map(({ area, plan, statusNotes }) =>
        plan ? (
          <section key={area} className="plan-part" aria-labelledby={`plan-${area}-title`}>
            <h2 id={`plan-${area}-title`}>{t(`planPart.${area}`)}</h2>
            <AreaReadView
              plan={plan}
              nameOf={nameOf}
              afterAction={(action) => (
                <StatusNoteText note={statusNotes[action.id] ?? null} nameOf={nameOf} />
              )}
            />
          </section>
        ) : (
          <HiddenPart key={area} title={t(`planPart.${area}`)} />
        ),
      )}
      {crisis ? (
        <section className="plan-part" aria-labelledby="plan-crisis-title">
          <h2 id="plan-crisis-title">{t("planPart.crisis_plan")}</h2>
          <CrisisReadView crisis={crisis} />
        </section>
      ) : (
        <HiddenPart title={t("planPart.crisis_plan")} />
      )}
    </div>
  );
}

/** The person's plan page for a link that may not open it (the 404 answer's body). */
export function PlanLinkInvalid() {
  const t = useT();
  return (
    <section className="panel narrow" aria-labelledby="plan-title">
      <h1 id="plan-title">{t("plan.yourPlan")}</h1>
      <p>{t("invitation.invalid")}</p>
    </section>
  );
}
