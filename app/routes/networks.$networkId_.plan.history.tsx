import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { PlanChangesView, useSnapshotLabel } from "../features/plan/history-view";
import { planHistory, UnknownSnapshotError } from "../features/plan/plan-history.server";
import { useT } from "../i18n";
import { dataTitle } from "../utils/meta";

/** What changed in a network's plan between two meetings; partners see only consented parts. */
export const meta: MetaFunction<typeof loader> = (args) =>
  dataTitle(args, ({ networkKind }, t) =>
    t("title.planHistory", { kind: t(`networkKind.${networkKind}`) }),
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `?from=` / `?to=`: a snapshot id, or absent; anything else is a 400. */
const snapshotParam = (url: URL, name: string) => {
  const value = url.searchParams.get(name);
  if (!value) return null;
  if (!UUID.test(value)) throw new Response("Not a meeting of this plan", { status: 400 });
  return value;
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const url = new URL(request.url);
  try {
    return await planHistory(user, context, idFromUrl(params.networkId), {
      from: snapshotParam(url, "from"),
      to: snapshotParam(url, "to"),
    });
  } catch (error) {
    if (error instanceof UnknownSnapshotError) throw new Response(error.message, { status: 400 });
    throw error;
  }
}

export default function PlanHistoryPage() {
  const view = useLoaderData<typeof loader>();
  const t = useT();
  const label = useSnapshotLabel();
  return (
    <>
      <h1>{t("planHistory.title")}</h1>
      <p>
        <a href={`/networks/${view.networkId}`}>{t("planHistory.backToNetwork")}</a>
      </p>
      <p>{t("planHistory.intro")}</p>
      {view.nothingVisible ? (
        <p>{t("planHistory.nothingVisible")}</p>
      ) : view.snapshots.length === 0 ? (
        <p>{t("planHistory.none")}</p>
      ) : (
        <>
          <Form method="get" className="panel plan-history-choice">
            <div className="ds-field">
              <label className="ds-label" htmlFor="history-from">
                {t("planHistory.from")}
              </label>
              <select
                className="ds-input"
                id="history-from"
                name="from"
                defaultValue={view.from ?? ""}
              >
                <option value="">{t("planHistory.start")}</option>
                {view.snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="ds-field">
              <label className="ds-label" htmlFor="history-to">
                {t("planHistory.to")}
              </label>
              <select className="ds-input" id="history-to" name="to" defaultValue={view.to ?? ""}>
                {view.snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {label(s)}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="ds-button" data-variant="secondary">
              {t("planHistory.compare")}
            </button>
          </Form>
          {view.changes ? <PlanChangesView changes={view.changes} /> : null}
        </>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
