import { Form } from "@remix-run/react";
import { organisationKinds } from "../../../db/offering-enums";
import { ErrorSummary, Field, SelectField, type FieldErrors } from "../../components/forms";
import { FormTokenField, SubmitButton } from "../../components/submit-button";
import { useT } from "../../i18n";
import { HintedField } from "./fields";
import { kindLabel } from "./labels";

export interface OrganisationFormValues {
  name: string;
  kind: string;
  organisationNumber: string;
  email: string;
  phone: string;
  web: string;
  partnerOrganisationId: string;
}

/** One form for adding and editing an organisation (coordinators); works without JavaScript. */
export function OrganisationForm({
  values,
  partners,
  errors,
  intent,
}: {
  values: OrganisationFormValues;
  partners: { id: string; name: string }[];
  errors?: FieldErrors;
  intent: "create" | "update";
}) {
  const t = useT();
  const labels: Record<string, string> = {
    name: t("organisation.name"),
    kind: t("organisation.kind"),
    organisationNumber: t("organisation.number"),
    email: t("organisation.email"),
    phone: t("organisation.phone"),
    web: t("organisation.web"),
    partnerOrganisationId: t("organisation.partner"),
  };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} />
      <Form method="post" noValidate>
        <Field
          name="name"
          label={labels.name!}
          defaultValue={values.name}
          required
          errors={errors}
        />
        <SelectField
          name="kind"
          label={labels.kind!}
          defaultValue={values.kind}
          options={organisationKinds.map((k) => ({ value: k, label: t(kindLabel[k]) }))}
          errors={errors}
        />
        <HintedField
          name="organisationNumber"
          label={labels.organisationNumber!}
          hint={t("organisation.numberHint")}
          inputMode="numeric"
          defaultValue={values.organisationNumber}
          errors={errors}
        />
        <Field
          name="email"
          type="email"
          label={labels.email!}
          defaultValue={values.email}
          errors={errors}
        />
        <Field
          name="phone"
          type="tel"
          label={labels.phone!}
          defaultValue={values.phone}
          errors={errors}
        />
        <Field
          name="web"
          type="url"
          label={labels.web!}
          defaultValue={values.web}
          errors={errors}
        />
        <SelectField
          name="partnerOrganisationId"
          label={labels.partnerOrganisationId!}
          defaultValue={values.partnerOrganisationId}
          emptyLabel={t("organisation.noPartner")}
          options={partners.map((p) => ({ value: p.id, label: p.name }))}
          errors={errors}
        />
        {intent === "create" ? <FormTokenField /> : null}
        <SubmitButton name="intent" value={intent}>
          {intent === "create" ? t("organisation.create") : t("organisation.save")}
        </SubmitButton>
      </Form>
    </>
  );
}
