import { contactChannels } from "../../../db/enums";
import { useT } from "../../i18n";
import { Field, SelectField, type FieldErrors } from "../../components/forms";

interface PersonValues {
  name?: string | null;
  preferredName?: string | null;
  phone?: string | null;
  email?: string | null;
  preferredChannel?: string | null;
  language?: string | null;
  unitId?: string | null;
}

export function usePersonFieldLabels(): Record<string, string> {
  const t = useT();
  return {
    name: t("people.name"),
    preferredName: t("people.preferredName"),
    phone: t("people.phone"),
    email: t("people.email"),
    preferredChannel: t("people.preferredChannel"),
    language: t("people.language"),
    unitId: t("people.unit"),
  };
}

/** The person's details: minimal on purpose (no identity number, no diagnosis). */
export function PersonFields({
  values = {},
  units,
  errors,
}: {
  values?: PersonValues;
  units: { id: string; name: string }[];
  errors?: FieldErrors;
}) {
  const t = useT();
  const labels = usePersonFieldLabels();
  return (
    <>
      <p className="muted">{t("people.minimalData")}</p>
      <Field
        name="name"
        label={labels.name!}
        defaultValue={values.name ?? ""}
        autoComplete="off"
        required
        errors={errors}
      />
      <Field
        name="preferredName"
        label={labels.preferredName!}
        defaultValue={values.preferredName ?? ""}
        autoComplete="off"
        errors={errors}
      />
      <Field
        name="phone"
        type="tel"
        label={labels.phone!}
        defaultValue={values.phone ?? ""}
        autoComplete="off"
        errors={errors}
      />
      <Field
        name="email"
        type="email"
        label={labels.email!}
        defaultValue={values.email ?? ""}
        autoComplete="off"
        errors={errors}
      />
      <SelectField
        name="preferredChannel"
        label={labels.preferredChannel!}
        defaultValue={values.preferredChannel ?? ""}
        emptyLabel={t("channel.none")}
        options={contactChannels.map((channel) => ({
          value: channel,
          label: t(`channel.${channel}`),
        }))}
        errors={errors}
      />
      <Field
        name="language"
        label={labels.language!}
        defaultValue={values.language ?? ""}
        autoComplete="off"
        errors={errors}
      />
      <SelectField
        name="unitId"
        label={labels.unitId!}
        defaultValue={values.unitId ?? ""}
        emptyLabel={t("people.defaultUnit")}
        options={units.map((unit) => ({ value: unit.id, label: unit.name }))}
        errors={errors}
      />
    </>
  );
}
