import { Link } from "@remix-run/react";
import type { WeeklySlot } from "../../../db/schema/offerings";
import { formatDate, useLocale, useT, type Locale } from "../../i18n";
import { categoryLabel, formatCost, statusLabel } from "./labels";
import { formatWeeklySlot } from "./schedule";

export interface OfferingRow {
  id: string;
  title: string;
  organisation: string;
  category: keyof typeof categoryLabel;
  status: keyof typeof statusLabel;
  costOre: number;
  weeklySlots: WeeklySlot[];
  dates: string[];
}

/** When an offering meets, as one short line: its weekly times, else its next dates. */
export function whenText(row: Pick<OfferingRow, "weeklySlots" | "dates">, locale: Locale): string {
  return row.weeklySlots.length > 0
    ? row.weeklySlots.map((slot) => formatWeeklySlot(slot, locale)).join(", ")
    : row.dates
        .slice(0, 3)
        .map((date) => formatDate(locale, date))
        .join(", ");
}

/** whenText in the page's language. */
export function useWhen() {
  const locale = useLocale();
  return (row: Pick<OfferingRow, "weeklySlots" | "dates">) => whenText(row, locale);
}

/** Offerings as a table: title (link), organisation, category, when, price and status in words. */
export function OfferingTable({
  rows,
  caption,
  extra,
}: {
  rows: readonly OfferingRow[];
  caption: string;
  /** A last column (heading and cell) such as the stale list's actions. */
  extra?: { heading: string; cell: (row: OfferingRow) => React.ReactNode };
}) {
  const t = useT();
  const locale = useLocale();
  const when = useWhen();
  return (
    <div className="table-wrap">
      <table className="ds-table" data-border>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("offering.title")}</th>
            <th scope="col">{t("offering.organisation")}</th>
            <th scope="col">{t("offering.category")}</th>
            <th scope="col">{t("offering.when")}</th>
            <th scope="col">{t("offering.cost")}</th>
            <th scope="col">{t("offering.status")}</th>
            {extra ? <th scope="col">{extra.heading}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">
                <Link to={`/offerings/${row.id}`}>{row.title}</Link>
              </th>
              <td>{row.organisation}</td>
              <td>{t(categoryLabel[row.category])}</td>
              <td>{when(row)}</td>
              <td>{formatCost(row.costOre, t("offering.free"), locale)}</td>
              <td>{t(statusLabel[row.status])}</td>
              {extra ? <td>{extra.cell(row)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
