import { z } from "zod";
import { roles, type Role } from "../../../db/enums";
import { type FieldErrors, formFields, validate } from "../../utils/forms.server";
import { message } from "../../utils/validation";
import { email, intentForm, optionalUuid, singleLine } from "../../utils/validation.server";
import type { RoleChoice } from "./users.server";

type Choices = { units: { id: string }[]; organisations: { id: string }[] };

const RoleFields = z.object({
  unit_coordinator: optionalUuid(),
  unit_leader: optionalUuid(),
  partnerOrganisationId: optionalUuid(),
});

/**
 * Reads the role checkboxes and their unit / organisation selects, shared by the new-user and
 * edit-user forms. Ids must belong to the admin's own municipality.
 */
export function parseRoleFields(
  form: FormData,
  choices: Choices,
):
  | { ok: true; roles: RoleChoice[]; partnerOrganisationId: string | null }
  | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const picked = form.getAll("role");
  const chosen = new Set<Role>();
  for (const value of picked) {
    if (typeof value === "string" && (roles as readonly string[]).includes(value))
      chosen.add(value as Role);
    else errors.role = [message("form.invalidChoice")];
  }
  const fields = validate(RoleFields, formFields(form));
  if (!fields.ok) return { ok: false, errors: { ...errors, ...fields.errors } };
  const { unit_coordinator, unit_leader, partnerOrganisationId } = fields.value;

  const knownUnit = (id: string | null) => id === null || choices.units.some((u) => u.id === id);
  if (!knownUnit(unit_coordinator)) errors.unit_coordinator = [message("form.invalidChoice")];
  if (!knownUnit(unit_leader)) errors.unit_leader = [message("form.invalidChoice")];
  if (partnerOrganisationId && !choices.organisations.some((o) => o.id === partnerOrganisationId)) {
    errors.partnerOrganisationId = [message("form.invalidChoice")];
  }
  if (chosen.has("coordinator") && !unit_coordinator)
    errors.unit_coordinator = [message("form.unitRequired")];
  if (chosen.has("partner") && !partnerOrganisationId) {
    errors.partnerOrganisationId = [message("form.organisationRequired")];
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const unitFor: Partial<Record<Role, string | null>> = {
    coordinator: unit_coordinator,
    leader: unit_leader,
  };
  return {
    ok: true,
    roles: [...chosen].map((role) => ({ role, unitId: unitFor[role] ?? null })),
    partnerOrganisationId: chosen.has("partner") ? partnerOrganisationId : null,
  };
}

export const NewUserFields = z.object({ name: singleLine(200), email: email() });

/** The buttons of the edit-user page. */
export const EditUserIntent = intentForm(["save-roles", "deactivate", "reactivate", "issue-link"]);
