import type { MetaDescriptor } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import {
  defaultLocale,
  isLocale,
  translator,
  type Locale,
  type MessageKey,
  type Translate,
} from "../i18n";

/*
 * Page titles (WCAG 2.4.2). The rule for every page:
 *
 * - "<what this page shows> – Broen", in the reader's language: the list and its view (week,
 *   month, tab, page), the kind of thing and a neutral identifier for one thing.
 * - A title is not private. It is kept in the browser's history, tabs, bookmarks and synced
 *   devices, and shown when a screen is shared. So it never holds a person's name (the person
 *   followed up, or a relative on an invitation page), nor health information, nor free text
 *   staff wrote (a meeting's internal or calendar title, an e-mail subject): those may hold
 *   either. What the page is about in detail is in its <h1>, inside the page.
 * - A meeting: its kind and its time ("Nettverksmøte 15. apr. 2026, 10:00"), "Avlyst:" first
 *   when cancelled. An invitation link's page: "Invitasjon til møte" and the time.
 * - A person: "Person" and what the page is for; a network: "Nettverk" and its kind. Several
 *   open persons are told apart by their page, not by the tab.
 * - A staff account in administration may be named: it is an employee, not someone followed up.
 * - A page that failed names the failure ("Siden finnes ikke", "Ingen tilgang").
 */

type Matches = readonly { id: string; data: unknown }[];

/** The reader's language, from the root loader's data. */
function titleLocale(matches: Matches): Locale {
  const locale = (
    matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined
  )?.locale;
  return isLocale(locale) ? locale : defaultLocale;
}

const withSuffix = (text: string): MetaDescriptor[] => [{ title: `${text} – Broen` }];

/** A page title in the reader's language (WCAG 2.4.2), from the root loader's locale. */
export function pageTitle(
  matches: Matches,
  key: MessageKey,
  values?: Record<string, string | number>,
): MetaDescriptor[] {
  return withSuffix(translator(titleLocale(matches))(key, values));
}

/**
 * A title made from what the page loaded (see the rule above), or, when the page's loader
 * failed (no data, or an error), the title of the error the page shows instead.
 */
export function dataTitle<Data>(
  args: { matches: Matches; data: Data | undefined; error?: unknown },
  make: (data: Data, t: Translate, locale: Locale) => string,
): MetaDescriptor[] {
  const locale = titleLocale(args.matches);
  const t = translator(locale);
  if (args.error || args.data === undefined) return withSuffix(t(errorTitleKey(args.error)));
  return withSuffix(make(args.data, t, locale));
}

/** As components/error-boundary.tsx titles the error. */
function errorTitleKey(error: unknown): MessageKey {
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) return "error.notFoundTitle";
    if (error.status === 403) return "error.forbiddenTitle";
    if (error.status === 400 || error.status === 405) return "error.badRequestTitle";
  }
  return "error.title";
}
