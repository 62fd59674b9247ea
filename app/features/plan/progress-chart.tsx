import type { LifeArea } from "../../../db/enums";
import { useFieldMessage } from "../../components/forms";
import { formatDateTime, useLocale, useT } from "../../i18n";
import type { MessageKey } from "../../i18n/nb";

/*
 * The person's own measure of progress over time (issue 12): for each area, a small line of
 * the notes in our own SVG (role="img" with a title and a description that says the same in
 * words) and, beside it, a table with every note — the table is the full record; the drawing
 * only shows the shape. Colour never carries meaning alone: points are labelled by the axis.
 */

export interface ChartNote {
  id: string;
  area: LifeArea;
  scale: number;
  inMyWords: string;
  notedAt: string;
  via: "meeting" | "link";
  /** When the meeting it was noted in or for started (ISO instant), or null. */
  meetingStartsAt: string | null;
}

const WIDTH = 320;
const HEIGHT = 160;
const PAD = { left: 28, right: 12, top: 12, bottom: 24 };

const SCALE_WORDS: Record<number, MessageKey> = {
  1: "progress.scale1",
  2: "progress.scale2",
  3: "progress.scale3",
  4: "progress.scale4",
  5: "progress.scale5",
};
const scaleKey = (scale: number): MessageKey => SCALE_WORDS[scale] ?? "progress.scale3";

