import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { userStatusKey } from "../features/accounts/user-status";
import { useT } from "../i18n";
import { requirePermission } from "../features/accounts/session.server";
import { listUsers } from "../features/accounts/users.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.users");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requirePermission(request, context, "admin.users");
  return { users: await listUsers(admin.municipalityId) };
}

export default function Users() {
  const { users } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1 id="users-title">{t("admin.users")}</h1>
      <p className="actions">
        <Link to="/admin/users/new" className="ds-button" data-variant="primary">
          {t("admin.newUser")}
        </Link>
      </p>
      <div className="table-wrap">
        <table className="ds-table reflow" aria-labelledby="users-title">
          <thead>
            <tr>
              <th scope="col">{t("users.name")}</th>
              <th scope="col">{t("users.email")}</th>
              <th scope="col">{t("users.roles")}</th>
              <th scope="col">{t("users.organisation")}</th>
              <th scope="col">{t("users.status")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td data-label={t("users.name")}>
                  <Link to={`/admin/users/${user.id}`}>{user.name}</Link>
                </td>
                <td data-label={t("users.email")}>{user.email}</td>
                <td data-label={t("users.roles")}>
                  {user.roles.map((role) => t(`role.${role}`)).join(", ")}
                </td>
                <td data-label={t("users.organisation")}>{user.organisation ?? ""}</td>
                <td data-label={t("users.status")}>{t(userStatusKey(user))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
