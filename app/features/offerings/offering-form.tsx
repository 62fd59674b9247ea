import { Form } from "@remix-run/react";
import { chimeElements, lifeAreas } from "../../../db/enums";
import {
  offeringCategories,
  offeringLanguages,
  offeringStatuses,
} from "../../../db/offering-enums";
import {
  Checkbox,
  CheckboxGroup,
  ErrorSummary,
  Field,
  fieldId,
  SelectField,
  type FieldErrors,
} from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";
import { HintedField, TextAreaField } from "./fields";
import { categoryLabel, chimeLabel, languageLabel, lifeAreaLabel, statusLabel } from "./labels";

/** The offering form's values as texts and lists: what the form shows and sends. */
export interface OfferingFormValues {
  organisationId: string;
  title: string;
  description: string;
  category: string;
  status: string;
  lifeAreas: string[];
  chime: string[];
  weeklySlots: string;
  dates: string;
  scheduleNote: string;
  address: string;
  accessibilityNotes: string;
  cost: string;
  noReferral: boolean;
  welcomeWhileUsing: boolean;
  wheelchairAccessible: boolean;
  waitingList: boolean;
  languages: string[];
  ageMin: string;
  ageMax: string;
  capacity: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
}

interface Props {
  values: OfferingFormValues;
  organisations: { id: string; name: string }[];
  errors?: FieldErrors;
  intent: "create" | "update";
}

