import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { confirmBridgeVisit, openBridgeLink } from "../features/bridges/bridge-link.server";
import { formatDate, useLocale, useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The organisation's personal link to one bridge (issue 13), without an account: the person's
 * first name, the offering and the proposed first visit — only while the person's consent to
 * share with this organisation for this bridge is in force — and a button that confirms the
 * visit. A link that does not work (replaced, bridge ended, unknown) gets a 404 page.
 */

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.bridgeLink"),
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const view = await openBridgeLink(params.token ?? "", context.clientIp);
  if (!view) return data({ view: null }, { status: 404 });
  return { view };
}

export async function action({ params, context }: ActionFunctionArgs) {
  const outcome = await confirmBridgeVisit(params.token ?? "", context.clientIp);
  if (!outcome) return data({ outcome: null }, { status: 404 });
  return data({ outcome }, { status: outcome === "nothing" ? 409 : 200 });
}

export default function BridgeLinkPage() {
  const { view } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const locale = useLocale();
  if (!view)
    return (
      <>
        <h1>{t("title.bridgeLink")}</h1>
        <p>{t("bridge.linkInvalid")}</p>
      </>
    );
  return (
    <>
      <h1>{t("title.bridgeLink")}</h1>
      {result?.outcome ? (
        <p
          className="ds-alert"
          data-color={result.outcome === "nothing" ? "warning" : "success"}
          role="status"
        >
          {t(
            result.outcome === "confirmed"
              ? "bridge.confirmed"
              : result.outcome === "already"
                ? "bridge.alreadyConfirmed"
                : "bridge.nothingToConfirm",
          )}
        </p>
      ) : null}
      {!view.consent ? (
        <p>{t("bridge.linkNothing")}</p>
      ) : (
        <>
          <dl className="facts">
            <dt>{t("bridge.firstName")}</dt>
            <dd>{view.firstName}</dd>
            <dt>{t("bridge.offering")}</dt>
            <dd>{view.offeringTitle}</dd>
            <dt>{t("bridge.firstVisit")}</dt>
            <dd>
              {view.firstVisitOn ? formatDate(locale, view.firstVisitOn) : t("bridge.noDate")}
            </dd>
          </dl>
          {view.confirmedAt ? <p>{t("bridge.alreadyConfirmed")}</p> : null}
          {view.mayConfirm && !result?.outcome ? (
            <Form method="post">
              <button type="submit" className="ds-button" data-variant="primary">
                {t("bridge.confirm")}
              </button>
            </Form>
          ) : null}
        </>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
