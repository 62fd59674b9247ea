import { useT } from "../i18n";
import { roles, type Role } from "../../db/enums";
import type { FieldErrors } from "./forms";
import { useFieldMessage } from "./forms";

interface Props {
  units: { id: string; name: string }[];
  organisations: { id: string; name: string }[];
  current?: {
    roles: { role: Role; unitId: string | null }[];
    partnerOrganisationId: string | null;
  };
  errors?: FieldErrors;
}

/** Role checkboxes with the unit or organisation each role needs. */
export function RoleFields({ units, organisations, current, errors }: Props) {
  const t = useT();
  const render = useFieldMessage();
  const has = (role: Role) => current?.roles.some((r) => r.role === role) ?? false;
  const unitOf = (role: Role) => current?.roles.find((r) => r.role === role)?.unitId ?? "";
  const errorText = (name: string) =>
    errors?.[name] ? (
      <p className="field-error" id={`${name}-error`}>
        {errors[name]!.map(render).join(" ")}
      </p>
    ) : null;
  return (
    <fieldset>
      <legend>{t("users.roles")}</legend>
      <p className="muted">{t("users.roleUnitHint")}</p>
      {errorText("role")}
      {roles.map((role) => (
        <div className="role-row" key={role}>
          <label>
            <input type="checkbox" name="role" value={role} defaultChecked={has(role)} />{" "}
            {t(`role.${role}`)}
          </label>
          {role === "coordinator" || role === "leader" ? (
            <>
              <label htmlFor={`unit_${role}`} className="muted">
                {t("users.unit")}
              </label>
              <select
                id={`unit_${role}`}
                name={`unit_${role}`}
                defaultValue={unitOf(role)}
                aria-invalid={errors?.[`unit_${role}`] ? true : undefined}
                aria-describedby={errors?.[`unit_${role}`] ? `unit_${role}-error` : undefined}
              >
                <option value="">{t("users.noUnit")}</option>
                {units.map((unit) => (
                  <option key={unit.id} value={unit.id}>
                    {unit.name}
                  </option>
                ))}
              </select>
              {errorText(`unit_${role}`)}
            </>
          ) : null}
          {role === "partner" ? (
            <>
              <label htmlFor="partnerOrganisationId" className="muted">
                {t("users.organisation")}
              </label>
              <select
                id="partnerOrganisationId"
                name="partnerOrganisationId"
                defaultValue={current?.partnerOrganisationId ?? ""}
                aria-invalid={errors?.partnerOrganisationId ? true : undefined}
                aria-describedby={
                  errors?.partnerOrganisationId ? "partnerOrganisationId-error" : undefined
                }
              >
                <option value="">{t("users.noOrganisation")}</option>
                {organisations.map((org) => (
                  <option key={org.id} value={org.id}>
                    {org.name}
                  </option>
                ))}
              </select>
              {errorText("partnerOrganisationId")}
            </>
          ) : null}
        </div>
      ))}
    </fieldset>
  );
}
