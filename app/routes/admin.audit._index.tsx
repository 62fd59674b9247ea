import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary, Field } from "../components/forms";
import { formatDateTime, useLocale, useT } from "../i18n";
import { parseAuditFilter } from "../models/audit-filter.server";
import { queryAudit, recordAudit } from "../models/audit.server";
import { requirePermission } from "../models/session.server";
import { listUsers } from "../models/users.server";

const PAGE_SIZE = 200;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, "admin.audit");
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
  const { actor, person, from, to } = filter.value;
  const rows = await queryAudit(
    { municipalityId: admin.municipalityId, actorUserId: actor, personId: person, from, to },
    PAGE_SIZE,
  );
  // Reading the log is itself logged: who looked, with which filter.
  await recordAudit(
    { userId: admin.id, municipalityId: admin.municipalityId, ip: context.clientIp },
    { action: "audit.view", personId: person ?? undefined, details: { filter: filter.value } },
  );
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
      <h1>{t("audit.title")}</h1>
      <p>{t("audit.intro")}</p>
      <ErrorSummary errors={errors} />
      <Form method="get" className="panel filters">
        <div className="field">
          <label htmlFor="audit-actor">{t("audit.actor")}</label>
          <select id="audit-actor" name="actor" defaultValue={query.actor}>
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
          <button type="submit">{t("audit.filter")}</button>
          {exportHref ? (
            <a href={exportHref} className="button secondary" download>
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
            <table>
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
                    <td>{formatDateTime(locale, row.at)}</td>
                    <td>{row.actor}</td>
                    <td>
                      <code>{row.action}</code>
                    </td>
                    <td>
                      {row.subject}
                      {row.personId ? ` · ${row.personId}` : ""}
                    </td>
                    <td>{row.ip ?? ""}</td>
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
