import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { useT } from "../i18n";
import { requirePermission } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "admin.users");
  return null;
}

export default function AdminHome() {
  const t = useT();
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <ul className="card-list">
        <li>
          <Link to="/admin/users">{t("admin.users")}</Link>
        </li>
        <li>
          <Link to="/admin/audit">{t("admin.audit")}</Link>
        </li>
        <li>
          <Link to="/admin/outbox">{t("admin.outbox")}</Link>
        </li>
      </ul>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
