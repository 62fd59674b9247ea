import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useParams } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { BridgeHistory, BridgeStatusText } from "../features/bridges/bridge-list";
import { bridgesForLink } from "../features/bridges/bridge-lists.server";
import { PlanLinkInvalid } from "../features/plan/plan-view";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The person's own offerings through their personal link, without an account (issue 13): each
 * bridge, its status and steps. Any other link, or one no longer current, gets the 404 page.
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

export default function PersonBridgesPage() {
  const { bridges } = useLoaderData<typeof loader>();
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
        </section>
      ))}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
