import { Form } from "@remix-run/react";
import { meetingKinds } from "../../../db/enums";
import { useT } from "../../i18n";
import {
  Checkbox,
  CheckboxGroup,
  FieldMessage,
  ErrorSummary,
  Field,
  fieldId,
  SelectField,
  type FieldErrors,
  useFieldMessage,
} from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";

export interface MeetingFormValues {
  kind: string;
  date: string;
  time: string;
  /** Which instant a time in autumn's repeated hour means ("+02:00"/"+01:00"); else "". */
  utcOffset: string;
  /** Both instants, earliest first, when date and time name two (computed on the server). */
  offsetChoices: { value: string; summerTime: boolean }[];
  durationMinutes: number;
  place: string;
  videoLink: string;
  internalTitle: string;
  calendarTitle: string;
  detailsInInvites: boolean;
  /** The leader confirmed a start time that has passed (asked only once it has). */
  pastConfirmed?: boolean;
  memberIds: string[];
  leaderIds: string[];
}

interface Props {
  values: MeetingFormValues;
  /** The person's own row (`isPerson`, named by first name) comes first: "Inviter Siri". */
  members: { id: string; name: string; isPerson?: boolean }[];
  leaders: { id: string; name: string }[];
  errors?: FieldErrors;
  intent: "create" | "update";
  /** For edits: the version and field snapshot the editor started from (conflict check). */
  hidden?: Record<string, string>;
  allowSeries?: boolean;
}

/** One form for planning and editing a meeting; a plain form that works without JavaScript. */
export function MeetingForm({
  values,
  members,
  leaders,
  errors,
  intent,
  hidden = {},
  allowSeries,
}: Props) {
  const t = useT();
  const labels: Record<string, string> = {
    kind: t("meeting.kind"),
    date: t("meeting.date"),
    time: t("meeting.time"),
    utcOffset: t("meeting.utcOffset"),
    pastConfirmed: t("meeting.pastConfirm"),
    durationMinutes: t("meeting.duration"),
    place: t("meeting.place"),
    videoLink: t("meeting.videoLink"),
    internalTitle: t("meeting.internalTitle"),
    calendarTitle: t("meeting.calendarTitle"),
    memberId: t("meeting.invited"),
    leaderId: t("meeting.leaders"),
    repeatEveryWeeks: t("meeting.repeatEveryWeeks"),
    repeatCount: t("meeting.repeatCount"),
  };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <Form method="post" noValidate>
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <SelectField
          name="kind"
          label={labels.kind!}
          defaultValue={values.kind}
          options={meetingKinds.map((kind) => ({ value: kind, label: t(`meetingKind.${kind}`) }))}
          errors={errors}
        />
        <Field
          name="date"
          type="date"
          label={labels.date!}
          defaultValue={values.date}
          required
          errors={errors}
        />
        <Field
          name="time"
          type="time"
          label={labels.time!}
          defaultValue={values.time}
          required
          errors={errors}
        />
        {errors?.pastConfirmed || values.pastConfirmed ? (
          <PastConfirmation checked={values.pastConfirmed} errors={errors} />
        ) : null}
        {values.offsetChoices.length > 1 ? (
          <OffsetChoices values={values} legend={labels.utcOffset!} errors={errors} />
        ) : null}
        <Field
          name="durationMinutes"
          type="number"
          min={15}
          max={720}
          step={5}
          label={labels.durationMinutes!}
          defaultValue={values.durationMinutes}
          required
          errors={errors}
        />
        <Field name="place" label={labels.place!} defaultValue={values.place} errors={errors} />
        <Field
          name="videoLink"
          type="url"
          label={labels.videoLink!}
          defaultValue={values.videoLink}
          errors={errors}
        />
        <Field
          name="internalTitle"
          label={labels.internalTitle!}
          defaultValue={values.internalTitle}
          required
          errors={errors}
        />
        <Field
          name="calendarTitle"
          label={labels.calendarTitle!}
          defaultValue={values.calendarTitle}
          aria-describedby="calendar-title-hint"
          errors={errors}
        />
        <p className="muted" id="calendar-title-hint">
          {t("meeting.calendarTitleHint")}
        </p>
        <Checkbox
          id={fieldId("detailsInInvites")}
          name="detailsInInvites"
          defaultChecked={values.detailsInInvites}
          label={t("meeting.detailsInInvites")}
        />
        <CheckboxGroup
          id={fieldId("memberId")}
          name="memberId"
          legend={labels.memberId!}
          hint={t("meeting.invitedHint")}
          options={members.map((m) => ({
            value: m.id,
            label: m.isPerson ? t("meeting.invitePerson", { name: m.name }) : m.name,
          }))}
          checked={values.memberIds}
        />
        <CheckboxGroup
          id={fieldId("leaderId")}
          name="leaderId"
          legend={labels.leaderId!}
          options={leaders.map((l) => ({ value: l.id, label: l.name }))}
          checked={values.leaderIds}
        />
        {allowSeries ? (
          <fieldset className="ds-fieldset">
            <legend className="ds-label">{t("meeting.repeat")}</legend>
            <SelectField
              name="repeatEveryWeeks"
              label={labels.repeatEveryWeeks!}
              defaultValue=""
              emptyLabel={t("meeting.noRepeat")}
              options={[1, 2, 3, 4, 6, 8, 12].map((weeks) => ({
                value: String(weeks),
                label: String(weeks),
              }))}
              errors={errors}
            />
            <Field
              name="repeatCount"
              type="number"
              min={2}
              max={26}
              label={labels.repeatCount!}
              errors={errors}
            />
            <Checkbox
              id={fieldId("repeatUntilRevision")}
              name="repeatUntilRevision"
              label={t("meeting.repeatUntilRevision")}
            />
          </fieldset>
        ) : null}
        {intent === "create" ? <FormTokenField /> : null}
        <SubmitButton name="intent" value={intent}>
          {intent === "create" ? t("meeting.create") : t("meeting.save")}
        </SubmitButton>
      </Form>
    </>
  );
}

