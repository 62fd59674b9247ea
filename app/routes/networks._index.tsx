import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "../components/error-boundary";
import { formatDate, useLocale, useT } from "../i18n";
import { expiringConsents } from "../features/consent/consent.server";
import { can } from "../features/access/permissions";
import { listPeople } from "../features/people/people.server";
import { requirePermission } from "../features/accounts/session.server";
import { pageTitle } from "../utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "people.title");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "networks.view");
  const people = await listPeople(user);
  const managedIds = people.filter((p) => p.manage).map((p) => p.id);
  return {
    canManage: can(user.roles, "people.manage"),
    people,
    expiring: await expiringConsents(managedIds),
  };
}

export default function Networks() {
  const { canManage, people, expiring } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("people.title")}</h1>
      <p>{t("people.intro")}</p>
      {canManage ? (
        <p className="actions">
          <Link to="/persons/new" className="ds-button" data-variant="primary">
            {t("people.new")}
          </Link>
        </p>
      ) : null}
      {people.length === 0 ? (
        <p>{t("people.none")}</p>
      ) : (
        <ul className="person-list">
          {people.map((person) => (
            <li key={person.id} className="panel">
              <h2>
                <Link to={`/persons/${person.id}`}>
                  {person.name}
                  {person.preferredName ? ` (${person.preferredName})` : ""}
                </Link>
              </h2>
              <p className="muted">{person.unitName}</p>
              <ul>
                {person.networks.map((network) => (
                  <li key={network.id}>
                    <Link to={`/networks/${network.id}`}>{t(`networkKind.${network.kind}`)}</Link>
                    {network.leaders.length > 0 ? ` · ${network.leaders.join(", ")}` : ""}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {canManage ? (
        <section className="panel" aria-labelledby="expiring-title">
          <h2 id="expiring-title">{t("consent.expiring")}</h2>
          {expiring.length === 0 ? (
            <p>{t("consent.expiringNone")}</p>
          ) : (
            <ul>
              {expiring.map((c) => (
                <li key={c.consentId}>
                  {c.memberName} – {t(`consentContent.${c.content}`)} –{" "}
                  {formatDate(locale, c.expiresOn)} ({c.personName}){" "}
                  <Link to={`/networks/${c.networkId}#member-${c.memberId}`}>
                    {t("consent.renew")}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
