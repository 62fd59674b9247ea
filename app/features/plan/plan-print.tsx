import { useT } from "../../i18n";
import type { PlanPageData } from "./plan-page.server";
import { MeetingActions } from "./meeting-actions-view";
import { PlanReadView, useNameOf } from "./plan-view";

/** The print page's body: the plan as text (only what the reader may see), no scripts needed. */
export function PlanPrint(props: { data: PlanPageData; backHref: string; pdfHref: string }) {
  const t = useT();
  const { data } = props;
  const nameOf = useNameOf(data.people);
  return (
    <article className="plan-print">
      <p className="actions no-print">
        <a href={props.backHref}>{t("plan.backToPlan")}</a>
        <a href={props.pdfHref}>{t("plan.pdf")}</a>
      </p>
      <h1>{t("plan.titleFor", { name: data.personName })}</h1>
      {data.snapshot ? (
        <>
          <PlanReadView
            snapshot={data.snapshot}
            people={data.people}
            revisionOn={data.revisionOn}
          />
          <MeetingActions
            actions={data.meetingActions}
            snapshot={data.snapshot}
            nameOf={nameOf}
            meetingLinks={false}
          />
        </>
      ) : null}
    </article>
  );
}
