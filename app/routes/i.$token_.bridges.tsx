import {
  data,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { invitationByToken } from "../features/access/invitations.server";
import { setBridgeConsentByPerson } from "../features/bridges/bridges.server";
import { readForm } from "../utils/forms.server";
import { isUuid } from "../utils/validation.server";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { BridgeHistory, BridgeStatusText } from "../features/bridges/bridge-list";
import { bridgesForLink } from "../features/bridges/bridge-lists.server";
import { PlanLinkInvalid } from "../features/plan/plan-view";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The person's own offerings through their personal link, without an account (issue 13): each
 * bridge, its status and steps, and their yes or no to sharing their first name and the first
 * visit with the organisation. Any other link, or one no longer current, gets the 404 page.
 */

export const meta: MetaFunction = ({ matches }) => [
  ...pageTitle(matches, "title.bridgesLink"),
  { name: "robots", content: "noindex" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const bridges = await bridgesForLink(params.token ?? "", context.clientIp);
  if (!bridges) return data({ bridges: null }, { status: 404 });
  return { bridges };
}

/** The person gives or withdraws their consent for one bridge (bridges.server.ts decides). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const intent = form.get("intent");
  const bridgeId = form.get("bridgeId");
  if ((intent !== "consent-give" && intent !== "consent-withdraw") || typeof bridgeId !== "string")
    return data({ ok: false as const }, { status: 400 });
  const found = await invitationByToken(params.token ?? "");
  if (!found || !isUuid(bridgeId)) return data({ ok: false as const }, { status: 404 });
  const give = intent === "consent-give";
  const done = await setBridgeConsentByPerson(found, context.clientIp, bridgeId, give);
  if (!done) return data({ ok: false as const }, { status: 404 });
  return data({
    ok: true as const,
    notice: give ? "bridge.consentSaved" : "bridge.consentRemoved",
  } as const);
}

export default function PersonBridgesPage() {
  const { bridges } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { token } = useParams();
  const t = useT();
  if (!bridges) return <PlanLinkInvalid />;
  return (
    <>
      <p>
        <a href={`/i/${token}/plan`}>{t("bridge.back")}</a>
      </p>
      <h1>{t("title.bridgesLink")}</h1>
      <p>{t("bridge.yourIntro")}</p>
      {result?.ok ? (
        <p className="ds-alert" data-color="success" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      {bridges.length === 0 ? <p>{t("bridge.none")}</p> : null}
      {bridges.map((bridge) => (
        <section key={bridge.id} className="panel" aria-labelledby={`bridge-${bridge.id}`}>
          <h2 id={`bridge-${bridge.id}`}>
            {bridge.offeringTitle} ({bridge.organisation})
          </h2>
          <p>
            <BridgeStatusText item={bridge} />
          </p>
          <BridgeHistory steps={bridge.history} />
          {bridge.closed ? null : (
            <Form method="post">
              <p>{bridge.consent ? t("bridge.yourConsentYes") : t("bridge.yourConsentNo")}</p>
              <input type="hidden" name="bridgeId" value={bridge.id} />
              <button
                type="submit"
                className="ds-button"
                data-variant="secondary"
                name="intent"
                value={bridge.consent ? "consent-withdraw" : "consent-give"}
                aria-describedby={`bridge-${bridge.id}`}
              >
                {bridge.consent ? t("bridge.consentWithdraw") : t("bridge.yourConsentGive")}
              </button>
            </Form>
          )}
        </section>
      ))}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