/**
 * A start time that has passed: a warning, and a box the leader ticks to register a meeting
 * held earlier (the server asks for it; nothing is refused or saved silently).
 */
function PastConfirmation({ checked, errors }: { checked?: boolean; errors?: FieldErrors }) {
  const t = useT();
  const render = useFieldMessage();
  const id = fieldId("pastConfirmed");
  return (
    <div className="ds-alert" data-color="warning">
      <p id={`${id}-warning`}>{t("meeting.pastWarning")}</p>
      <Checkbox
        id={id}
        name="pastConfirmed"
        defaultChecked={checked}
        label={t("meeting.pastConfirm")}
        aria-describedby={`${id}-warning`}
        aria-invalid={errors?.pastConfirmed ? true : undefined}
      />
      {errors?.pastConfirmed ? (
        <FieldMessage id={`${id}-error`} messages={errors.pastConfirmed.map(render)} />
      ) : null}
    </div>
  );
}

/**
 * Asks which of the two instants a time in the hour that happens twice (when summer time ends)
 * means. Shown by the server once the date and time need it; a plain radio group.
 */
function OffsetChoices({
  values,
  legend,
  errors,
}: {
  values: MeetingFormValues;
  legend: string;
  errors?: FieldErrors;
}) {
  const t = useT();
  const render = useFieldMessage();
  const id = fieldId("utcOffset");
  const fieldErrors = errors?.utcOffset;
  return (
    <fieldset
      id={id}
      className="ds-fieldset"
      aria-describedby={`${id}-hint${fieldErrors ? ` ${id}-error` : ""}`}
    >
      <legend className="ds-label">{legend}</legend>
      <p data-field="description" id={`${id}-hint`}>
        {t("meeting.utcOffsetHint", { time: values.time })}
      </p>
      {values.offsetChoices.map((choice, index) => (
        <Checkbox
          key={choice.value}
          id={`${id}-${index}`}
          type="radio"
          name="utcOffset"
          value={choice.value}
          defaultChecked={values.utcOffset === choice.value}
          label={t(index === 0 ? "meeting.firstOccurrence" : "meeting.secondOccurrence", {
            time: values.time,
            zone: t(choice.summerTime ? "meeting.summerTime" : "meeting.winterTime"),
            offset: choice.value,
          })}
        />
      ))}
      {fieldErrors ? (
        <p id={`${id}-error`} className="ds-validation-message">
          {fieldErrors.map(render).join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
