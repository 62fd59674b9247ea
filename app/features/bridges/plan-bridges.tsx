import { useT } from "../../i18n";
import type { PlanPageData } from "../plan/plan-page.server";
import { BridgeList } from "./bridge-list";

/*
 * The bridges in the plan (issue 13): under each goal of the parts the reader may see, the
 * offerings proposed for it, and — for leaders who manage the network — "Foreslå tilbud" for
 * the goal and each of its actions. Bridges tied to no goal the reader sees come last.
 */

/** The plan's bridges section for `data` (planForUser / planForLink). */
export function PlanBridges({ data }: { data: PlanPageData }) {
  const t = useT();
  const { snapshot, bridges, proposeBridges, networkId } = data;
  if (!snapshot) return null;
  const areas = snapshot.areas.filter(
    (a): a is typeof a & { plan: NonNullable<typeof a.plan> } =>
      !!a.plan && a.plan.goals.length > 0,
  );
  const goalIds = new Set(areas.flatMap((a) => a.plan.goals.map((g) => g.id)));
  const untied = bridges.filter((b) => !b.goalId || !goalIds.has(b.goalId));
  if (!proposeBridges && bridges.length === 0) return null;
  // Only those who manage the network open a bridge's page; others read the list.
  const links = proposeBridges;
  const proposeHref = (query: string) => `/networks/${networkId}/bridges/new?${query}`;
  return (
    <section className="panel plan-bridges" aria-labelledby="plan-bridges-title">
      <h2 id="plan-bridges-title">{t("bridge.planTitle")}</h2>
      {areas.map(({ area, plan }) => {
        const goals = plan.goals.filter(
          (goal) => proposeBridges || bridges.some((b) => b.goalId === goal.id),
        );
        if (goals.length === 0) return null;
        return (
          <div key={area}>
            <h3>{t(`planPart.${area}`)}</h3>
            <ul className="plan-bridge-goals">
              {goals.map((goal) => {
                const mine = bridges.filter((b) => b.goalId === goal.id);
                const actions = plan.actions.filter((a) => a.goalId === goal.id);
                return (
                  <li key={goal.id}>
                    <p id={`bridge-goal-${goal.id}`}>
                      <q>{goal.inMyWords}</q>
                    </p>
                    {mine.length > 0 ? <BridgeList items={mine} links={links} /> : null}
                    {proposeBridges ? (
                      <p className="actions">
                        <a
                          href={proposeHref(`goalId=${encodeURIComponent(goal.id)}`)}
                          aria-describedby={`bridge-goal-${goal.id}`}
                        >
                          {t("bridge.proposeForGoal")}
                        </a>
                        {actions.map((action) => (
                          <a
                            key={action.id}
                            href={proposeHref(
                              `goalId=${encodeURIComponent(goal.id)}&actionId=${encodeURIComponent(action.id)}`,
                            )}
                          >
                            {t("bridge.proposeForAction")}: {action.what}
                          </a>
                        ))}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
      {untied.length > 0 || proposeBridges ? (
        <div>
          <h3>{t("bridge.planOther")}</h3>
          <BridgeList items={untied} links={links} />
          {proposeBridges ? (
            <p>
              <a href={proposeHref("")}>{t("bridge.propose")}</a>
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
