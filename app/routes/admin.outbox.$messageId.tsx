import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { useT } from "../i18n";
import { notFound } from "../features/access/access.server";
import { getOutboxMessage } from "../features/mail/outbox.server";
import { requirePermission } from "../features/accounts/session.server";
import { dataTitle } from "../utils/meta";

// Not the subject: it may name the person and the meeting (utils/meta.ts).
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, (_data, t) => t("title.outboxMessage"));

/** One message exactly as it would be sent: headers, both bodies and the calendar part. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.outbox");
  const id = Number(params.messageId);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const message = await getOutboxMessage(id, admin.municipalityId);
  if (!message) notFound();
  return {
    toAddress: message.toAddress,
    toName: message.toName,
    subject: message.subject,
    textBody: message.textBody,
    htmlBody: message.htmlBody,
    calendar: message.calendar,
    calendarMethod: message.calendarMethod,
    status: message.status,
    lastError: message.lastError,
  };
}

export default function OutboxMessage() {
  const m = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{m.subject}</h1>
      <dl className="facts">
        <dt>{t("outbox.to")}</dt>
        <dd>{m.toName ? `${m.toName} <${m.toAddress}>` : m.toAddress}</dd>
        <dt>{t("outbox.status")}</dt>
        <dd>
          {t(`outboxStatus.${m.status}`)}
          {m.lastError ? ` (${m.lastError})` : ""}
        </dd>
      </dl>
      <section className="panel" aria-labelledby="text-title">
        <h2 id="text-title">{t("outbox.textBody")}</h2>
        <pre className="message-body">{m.textBody}</pre>
      </section>
      <section className="panel" aria-labelledby="html-title">
        <h2 id="html-title">{t("outbox.htmlBody")}</h2>
        <pre className="message-body">{m.htmlBody}</pre>
      </section>
      {m.calendar ? (
        <section className="panel" aria-labelledby="calendar-title">
          <h2 id="calendar-title">
            {t("outbox.calendar")} ({m.calendarMethod})
          </h2>
          <pre className="message-body">{m.calendar}</pre>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
