import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmAction } from "../components/confirm";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { formatDateTime, useLocale, useT } from "../i18n";
import { AccountIntent } from "../features/accounts/account-form.server";
import { createFeed, hasFeed, revokeFeed } from "../features/meetings/calendar-feed.server";
import { issueFormToken, readFormClaim, userOwner } from "../features/forms/once.server";
import { remindersOff, setRemindersOff } from "../features/mail/reminders.server";
import { auditActor } from "../features/audit/audit.server";
import {
  destroySessionCookie,
  listSessions,
  logOutEverywhere,
  requireUser,
} from "../features/accounts/session.server";
import { badRequest, formFields, readForm, validate } from "../utils/forms.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "account.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const sessions = await listSessions(user.id);
  return {
    name: user.name,
    email: user.email,
    hasFeed: await hasFeed(user.id),
    remindersOff: await remindersOff({ kind: "user", userId: user.id }),
    formToken: issueFormToken(userOwner(user)),
    sessions: sessions.map((s) => ({
      current: s.idHash === user.sessionIdHash,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      userAgent: s.userAgent ?? "",
    })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const submitted = await readForm(request);
  const form = validate(AccountIntent, formFields(submitted));
  if (!form.ok) return badRequest(form.errors);
  if (form.value.intent === "create-feed") {
    const claim = await readFormClaim<{ https: string; webcal: string }>(
      submitted,
      userOwner(user),
      "feed",
    );
    if (!claim.ok) return badRequest(claim.errors);
    const feed = claim.earlier?.value ?? (await createFeed(user, context, claim.claim));
    return data({ ok: true as const, feed, errors: undefined });
  }
  if (form.value.intent === "reminders-off" || form.value.intent === "reminders-on") {
    const off = form.value.intent === "reminders-off";
    await setRemindersOff({ kind: "user", userId: user.id }, off, auditActor(user, context));
    return data({ ok: true as const, reminders: off ? "off" : "on", errors: undefined });
  }
  if (form.value.intent === "revoke-feed") {
    await revokeFeed(user, context);
    return data({ ok: true as const, feed: null, errors: undefined });
  }
  await logOutEverywhere(user, context);
  return redirect("/login?loggedOut=1", {
    headers: { "Set-Cookie": await destroySessionCookie() },
  });
}

export default function Account() {
  const { name, email, sessions, hasFeed, formToken, remindersOff } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("account.title")}</h1>
      <p>
        {name} · {email}
      </p>
      <ErrorSummary errors={result?.errors} />
      <section className="panel" aria-labelledby="feed-title">
        <h2 id="feed-title">{t("feed.title")}</h2>
        <p>{t("feed.intro")}</p>
        {result && "feed" in result && result.feed ? (
          <div className="ds-alert" data-color="success" role="status">
            <p>{t("feed.linkShownOnce")}</p>
            <code className="secret">{result.feed.webcal}</code>
            <code className="secret">{result.feed.https}</code>
          </div>
        ) : null}
        {result && "feed" in result && result.feed === null ? (
          <p className="ds-alert" data-color="success" role="status">
            {t("feed.revoked")}
          </p>
        ) : null}
        <p>{hasFeed ? t("feed.active") : t("feed.none")}</p>
        {hasFeed ? (
          <div className="actions">
            <ConfirmAction
              id="renew-feed"
              intent="create-feed"
              fields={{ formToken }}
              look="secondary"
              label={t("feed.renew")}
              question={t("confirm.renewFeed.question")}
              consequence={t("confirm.renewFeed.consequence")}
              confirmLabel={t("confirm.renewFeed.yes")}
            />
            <ConfirmAction
              id="revoke-feed"
              intent="revoke-feed"
              label={t("feed.revoke")}
              question={t("confirm.revokeFeed.question")}
              consequence={t("confirm.revokeFeed.consequence")}
              confirmLabel={t("confirm.revokeFeed.yes")}
            />
          </div>
        ) : (
          <Form method="post" className="actions">
            <FormTokenField />
            <SubmitButton name="intent" value="create-feed">
              {t("feed.create")}
            </SubmitButton>
          </Form>
        )}
      </section>
      <section className="panel" aria-labelledby="reminders-title">
        <h2 id="reminders-title">{t("reminders.title")}</h2>
        <p>{t("reminders.intro")}</p>
        {result && "reminders" in result ? (
          <p className="ds-alert" data-color="success" role="status">
            {t(result.reminders === "off" ? "reminders.turnedOff" : "reminders.turnedOn")}
          </p>
        ) : null}
        <p>{t(remindersOff ? "reminders.areOff" : "reminders.areOn")}</p>
        <Form method="post" className="actions">
          <SubmitButton
            name="intent"
            value={remindersOff ? "reminders-on" : "reminders-off"}
            data-variant="secondary"
          >
            {t(remindersOff ? "reminders.turnOn" : "reminders.turnOff")}
          </SubmitButton>
        </Form>
      </section>
      <section className="panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("account.sessions")}</h2>
        <p>{t("account.sessionsIntro")}</p>
        <div className="table-wrap">
          <table className="ds-table reflow" aria-labelledby="sessions-title">
            <thead>
              <tr>
                <th scope="col">{t("account.started")}</th>
                <th scope="col">{t("account.lastSeen")}</th>
                <th scope="col">{t("account.device")}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.createdAt + s.userAgent}>
                  <td data-label={t("account.started")}>
                    {formatDateTime(locale, s.createdAt)}
                    {s.current ? <span className="ds-tag">{t("account.thisSession")}</span> : null}
                  </td>
                  <td data-label={t("account.lastSeen")}>{formatDateTime(locale, s.lastSeenAt)}</td>
                  <td data-label={t("account.device")}>{s.userAgent}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="actions">
          <ConfirmAction
            id="logout-all"
            intent="logout-all"
            label={t("account.logoutAll")}
            question={t("confirm.logoutAll.question")}
            consequence={t("confirm.logoutAll.consequence")}
            confirmLabel={t("confirm.logoutAll.yes")}
          />
        </div>
      </section>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
