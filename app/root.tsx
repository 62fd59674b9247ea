import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { deleteLocalCopies } from "./features/agenda/offline";
import {
  Form,
  Links,
  LiveReload,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { useFollowLinks } from "./components/follow-links";
import { useNonce } from "./components/nonce";
import { RouteAnnouncer } from "./components/route-announcer";
import { useLocale, useT, type Locale } from "./i18n";
import { getLocale } from "./i18n/locale.server";
import { navigationFor } from "./features/access/permissions";
import { getSessionUser } from "./features/accounts/session.server";
import designsystemet from "@digdir/designsystemet-css/index.css";
import theme from "@digdir/designsystemet-theme/digdir.css";
import stylesheet from "./styles/app.css";

// Designsystemet (Digdir) gives the components, the digdir brand theme their colours and sizes;
// app.css holds only Broen's own layout (ADR 016). Both load as plain stylesheets: no script.
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: designsystemet },
  { rel: "stylesheet", href: theme },
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Broen" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [locale, user] = await Promise.all([getLocale(request), getSessionUser(request, context)]);
  return {
    locale,
    user: user ? { name: user.name, roles: user.roles } : null,
    navigation: user ? navigationFor(user.roles).map(({ to, label }) => ({ to, label })) : [],
  };
}

type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const locale = useLocale();
  return (
    <html lang={locale === "nb" ? "nb" : "en"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <Shell>{children}</Shell>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <LiveReload nonce={nonce} />
      </body>
    </html>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const t = useT();
  const data = useRouteLoaderData("root") as RootData | undefined;
  const location = useLocation();
  const here = location.pathname + location.search;
  const followLinks = useFollowLinks();
  // As NavLink: "/" only when on it, an area also on its sub-pages.
  const current = (to: string) =>
    to === "/"
      ? location.pathname === "/"
      : location.pathname === to || location.pathname.startsWith(`${to}/`);
  return (
    <>
      <a className="ds-skip-link" href="#main">
        {t("skip.toMain")}
      </a>
      {/* Plain links with one delegated click handler (useFollowLinks; ADR 007): the header and
          the main area navigate inside the app without a <Link> per link. */}
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions */}
      <header className="site-header" onClick={followLinks}>
        <div className="site-header-inner">
          <a href="/" className="brand">
            {t("app.name")}
          </a>
          <div className="header-tools">
            <LanguageSwitch locale={data?.locale ?? "nb"} redirectTo={here} />
            {data?.user ? (
              <>
                <a href="/account" className="ds-button" data-variant="tertiary" data-size="sm">
                  {t("nav.account")}
                </a>
                <Form
                  method="post"
                  action="/logout"
                  onSubmit={(event) => {
                    // Delete the offline copies of live documents first (agenda/offline.ts).
                    event.preventDefault();
                    const form = event.currentTarget;
                    void deleteLocalCopies().finally(() => form.submit());
                  }}
                >
                  <button
                    type="submit"
                    className="ds-button"
                    data-variant="tertiary"
                    data-size="sm"
                  >
                    {t("nav.logout")}
                  </button>
                </Form>
              </>
            ) : null}
          </div>
        </div>
        {data?.user && data.navigation.length > 0 ? (
          <nav aria-label={t("nav.label")} className="main-nav">
            <ul>
              <li>
                <a
                  href="/"
                  className={current("/") ? "active" : undefined}
                  aria-current={current("/") ? "page" : undefined}
                >
                  {t("nav.home")}
                </a>
              </li>
              {data.navigation.map((item) => (
                <li key={item.to}>
                  <a
                    href={item.to}
                    className={current(item.to) ? "active" : undefined}
                    aria-current={current(item.to) ? "page" : undefined}
                  >
                    {t(item.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions */}
      <main id="main" tabIndex={-1} onClick={followLinks}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t("app.tagline")}</p>
      </footer>
      {/* After a navigation inside the app: focus to the new page's <h1>, its title said. */}
      <RouteAnnouncer />
    </>
  );
}

function LanguageSwitch({ locale, redirectTo }: { locale: Locale; redirectTo: string }) {
  const t = useT();
  const other: Locale = locale === "nb" ? "en" : "nb";
  return (
    // A whole new document: the browser loads the other language's texts before it hydrates.
    <Form method="post" action="/language" reloadDocument>
      <input type="hidden" name="locale" value={other} />
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <button
        type="submit"
        className="ds-button"
        data-size="sm"
        data-variant="tertiary"
        lang={other}
        aria-label={t("lang.switchButton")}
      >
        {t("lang.switchTo")}
      </button>
    </Form>
  );
}

export default function App() {
  return <Outlet />;
}

export const ErrorBoundary = GeneralErrorBoundary;
