import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { env } from "../env.server";
import { formatDateTime, useLocale, useT } from "../i18n";
import { listOutbox } from "../features/mail/outbox.server";
import { requirePermission } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "outbox.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.outbox");
  const messages = await listOutbox({ municipalityId: admin.municipalityId, limit: 200 });
  return {
    sending: !!env().SMTP_URL,
    messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
  };
}

export default function Outbox() {
  const { sending, messages } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1 id="outbox-title">{t("outbox.title")}</h1>
      <p>{sending ? t("outbox.sending") : t("outbox.held")}</p>
      {messages.length === 0 ? (
        <p>{t("outbox.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="ds-table reflow" aria-labelledby="outbox-title">
            <thead>
              <tr>
                <th scope="col">{t("outbox.created")}</th>
                <th scope="col">{t("outbox.to")}</th>
                <th scope="col">{t("outbox.subject")}</th>
                <th scope="col">{t("outbox.status")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td data-label={t("outbox.created")}>{formatDateTime(locale, m.createdAt)}</td>
                  <td data-label={t("outbox.to")}>{m.toAddress}</td>
                  <td data-label={t("outbox.subject")}>
                    <Link to={`/admin/outbox/${m.id}`}>{m.subject}</Link>
                    {m.calendarMethod ? <span className="ds-tag">{m.calendarMethod}</span> : null}
                  </td>
                  <td data-label={t("outbox.status")}>{t(`outboxStatus.${m.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
