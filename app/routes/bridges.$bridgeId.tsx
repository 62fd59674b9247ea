import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CopyButton } from "../components/copy-button";
import { FormTokenField, SubmitButton } from "../components/submit-button";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { ErrorSummary } from "../components/forms";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { bridgePageAction } from "../features/bridges/bridge-actions.server";
import { BridgeHistory, BridgeStatusText } from "../features/bridges/bridge-list";
import { BridgeStepForm, useWhen } from "../features/bridges/bridge-views";
import { viewBridge } from "../features/bridges/bridges.server";
import { issueFormToken, userOwner } from "../features/forms/once.server";
import { useT } from "../i18n";
import { readForm } from "../utils/forms.server";
import { osloToday } from "../utils/oslo-time";
import { pageTitle } from "../utils/meta";

/*
 * One bridge from a person to an offering (issue 13), for the leaders who manage the person's
 * network: its status and steps, the next step, the person's consent to share with the
 * organisation, and the organisation's personal link. Anyone else gets 404
 * (bridges/bridges.server.ts).
 */

// The person's name stays out of the title (utils/meta.ts): it is kept in browser history.
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.bridge");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const bridge = await viewBridge(user, context, idFromUrl(params.bridgeId));
  return { bridge, today: osloToday(), formToken: issueFormToken(userOwner(user)) };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  return bridgePageAction(user, context, idFromUrl(params.bridgeId), await readForm(request));
}

export default function BridgePage() {
  const { bridge, today, formToken } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors = result && !result.ok ? result.errors : undefined;
  const t = useT();
  const when = useWhen();
  return (
    <>
      <p>
        <Link to={`/networks/${bridge.networkId}/plan`}>{t("bridge.back")}</Link>
        {" · "}
        <Link to={`/persons/${bridge.personId}`}>{bridge.personName}</Link>
      </p>
      <h1>{t("bridge.title", { offering: bridge.offeringTitle })}</h1>
      {result?.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <ErrorSummary
        errors={errors}
        labels={{
          status: t("bridge.statusLabel"),
          happenedOn: t("bridge.happenedOn"),
          visitOn: t("bridge.visitOn"),
          companion: t("bridge.companionLabel"),
          note: t("bridge.note"),
          link: t("bridge.linkTitle"),
        }}
      />
      <dl className="facts">
        <dt>{t("bridge.person")}</dt>
        <dd>{bridge.personName}</dd>
        <dt>{t("bridge.offering")}</dt>
        <dd>
          <Link to={`/offerings/${bridge.offeringId}`}>{bridge.offeringTitle}</Link> (
          {bridge.organisation})
        </dd>
        {bridge.goal ? (
          <>
            <dt>{t("bridge.forGoal")}</dt>
            <dd>
              <q>{bridge.goal}</q>
            </dd>
          </>
        ) : null}
        {bridge.action ? (
          <>
            <dt>{t("bridge.forAction")}</dt>
            <dd>{bridge.action}</dd>
          </>
        ) : null}
        <dt>{t("bridge.statusLabel")}</dt>
        <dd>
          <BridgeStatusText item={bridge} />
          {bridge.firstVisitOn ? (
            <>
              {" · "}
              {bridge.visitConfirmedAt
                ? t("bridge.confirmedByOrg", { when: when(bridge.visitConfirmedAt) })
                : t("bridge.notConfirmed")}
            </>
          ) : null}
        </dd>
      </dl>
      <section className="panel" aria-labelledby="bridge-history-title">
        <h2 id="bridge-history-title">{t("bridge.history")}</h2>
        <BridgeHistory steps={bridge.history} />
      </section>
      {bridge.closed ? (
        <p className="ds-alert" data-color="info">
          {t("bridge.closed")}
        </p>
      ) : (
        // Starts empty after each saved step, and only then: consent or a new link keeps what is typed.
        <BridgeStepForm today={today} errors={errors} formKey={String(bridge.history.length)} />
      )}
      <section className="panel" aria-labelledby="bridge-consent-title">
        <h2 id="bridge-consent-title">{t("bridge.consentTitle")}</h2>
        <p>{t("bridge.consentIntro")}</p>
        {bridge.consent.inForce && bridge.consent.givenAt ? (
          <p>
            {t("bridge.consentGiven", {
              when: when(bridge.consent.givenAt),
              by:
                bridge.consent.givenBy === "person"
                  ? t("bridge.consentByPerson")
                  : t("bridge.consentByLeader"),
            })}
          </p>
        ) : (
          <p>
            {t("bridge.consentNone")}
            {bridge.consent.withdrawnAt
              ? ` ${t("bridge.consentWithdrawn", { when: when(bridge.consent.withdrawnAt) })}`
              : ""}
          </p>
        )}
        <Form method="post">
          {bridge.consent.inForce ? (
            <button
              type="submit"
              className="ds-button"
              data-variant="secondary"
              name="intent"
              value="consent-withdraw"
            >
              {t("bridge.consentWithdraw")}
            </button>
          ) : (
            <button
              type="submit"
              className="ds-button"
              data-variant="secondary"
              name="intent"
              value="consent-give"
            >
              {t("bridge.consentGive")}
            </button>
          )}
        </Form>
      </section>
      {!bridge.closed ? (
        <section className="panel" aria-labelledby="bridge-link-title">
          <h2 id="bridge-link-title">{t("bridge.linkTitle")}</h2>
          <p>{t("bridge.linkIntro")}</p>
          {bridge.link && bridge.linkIssuedAt ? (
            <>
              <p>{t("bridge.linkIssued", { when: when(bridge.linkIssuedAt) })}</p>
              <p className="actions">
                <code className="secret" data-testid="bridge-link">
                  {bridge.link}
                </code>
                <CopyButton
                  text={bridge.link}
                  label={t("meeting.copyLink")}
                  done={t("meeting.linkCopied")}
                />
              </p>
            </>
          ) : (
            <p>{t("bridge.linkNone")}</p>
          )}
          {!bridge.consent.inForce ? (
            <p>{t("bridge.linkNeedsConsent")}</p>
          ) : !bridge.linkSendTo ? (
            <p>{t("bridge.linkNoEmail")}</p>
          ) : null}
          {/* The error summary's link for a refused "send" leads here. */}
          <div className="actions" id="field-link" tabIndex={-1}>
            {bridge.consent.inForce && bridge.linkSendTo ? (
              <Form method="post">
                <FormTokenField token={formToken} />
                <SubmitButton
                  className="ds-button"
                  data-variant="primary"
                  name="intent"
                  value="link-send"
                >
                  {t("bridge.linkSend", { address: bridge.linkSendTo })}
                </SubmitButton>
              </Form>
            ) : null}
            <Form method="post">
              <button
                type="submit"
                className="ds-button"
                data-variant="secondary"
                name="intent"
                value="link"
              >
                {t("bridge.linkNew")}
              </button>
            </Form>
          </div>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
