import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { PlanHistoryBody } from "../features/plan/history-view";
import {
  planHistory,
  UnknownSnapshotError,
  historyChoice,
} from "../features/plan/plan-history.server";
import { useT } from "../i18n";
import { dataTitle } from "../utils/meta";

/** What changed in a network's plan between two meetings; partners see only consented parts. */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ networkKind }, t) =>
    t("title.planHistory", { kind: t(`networkKind.${networkKind}`) }),
  );

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const url = new URL(request.url);
  const networkId = idFromUrl(params.networkId);
  try {
    return await planHistory(user, context, networkId, historyChoice(url));
  } catch (error) {
    if (error instanceof UnknownSnapshotError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function PlanHistoryPage() {
  const view = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("planHistory.title")}</h1>
      <p>
        <a href={`/networks/${view.networkId}`}>{t("planHistory.backToNetwork")}</a>
      </p>
      <p>{t("planHistory.intro")}</p>
      <PlanHistoryBody view={view} />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
