import { Form } from "@remix-run/react";
import {
  ErrorSummary,
  Field,
  FieldMessage,
  SelectField,
  type FieldErrors,
} from "../../components/forms";
import { SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";
import type { WeeklySlot } from "../../../db/schema/offerings";
import { useFieldMessage } from "../../components/forms";
import { formatWeeklySlot } from "./schedule";

/**
 * "Legg i kalender" on an offering's page (ADR 026): a one-off calendar file for a first visit
 * (a date and one of the weekly times, or own times on a listed date or any date), the feed link to subscribe to all
 * times, and for those who manage the offering a way to make a new feed link. The visit form is
 * a plain document post (reloadDocument): the answer is a file download, or the page again with
 * the errors.
 */
export function CalendarSection({
  status,
  weeklySlots,
  hasDates,
  feed,
  manage,
  errors,
  values,
  locale,
}: {
  status: "active" | "paused" | "retired";
  weeklySlots: WeeklySlot[];
  /** Whether the offering lists single dates (then "on one of them" is a choice). */
  hasDates: boolean;
  feed: { https: string; webcal: string } | null;
  manage: boolean;
  errors: FieldErrors | null;
  values: Record<string, string>;
  locale: "nb" | "en";
}) {
  const t = useT();
  const render = useFieldMessage();
  const options = [
    ...weeklySlots.map((slot, index) => ({
      value: `slot-${index}`,
      label: formatWeeklySlot(slot, locale),
    })),
    ...(hasDates ? [{ value: "listed", label: t("visit.listed") }] : []),
    { value: "free", label: t("visit.free") },
  ];
  return (
    <section aria-labelledby="calendar-title">
      <h2 id="calendar-title">{t("visit.title")}</h2>
      <p>{t("visit.intro")}</p>
      {status === "active" ? (
        <Form method="post" reloadDocument noValidate>
          <input type="hidden" name="intent" value="visit" />
          {errors ? (
            <ErrorSummary
              errors={errors}
              labels={{
                date: t("visit.date"),
                time: t("visit.time"),
                start: t("visit.start"),
                end: t("visit.end"),
              }}
            />
          ) : null}
          {errors?.form ? (
            <FieldMessage id="visit-form-error" messages={errors.form.map(render)} />
          ) : null}
          <Field
            name="date"
            type="date"
            label={t("visit.date")}
            required
            defaultValue={values.date}
            errors={errors ?? undefined}
          />
          <SelectField
            name="time"
            label={t("visit.time")}
            options={options}
            defaultValue={values.time}
            errors={errors ?? undefined}
          />
          <p id="visit-free-hint">{t("visit.freeHint")}</p>
          <Field
            name="start"
            label={t("visit.start")}
            inputMode="numeric"
            autoComplete="off"
            defaultValue={values.start}
            errors={errors ?? undefined}
          />
          <Field
            name="end"
            label={t("visit.end")}
            inputMode="numeric"
            autoComplete="off"
            defaultValue={values.end}
            errors={errors ?? undefined}
          />
          <p>
            <button type="submit" className="ds-button">
              {t("visit.submit")}
            </button>
          </p>
        </Form>
      ) : (
        <p>{t(status === "paused" ? "visit.paused" : "visit.retired")}</p>
      )}
      {feed ? (
        <>
          <h3>{t("feed.offeringTitle")}</h3>
          <p>{t("feed.offeringIntro")}</p>
          <p>
            {t("feed.offeringLink")}: <code className="feed-link">{feed.https}</code>
          </p>
          <p>
            <a href={feed.webcal}>{t("feed.offeringWebcal")}</a>
          </p>
          {manage ? (
            <Form method="post">
              <p id="feed-renew-hint">{t("feed.offeringRenewHint")}</p>
              <SubmitButton
                name="intent"
                value="renew-feed"
                data-variant="secondary"
                aria-describedby="feed-renew-hint"
              >
                {t("feed.offeringRenew")}
              </SubmitButton>
            </Form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
