import { z } from "zod";
import { validate, type FieldErrors } from "../../utils/forms.server";
import { optionalDate, optionalUuid } from "../../utils/validation.server";

const AuditFilterFields = z.object({
  actor: optionalUuid(),
  person: optionalUuid(),
  from: optionalDate(),
  to: optionalDate(),
});

export type AuditFilterValues = z.output<typeof AuditFilterFields>;

/** The audit page and its CSV export read the same query string the same way. */
export function parseAuditFilter(
  url: URL,
): { ok: true; value: AuditFilterValues } | { ok: false; errors: FieldErrors } {
  const query: Record<string, string> = {};
  for (const name of ["actor", "person", "from", "to"]) {
    const value = url.searchParams.get(name);
    if (value !== null) query[name] = value;
  }
  return validate(AuditFilterFields, query);
}
