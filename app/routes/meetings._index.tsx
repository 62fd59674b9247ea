import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DateTime } from "luxon";
import { meetingKinds } from "../../db/enums";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, fieldId } from "../components/forms";
import { useLocale, useT, type Locale } from "../i18n";
import {
  calendarRange,
  MEETINGS_PAGE_SIZE,
  parseMeetingListQuery,
} from "../features/meetings/meeting-list-query.server";
import { MeetingList } from "../features/meetings/meeting-list";
import { listMeetings } from "../features/meetings/meetings.server";
import { networkChoices } from "../features/people/people.server";
import { requirePermission } from "../features/accounts/session.server";
import { dataTitle } from "../utils/meta";
import { OSLO } from "../utils/oslo-time";

/** "Møter: kommende", "Møter: uke 16, 2026", "Møter: april 2026": the view the page shows. */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ view, tab, page, range }, t, locale) => {
    if (view !== "list" && range) {
      const anchor = DateTime.fromISO(range.anchor, { zone: OSLO }).setLocale(intl(locale));
      return view === "week"
        ? t("title.meetingsWeek", { week: anchor.weekNumber, year: anchor.weekYear })
        : t("title.meetingsMonth", { month: anchor.toFormat("LLLL yyyy") });
    }
    const tabName = t(
      tab === "cancelled"
        ? "meetings.cancelledList"
        : tab === "past"
          ? "meetings.past"
          : "meetings.upcoming",
    ).toLocaleLowerCase(locale);
    return page > 1
      ? t("title.meetingsListPage", { tab: tabName, page })
      : t("title.meetingsList", { tab: tabName });
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "meetings.view");
  const query = parseMeetingListQuery(new URL(request.url));
  const networks = await networkChoices(user);
  if (!query.ok) {
    return data(
      {
        errors: query.errors,
        view: "list" as const,
        tab: "upcoming" as const,
        networks,
        meetings: [],
        range: null,
        filter: {},
        page: 1,
        hasMore: false,
      },
      { status: 400 },
    );
  }
  const view = query.value.view ?? "list";
  const tab = query.value.tab ?? "upcoming";
  const filter = { networkId: query.value.network, kind: query.value.kind };
  const { range, from, to } =
    view === "list"
      ? { range: null, from: undefined, to: undefined }
      : calendarRange(view, query.value.date);
  const page = query.value.page;
  const paging =
    view === "list"
      ? { limit: MEETINGS_PAGE_SIZE + 1, offset: (page - 1) * MEETINGS_PAGE_SIZE }
      : {};
  const found = await listMeetings(user, {
    tab: view === "list" ? tab : "upcoming",
    ...filter,
    from,
    to,
    ...paging,
  });
  const hasMore = view === "list" && found.length > MEETINGS_PAGE_SIZE;
  const rows = hasMore ? found.slice(0, MEETINGS_PAGE_SIZE) : found;
  const inRange =
    view === "list"
      ? rows
      : (await listMeetings(user, { tab: "past", ...filter, from, to })).concat(rows);
  return {
    errors: undefined,
    view,
    tab,
    networks,
    range,
    filter: { network: filter.networkId ?? "", kind: filter.kind ?? "" },
    page,
    hasMore,
    // Only what the page shows: every field here is encoded into the page for hydration.
    // The internal title only for those who manage the meeting (others see its kind).
    meetings: inRange.map((m) => ({
      id: m.id,
      kind: m.kind,
      startsAt: m.startsAt.toISOString(),
      internalTitle: m.manage ? m.internalTitle : "",
      status: m.status,
      personName: m.personName,
      manage: m.manage,
    })),
  };
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Meetings() {
  const loaded = useLoaderData<typeof loader>();
  const t = useT();
  const tabs = ["upcoming", "past", "cancelled"] as const;
  const params = (extra: Record<string, string>) =>
    "?" +
    new URLSearchParams({
      ...("network" in loaded.filter ? loaded.filter : {}),
      ...extra,
    }).toString();
  return (
    <>
      <h1>{t("meetings.title")}</h1>
      <p className="muted">{t("meetings.newFromNetwork")}</p>
      <ErrorSummary errors={loaded.errors} />
      <nav aria-label={t("meetings.title")} className="actions">
        <a
          href={params({ view: "list", tab: "upcoming" })}
          aria-current={loaded.view === "list" ? "page" : undefined}
        >
          {t("meetings.list")}
        </a>
        <a
          href={params({ view: "week" })}
          aria-current={loaded.view === "week" ? "page" : undefined}
        >
          {t("meetings.week")}
        </a>
        <a
          href={params({ view: "month" })}
          aria-current={loaded.view === "month" ? "page" : undefined}
        >
          {t("meetings.month")}
        </a>
      </nav>
      <Form method="get" className="panel filters">
        <input type="hidden" name="view" value={loaded.view} />
        {loaded.view === "list" ? <input type="hidden" name="tab" value={loaded.tab} /> : null}
        <div className="ds-field">
          <label className="ds-label" htmlFor={fieldId("network")}>
            {t("meeting.network")}
          </label>
          <select
            className="ds-input"
            id={fieldId("network")}
            name="network"
            defaultValue={"network" in loaded.filter ? loaded.filter.network : ""}
          >
            <option value="">{t("meetings.allNetworks")}</option>
            {loaded.networks.map((n) => (
              <option key={n.id} value={n.id}>
                {n.person} – {t(`networkKind.${n.kind}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="ds-field">
          <label className="ds-label" htmlFor={fieldId("kind")}>
            {t("meeting.kind")}
          </label>
          <select
            className="ds-input"
            id={fieldId("kind")}
            name="kind"
            defaultValue={"kind" in loaded.filter ? loaded.filter.kind : ""}
          >
            <option value="">{t("meetings.allKinds")}</option>
            {meetingKinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(`meetingKind.${kind}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button className="ds-button" data-variant="primary" type="submit">
            {t("meetings.filter")}
          </button>
        </div>
      </Form>
      {loaded.view === "list" ? (
        <>
          <ul className="tabs">
            {tabs.map((tab) => (
              <li key={tab}>
                <a
                  href={params({ view: "list", tab })}
                  aria-current={loaded.tab === tab ? "page" : undefined}
                >
                  {t(
                    tab === "cancelled"
                      ? "meetings.cancelledList"
                      : tab === "past"
                        ? "meetings.past"
                        : "meetings.upcoming",
                  )}
                </a>
              </li>
            ))}
          </ul>
          <MeetingList meetings={loaded.meetings} />
          {loaded.page > 1 || loaded.hasMore ? (
            <nav aria-label={t("meetings.pages")} className="actions">
              {loaded.page > 1 ? (
                <a href={params({ view: "list", tab: loaded.tab, page: String(loaded.page - 1) })}>
                  {t("meetings.previous")}
                </a>
              ) : null}
              {loaded.hasMore ? (
                <a href={params({ view: "list", tab: loaded.tab, page: String(loaded.page + 1) })}>
                  {t("meetings.next")}
                </a>
              ) : null}
            </nav>
          ) : null}
        </>
      ) : (
        <CalendarView loaded={loaded} params={params} />
      )}
    </>
  );
}

function CalendarView({
  loaded,
  params,
}: {
  loaded: Loaded;
  params: (extra: Record<string, string>) => string;
}) {
  const t = useT();
  const locale = useLocale();
  const range = loaded.range!;
  const start = DateTime.fromISO(range.from, { zone: OSLO });
  const end = DateTime.fromISO(range.to, { zone: OSLO });
  const days: DateTime[] = [];
  for (let d = start; d < end; d = d.plus({ days: 1 })) days.push(d);
  const weeks: DateTime[][] = [];
  for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
  const step = loaded.view === "week" ? { weeks: 1 } : { months: 1 };
  const anchor = DateTime.fromISO(range.anchor, { zone: OSLO });
  const period =
    loaded.view === "week"
      ? `${start.setLocale(intl(locale)).toFormat("d. LLL")} – ${end.minus({ days: 1 }).setLocale(intl(locale)).toFormat("d. LLL yyyy")}`
      : anchor.setLocale(intl(locale)).toFormat("LLLL yyyy");
  return (
    <section aria-labelledby="calendar-caption">
      <div className="actions">
        <a href={params({ view: loaded.view, date: anchor.minus(step).toISODate()! })}>
          {t("meetings.previous")}
        </a>
        <a href={params({ view: loaded.view, date: anchor.plus(step).toISODate()! })}>
          {t("meetings.next")}
        </a>
      </div>
      <div>
        <table className="ds-table calendar">
          <caption id="calendar-caption">{t("meetings.calendarFor", { period })}</caption>
          <thead>
            <tr>
              {weeks[0]!.map((day) => (
                <th key={day.toISODate()} scope="col">
                  {day.setLocale(intl(locale)).toFormat("ccc")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={week[0]!.toISODate()}>
                {week.map((day) => {
                  const onDay = loaded.meetings.filter((m) =>
                    DateTime.fromISO(m.startsAt, { zone: OSLO }).hasSame(day, "day"),
                  );
                  return (
                    <td
                      key={day.toISODate()}
                      data-label={day.setLocale(intl(locale)).toFormat("ccc")}
                      className={
                        day.month === anchor.month || loaded.view === "week" ? undefined : "muted"
                      }
                    >
                      <span className="day-number">{day.day}.</span>
                      <ul>
                        {onDay.map((m) => (
                          <li key={m.id}>
                            <a href={`/meetings/${m.id}`}>
                              {clock(m.startsAt)}{" "}
                              {m.manage ? m.internalTitle : t(`meetingKind.${m.kind}`)}
                            </a>
                            {m.status === "cancelled" ? ` (${t("meetingStatus.cancelled")})` : ""}
                          </li>
                        ))}
                      </ul>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** HH:mm in Oslo, with "CEST"/"CET" when that time happens twice (autumn's repeated hour). */
function clock(startsAt: string): string {
  const local = DateTime.fromISO(startsAt, { zone: OSLO });
  const twice = local.getPossibleOffsets().length > 1;
  return twice ? local.setLocale("nb").toFormat("HH:mm ZZZZ") : local.toFormat("HH:mm");
}

const intl = (locale: Locale) => (locale === "nb" ? "nb" : "en-GB");
export const ErrorBoundary = GeneralErrorBoundary;
