import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { idFromUrl } from "../features/access/access.server";
import { requirePermission } from "../features/accounts/session.server";
import { PlanPanel } from "../features/plan/plan-panel";
import { planForUser } from "../features/plan/plan-page.server";
import { setPlanRevision } from "../features/plan/plan-revision.server";
import { RevisionDateForm } from "../features/plan/revision-form";
import { readForm } from "../utils/forms.server";
import { useT } from "../i18n";
import { pageTitle } from "../utils/meta";

/*
 * The network's plan (issue 12), live: leaders edit it together (and with the person through
 * their link); a partner reads the parts their consent covers. plan/plan-page.server.ts
 * decides; plan/live-plan.tsx is the editor.
 */

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "title.plan");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  return planForUser(user, context, idFromUrl(params.networkId), "view");
}

/** Leaders change the plan's next revision date here (plan-revision.server.ts checks access). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  return setPlanRevision(user, context, idFromUrl(params.networkId), await readForm(request));
}

export default function PlanPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p className="no-print">
        <a href={`/networks/${data.networkId}`}>{t("plan.back")}</a>
      </p>
      <h1>{t("plan.titleFor", { name: data.personName })}</h1>
      {data.role !== "none" ? (
        <p className="actions no-print">
          <a href={`/networks/${data.networkId}/plan/print`}>{t("plan.print")}</a>
          <a href={`/networks/${data.networkId}/plan.pdf`}>{t("plan.pdf")}</a>
          <a href={`/networks/${data.networkId}/plan/history`}>{t("planHistory.title")}</a>
          <a href={`/networks/${data.networkId}/progress`}>{t("invitation.progress")}</a>
        </p>
      ) : null}
      {data.mayEditRevision ? <RevisionDateForm revisionOn={data.revisionOn} /> : null}
      <PlanPanel data={data} />
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