/** One area's notes (oldest first) as a line chart and a table. */
function AreaProgress({ area, notes }: { area: LifeArea; notes: ChartNote[] }) {
  const t = useT();
  const locale = useLocale();
  const areaName = t(`planPart.${area}`);
  const x = (index: number) =>
    notes.length === 1
      ? (PAD.left + WIDTH - PAD.right) / 2
      : PAD.left + (index * (WIDTH - PAD.left - PAD.right)) / (notes.length - 1);
  const y = (scale: number) => PAD.top + ((5 - scale) * (HEIGHT - PAD.top - PAD.bottom)) / 4;
  const first = notes[0]!;
  const last = notes[notes.length - 1]!;
  const titleId = `progress-${area}-title`;
  const descId = `progress-${area}-desc`;
  return (
    <section className="progress-area" aria-labelledby={`progress-${area}`}>
      <h3 id={`progress-${area}`}>{areaName}</h3>
      <div className="progress-pair">
        <svg
          role="img"
          aria-labelledby={`${titleId} ${descId}`}
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          width={WIDTH}
          height={HEIGHT}
          className="progress-chart"
        >
          <title id={titleId}>{t("progress.chartTitle", { area: areaName })}</title>
          <desc id={descId}>
            {t("progress.chartDesc", {
              count: notes.length,
              first: `${first.scale} (${t(scaleKey(first.scale))})`,
              last: `${last.scale} (${t(scaleKey(last.scale))})`,
              from: formatDateTime(locale, first.notedAt),
              to: formatDateTime(locale, last.notedAt),
            })}
          </desc>
          {[1, 2, 3, 4, 5].map((step) => (
            <g key={step}>
              <line
                x1={PAD.left}
                x2={WIDTH - PAD.right}
                y1={y(step)}
                y2={y(step)}
                stroke="currentColor"
                strokeOpacity={0.2}
              />
              <text
                x={PAD.left - 8}
                y={y(step) + 4}
                textAnchor="end"
                fontSize="11"
                fill="currentColor"
              >
                {step}
              </text>
            </g>
          ))}
          <polyline
            fill="none"
            stroke="currentColor"
            strokeWidth={2}
            points={notes.map((note, index) => `${x(index)},${y(note.scale)}`).join(" ")}
          />
          {notes.map((note, index) => (
            <circle key={note.id} cx={x(index)} cy={y(note.scale)} r={4} fill="currentColor" />
          ))}
        </svg>
        <table className="progress-table">
          <caption>{t("progress.tableCaption", { area: areaName })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("progress.when")}</th>
              <th scope="col">{t("progress.scale")}</th>
              <th scope="col">{t("progress.inMyWords")}</th>
              <th scope="col">{t("progress.meeting")}</th>
            </tr>
          </thead>
          <tbody>
            {notes.map((note) => (
              <tr key={note.id}>
                <td>{formatDateTime(locale, note.notedAt)}</td>
                <td>
                  {note.scale} – {t(scaleKey(note.scale))}
                </td>
                <td className="own-words">{note.inMyWords}</td>
                <td>
                  {note.meetingStartsAt
                    ? formatDateTime(locale, note.meetingStartsAt)
                    : t("progress.noMeetingShort")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Every area with a note, in the order given; a sentence when there is none. */
export function ProgressOverTime({ areas, notes }: { areas: LifeArea[]; notes: ChartNote[] }) {
  const t = useT();
  const shown = areas.filter((area) => notes.some((note) => note.area === area));
  if (shown.length === 0) return <p>{t("progress.none")}</p>;
  return (
    <>
      {shown.map((area) => (
        <AreaProgress key={area} area={area} notes={notes.filter((note) => note.area === area)} />
      ))}
    </>
  );
}

/** The form to note how things are going: area, the 1–5 scale in words, own words. */
export function ProgressFields({
  areas,
  errors,
  meetings,
  meetingToday,
}: {
  areas: LifeArea[];
  errors?: Record<string, string[]>;
  /** Leaders only: the meetings to tie the note to (none: no such field). */
  meetings?: { id: string; startsAt: string }[];
  meetingToday?: string | null;
}) {
  const t = useT();
  const locale = useLocale();
  const render = useFieldMessage();
  const problem = (name: string) =>
    errors?.[name]?.length ? (
      <p className="field-error" id={`field-${name}-error`}>
        {errors[name]!.map(render).join(" ")}
      </p>
    ) : null;
  return (
    <>
      <div className="ds-field">
        <label className="ds-label" htmlFor="field-area">
          {t("progress.area")}
        </label>
        <select
          className="ds-input"
          id="field-area"
          name="area"
          required
          aria-invalid={errors?.area ? true : undefined}
          aria-describedby={errors?.area ? "field-area-error" : undefined}
        >
          {areas.map((area) => (
            <option key={area} value={area}>
              {t(`planPart.${area}`)}
            </option>
          ))}
        </select>
        {problem("area")}
      </div>
      <fieldset
        className="ds-fieldset"
        aria-describedby={errors?.scale ? "field-scale-error" : undefined}
      >
        <legend className="ds-label">{t("progress.howItGoes")}</legend>
        {[1, 2, 3, 4, 5].map((step) => (
          <div className="ds-field" key={step}>
            <input
              className="ds-input"
              type="radio"
              name="scale"
              value={step}
              id={step === 1 ? "field-scale" : `field-scale-${step}`}
              required
            />
            <label
              className="ds-label"
              htmlFor={step === 1 ? "field-scale" : `field-scale-${step}`}
            >
              {step} – {t(scaleKey(step))}
            </label>
          </div>
        ))}
        {problem("scale")}
      </fieldset>
      <div className="ds-field">
        <label className="ds-label" htmlFor="field-inMyWords">
          {t("progress.inMyWordsLabel")}
        </label>
        <textarea className="ds-input" id="field-inMyWords" name="inMyWords" rows={3} />
        {problem("inMyWords")}
      </div>
      {meetings && meetings.length > 0 ? (
        <div className="ds-field">
          <label className="ds-label" htmlFor="field-meetingId">
            {t("progress.meetingField")}
          </label>
          <select
            className="ds-input"
            id="field-meetingId"
            name="meetingId"
            defaultValue={meetingToday ?? ""}
            aria-invalid={errors?.meetingId ? true : undefined}
            aria-describedby={errors?.meetingId ? "field-meetingId-error" : undefined}
          >
            <option value="">{t("progress.noMeeting")}</option>
            {meetings.map((meeting) => (
              <option key={meeting.id} value={meeting.id}>
                {formatDateTime(locale, meeting.startsAt)}
              </option>
            ))}
          </select>
          {problem("meetingId")}
        </div>
      ) : null}
    </>
  );
}
