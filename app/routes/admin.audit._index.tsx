import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, Field, fieldId } from "../components/forms";
import { formatDateTime, useLocale, useT, type MessageKey } from "../i18n";
import { parseAuditFilter } from "../features/audit/audit-filter.server";
import { readAuditLog } from "../features/audit/audit.server";
import { requirePermission } from "../features/accounts/session.server";
import { listUsers } from "../features/accounts/users.server";
import { nb } from "../i18n/nb";
import { pageTitle } from "../utils/meta";

const PAGE_SIZE = 200;

/** The translated name of an audit action; unknown codes (from later versions) show as they are. */
function auditActionLabel(action: string): MessageKey {
  const key = `auditAction.${action}`;
  return (key in nb ? key : "audit.unknownAction") as MessageKey;
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "audit.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.audit");
  const url = new URL(request.url);
  const actors = (await listUsers(admin.municipalityId)).map(({ id, name }) => ({ id, name }));
  const query = Object.fromEntries(
    ["actor", "person", "from", "to"].map((k) => [k, url.searchParams.get(k) ?? ""]),
  );
  const filter = parseAuditFilter(url);
  if (!filter.ok) {
    return data(
      { actors, query, errors: filter.errors, rows: [], exportHref: "" },
      { status: 400 },
    );
  }
  const rows = await readAuditLog(admin, context, filter.value, {
    limit: PAGE_SIZE,
    action: "audit.view",
  });
  return {
    actors,
    query,
    errors: undefined,
    exportHref: `/admin/audit.csv${url.search}`,
    rows: rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actorName ?? row.actorLabel,
      action: row.action,
      subject: [row.subjectType, row.subjectId].filter(Boolean).join(" "),
      personId: row.personId,
      ip: row.ip,
    })),
  };
}

export default function AuditLog() {
  const { actors, query, errors, rows, exportHref } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1 id="audit-title">{t("audit.title")}</h1>
      <p>{t("audit.intro")}</p>
      <ErrorSummary
        errors={errors}
        labels={{
          actor: t("audit.actor"),
          person: t("audit.person"),
          from: t("audit.from"),
          to: t("audit.to"),
        }}
      />
      <Form method="get" className="panel filters">
        <div className="ds-field">
          <label className="ds-label" htmlFor={fieldId("actor")}>
            {t("audit.actor")}
          </label>
          <select
            className="ds-input"
            id={fieldId("actor")}
            name="actor"
            defaultValue={query.actor}
          >
            <option value="">{t("audit.anyActor")}</option>
            {actors.map((actor) => (
              <option key={actor.id} value={actor.id}>
                {actor.name}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="person"
          label={t("audit.person")}
          defaultValue={query.person}
          errors={errors}
        />
        <Field
          name="from"
          type="date"
          label={t("audit.from")}
          defaultValue={query.from}
          errors={errors}
        />
        <Field
          name="to"
          type="date"
          label={t("audit.to")}
          defaultValue={query.to}
          errors={errors}
        />
        <div className="actions">
          <button className="ds-button" data-variant="primary" type="submit">
            {t("audit.filter")}
          </button>
          {exportHref ? (
            <a href={exportHref} className="ds-button" data-variant="secondary" download>
              {t("audit.export")}
            </a>
          ) : null}
        </div>
      </Form>
      {rows.length === 0 ? (
        <p>{t("audit.none")}</p>
      ) : (
        <>
          <p className="muted">{t("audit.showing", { count: rows.length })}</p>
          <div className="table-wrap">
            <table className="ds-table reflow" aria-labelledby="audit-title">
              <thead>
                <tr>
                  <th scope="col">{t("audit.when")}</th>
                  <th scope="col">{t("audit.actor")}</th>
                  <th scope="col">{t("audit.action")}</th>
                  <th scope="col">{t("audit.subject")}</th>
                  <th scope="col">{t("audit.address")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td data-label={t("audit.when")}>{formatDateTime(locale, row.at)}</td>
                    <td data-label={t("audit.actor")}>{row.actor}</td>
                    <td data-label={t("audit.action")}>
                      {t(auditActionLabel(row.action))} <code className="muted">{row.action}</code>
                    </td>
                    <td data-label={t("audit.subject")}>
                      {row.subject}
                      {row.personId ? ` · ${row.personId}` : ""}
                    </td>
                    <td data-label={t("audit.address")}>{row.ip ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