/** One form for adding and editing an offering; a plain form that works without JavaScript. */
export function OfferingForm({ values, organisations, errors, intent }: Props) {
  const t = useT();
  const labels: Record<string, string> = {
    organisationId: t("offering.organisation"),
    title: t("offering.title"),
    description: t("offering.description"),
    category: t("offering.category"),
    status: t("offering.status"),
    lifeAreas: t("offering.lifeAreas"),
    chime: t("offering.chime"),
    weeklySlots: t("offering.weeklySlots"),
    dates: t("offering.dates"),
    scheduleNote: t("offering.scheduleNote"),
    address: t("offering.address"),
    accessibilityNotes: t("offering.accessibilityNotes"),
    cost: t("offering.cost"),
    languages: t("offering.languages"),
    ageMin: t("offering.ageMin"),
    ageMax: t("offering.ageMax"),
    capacity: t("offering.capacity"),
    contactName: t("offering.contactName"),
    contactPhone: t("offering.contactPhone"),
    contactEmail: t("offering.contactEmail"),
  };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <Form method="post" noValidate>
        <SelectField
          name="organisationId"
          label={labels.organisationId!}
          defaultValue={values.organisationId}
          emptyLabel={organisations.length === 1 ? undefined : t("offering.chooseOrganisation")}
          options={organisations.map((o) => ({ value: o.id, label: o.name }))}
          errors={errors}
        />
        <Field
          name="title"
          label={labels.title!}
          defaultValue={values.title}
          required
          maxLength={200}
          errors={errors}
        />
        <TextAreaField
          name="description"
          label={labels.description!}
          defaultValue={values.description}
          required
          rows={5}
          errors={errors}
        />
        <SelectField
          name="category"
          label={labels.category!}
          defaultValue={values.category}
          options={offeringCategories.map((c) => ({ value: c, label: t(categoryLabel[c]) }))}
          errors={errors}
        />
        <SelectField
          name="status"
          label={labels.status!}
          defaultValue={values.status}
          options={offeringStatuses.map((s) => ({ value: s, label: t(statusLabel[s]) }))}
          errors={errors}
        />
        <CheckboxGroup
          id={fieldId("lifeAreas")}
          name="lifeAreas"
          legend={labels.lifeAreas!}
          options={lifeAreas.map((a) => ({ value: a, label: t(lifeAreaLabel[a]) }))}
          checked={values.lifeAreas}
        />
        <CheckboxGroup
          id={fieldId("chime")}
          name="chime"
          legend={labels.chime!}
          options={chimeElements.map((c) => ({ value: c, label: t(chimeLabel[c]) }))}
          checked={values.chime}
        />
        <fieldset className="ds-fieldset">
          <legend className="ds-label">{t("offering.when")}</legend>
          <TextAreaField
            name="weeklySlots"
            label={labels.weeklySlots!}
            hint={t("offering.weeklySlotsHint")}
            defaultValue={values.weeklySlots}
            errors={errors}
          />
          <TextAreaField
            name="dates"
            label={labels.dates!}
            hint={t("offering.datesHint")}
            defaultValue={values.dates}
            rows={2}
            errors={errors}
          />
          <TextAreaField
            name="scheduleNote"
            label={labels.scheduleNote!}
            defaultValue={values.scheduleNote}
            rows={2}
            errors={errors}
          />
        </fieldset>
        <fieldset className="ds-fieldset">
          <legend className="ds-label">{t("offering.where")}</legend>
          <Field
            name="address"
            label={labels.address!}
            defaultValue={values.address}
            errors={errors}
          />
          <TextAreaField
            name="accessibilityNotes"
            label={labels.accessibilityNotes!}
            defaultValue={values.accessibilityNotes}
            rows={2}
            errors={errors}
          />
          <Checkbox
            id={fieldId("wheelchairAccessible")}
            name="wheelchairAccessible"
            defaultChecked={values.wheelchairAccessible}
            label={t("offering.wheelchairAccessible")}
          />
        </fieldset>
        <fieldset className="ds-fieldset">
          <legend className="ds-label">{t("offering.whoAndHow")}</legend>
          <HintedField
            name="cost"
            label={labels.cost!}
            hint={t("offering.costHint")}
            inputMode="decimal"
            defaultValue={values.cost}
            errors={errors}
          />
          <Checkbox
            id={fieldId("noReferral")}
            name="noReferral"
            defaultChecked={values.noReferral}
            label={t("offering.noReferral")}
          />
          <Checkbox
            id={fieldId("welcomeWhileUsing")}
            name="welcomeWhileUsing"
            defaultChecked={values.welcomeWhileUsing}
            label={t("offering.welcomeWhileUsing")}
          />
          <Field
            name="ageMin"
            type="number"
            min={0}
            max={130}
            label={labels.ageMin!}
            defaultValue={values.ageMin}
            errors={errors}
          />
          <Field
            name="ageMax"
            type="number"
            min={0}
            max={130}
            label={labels.ageMax!}
            defaultValue={values.ageMax}
            errors={errors}
          />
          <Field
            name="capacity"
            type="number"
            min={0}
            label={labels.capacity!}
            defaultValue={values.capacity}
            errors={errors}
          />
          <Checkbox
            id={fieldId("waitingList")}
            name="waitingList"
            defaultChecked={values.waitingList}
            label={t("offering.waitingList")}
          />
        </fieldset>
        <CheckboxGroup
          id={fieldId("languages")}
          name="languages"
          legend={labels.languages!}
          options={offeringLanguages.map((l) => ({ value: l, label: t(languageLabel[l]) }))}
          checked={values.languages}
        />
        <fieldset className="ds-fieldset">
          <legend className="ds-label">{t("offering.contact")}</legend>
          <Field
            name="contactName"
            label={labels.contactName!}
            defaultValue={values.contactName}
            autoComplete="off"
            errors={errors}
          />
          <Field
            name="contactPhone"
            type="tel"
            label={labels.contactPhone!}
            defaultValue={values.contactPhone}
            autoComplete="off"
            errors={errors}
          />
          <Field
            name="contactEmail"
            type="email"
            label={labels.contactEmail!}
            defaultValue={values.contactEmail}
            autoComplete="off"
            errors={errors}
          />
        </fieldset>
        {intent === "create" ? <FormTokenField /> : null}
        <SubmitButton name="intent" value={intent}>
          {intent === "create" ? t("offering.create") : t("offering.save")}
        </SubmitButton>
      </Form>
    </>
  );
}
