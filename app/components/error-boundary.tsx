import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";
import { useT } from "../i18n";

/** Every route re-exports this as its ErrorBoundary: a calm page, never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  let title = t("error.title");
  let body = t("error.body");
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = t("error.notFoundTitle");
      body = t("error.notFound");
    } else if (error.status === 403) {
      title = t("error.forbiddenTitle");
      body = t("error.forbidden");
    } else if (error.status === 405) {
      title = t("error.badRequestTitle");
      body = t("error.methodNotAllowed");
    } else if (error.status === 400) {
      title = t("error.badRequestTitle");
      body = typeof error.data === "string" && error.data ? error.data : body;
    }
  }
  return (
    <section className="panel" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p>{body}</p>
      <p>
        <Link to="/">{t("error.toStart")}</Link>
      </p>
    </section>
  );
}
