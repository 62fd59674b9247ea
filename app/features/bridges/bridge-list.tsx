import { Link } from "@remix-run/react";
import type { BridgeStatus } from "../../../db/bridge-enums";
import { formatDate, useLocale, useT } from "../../i18n";

/*
 * The light pieces of bridges (issue 13) that the plan, the person's page and the person's link
 * show: a bridge's status line, its steps and a short list. No forms here, so the pages that
 * only list bridges carry little script (tests/platform/page-budget.test.ts).
 */

/** One step as the server sends it (bridges.server.ts BridgeEventView). */
export interface BridgeEventProps {
  id: string;
  status: BridgeStatus;
  happenedOn: string;
  visitOn: string | null;
  companion: string | null;
  note: string;
  by: string;
}

/** A bridge as the lists show it (bridges.server.ts BridgeSummary). */
export interface BridgeItem {
  id: string;
  offeringTitle: string;
  organisation: string;
  status: BridgeStatus;
  firstVisitOn: string | null;
  companion: string | null;
  stalled?: boolean;
}

/** The status of a bridge in words, with the first visit when one is agreed. */
export function BridgeStatusText({
  item,
}: {
  item: Pick<BridgeItem, "status" | "firstVisitOn" | "companion">;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <>
      {t(`bridge.status.${item.status}`)}
      {item.firstVisitOn && (item.status === "visit_agreed" || item.status === "started")
        ? ` · ${t("bridge.firstVisit")} ${formatDate(locale, item.firstVisitOn)}`
        : ""}
      {item.companion && item.status === "visit_agreed"
        ? ` (${t(`bridge.companion.${item.companion as "alone"}`).toLowerCase()})`
        : ""}
    </>
  );
}

/** The steps of a bridge, oldest first: status, date, visit, note and who. */
export function BridgeHistory({ steps }: { steps: BridgeEventProps[] }) {
  const t = useT();
  const locale = useLocale();
  return (
    <ol className="bridge-history">
      {steps.map((step) => (
        <li key={step.id}>
          <strong>{t(`bridge.status.${step.status}`)}</strong> {formatDate(locale, step.happenedOn)}
          {step.visitOn ? ` · ${t("bridge.firstVisit")} ${formatDate(locale, step.visitOn)}` : ""}
          {step.companion ? ` · ${t(`bridge.companion.${step.companion as "alone"}`)}` : ""}
          {step.by
            ? ` · ${t("bridge.by", { who: step.by === "contact" ? t("bridge.byContact") : step.by })}`
            : ""}
          {step.note ? <p className="bridge-note">{step.note}</p> : null}
        </li>
      ))}
    </ol>
  );
}

/** A list of bridges: offering, organisation, status, and the nudge when one has stalled. */
export function BridgeList({ items, links }: { items: BridgeItem[]; links: boolean }) {
  const t = useT();
  if (items.length === 0) return <p className="muted">{t("bridge.none")}</p>;
  return (
    <ul className="bridge-list">
      {items.map((item) => (
        <li key={item.id}>
          {links ? (
            <Link to={`/bridges/${item.id}`}>{item.offeringTitle}</Link>
          ) : (
            <strong>{item.offeringTitle}</strong>
          )}{" "}
          ({item.organisation}): <BridgeStatusText item={item} />
          {item.stalled ? (
            <>
              {" "}
              <span className="ds-tag" data-color="warning">
                {t("bridge.stalled")}
              </span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
