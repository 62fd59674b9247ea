import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { useT } from "../i18n";
import { navigationFor } from "../features/access/permissions";
import { requireUser } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.home");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  return {
    name: user.name,
    roles: user.roles,
    areas: navigationFor(user.roles).map(({ to, label, description }) => ({
      to,
      label,
      description,
    })),
  };
}

export default function Home() {
  const { name, roles, areas } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <h1>{t("home.title", { name })}</h1>
      <p>{t("home.intro")}</p>
      <h2>{t("home.roles")}</h2>
      <p>
        {roles.map((role) => (
          <span key={role} className="ds-tag">
            {t(`role.${role}`)}
          </span>
        ))}
      </p>
      <h2>{t("home.areas")}</h2>
      {areas.length === 0 ? (
        <p>{t("home.noAreas")}</p>
      ) : (
        <ul className="card-list">
          {areas.map((area) => (
            <li key={area.to}>
              <Link to={area.to}>{t(area.label)}</Link>
              <p>{t(area.description)}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
