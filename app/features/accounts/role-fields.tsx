import { useT } from "../../i18n";
import { roles, type Role } from "../../../db/enums";
import { Checkbox, fieldId, useFieldMessage, type FieldErrors } from "../../components/forms";

interface Props {
  units: { id: string; name: string }[];
  organisations: { id: string; name: string }[];
  current?: {
    roles: { role: Role; unitId: string | null }[];
    partnerOrganisationId: string | null;
  };
  errors?: FieldErrors;
}

/** Labels of the user form's fields, for the error summary. */
export function useUserFieldLabels(): Record<string, string> {
  const t = useT();
  return {
    name: t("users.name"),
    email: t("users.email"),
    role: t("users.roles"),
    unit_coordinator: t("users.unitFor", { role: t("role.coordinator") }),
    unit_leader: t("users.unitFor", { role: t("role.leader") }),
    partnerOrganisationId: t("users.organisation"),
  };
}

/** Role checkboxes with the unit or organisation each role needs. */
export function RoleFields({ units, organisations, current, errors }: Props) {
  const t = useT();
  const labels = useUserFieldLabels();
  const render = useFieldMessage();
  const has = (role: Role) => current?.roles.some((r) => r.role === role) ?? false;
  const unitOf = (role: Role) => current?.roles.find((r) => r.role === role)?.unitId ?? "";
  const errorId = (name: string) => `${fieldId(name)}-error`;
  const errorText = (name: string) =>
    errors?.[name] ? (
      <p className="ds-validation-message" id={errorId(name)}>
        {errors[name]!.map(render).join(" ")}
      </p>
    ) : null;
  const described = (name: string) => ({
    "aria-invalid": errors?.[name] ? true : undefined,
    "aria-describedby": errors?.[name] ? errorId(name) : undefined,
  });
  return (
    <fieldset
      id={fieldId("role")}
      className="ds-fieldset"
      aria-describedby={`roles-hint${errors?.role ? ` ${errorId("role")}` : ""}`}
    >
      <legend className="ds-label">{t("users.roles")}</legend>
      <p data-field="description" id="roles-hint">
        {t("users.roleUnitHint")}
      </p>
      {errorText("role")}
      {roles.map((role) => (
        <div className="role-row" key={role}>
          <Checkbox
            id={`${fieldId("role")}-${role}`}
            name="role"
            value={role}
            defaultChecked={has(role)}
            label={t(`role.${role}`)}
          />
          {role === "coordinator" || role === "leader" ? (
            <div className="ds-field">
              <label className="ds-label" htmlFor={fieldId(`unit_${role}`)}>
                {labels[`unit_${role}`]}
              </label>
              <select
                className="ds-input"
                id={fieldId(`unit_${role}`)}
                name={`unit_${role}`}
                defaultValue={unitOf(role)}
                {...described(`unit_${role}`)}
              >
                <option value="">{t("users.noUnit")}</option>
                {units.map((unit) => (
                  <option key={unit.id} value={unit.id}>
                    {unit.name}
                  </option>
                ))}
              </select>
              {errorText(`unit_${role}`)}
            </div>
          ) : null}
          {role === "partner" ? (
            <div className="ds-field">
              <label className="ds-label" htmlFor={fieldId("partnerOrganisationId")}>
                {labels.partnerOrganisationId}
              </label>
              <select
                className="ds-input"
                id={fieldId("partnerOrganisationId")}
                name="partnerOrganisationId"
                defaultValue={current?.partnerOrganisationId ?? ""}
                {...described("partnerOrganisationId")}
              >
                <option value="">{t("users.noOrganisation")}</option>
                {organisations.map((org) => (
                  <option key={org.id} value={org.id}>
                    {org.name}
                  </option>
                ))}
              </select>
              {errorText("partnerOrganisationId")}
            </div>
          ) : null}
        </div>
      ))}
    </fieldset>
  );
}
