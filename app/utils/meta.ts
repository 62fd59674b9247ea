import type { MetaDescriptor } from "@remix-run/node";
import { defaultLocale, isLocale, translator, type MessageKey } from "../i18n";

/** A page title in the reader's language (WCAG 2.4.2), from the root loader's locale. */
export function pageTitle(
  matches: readonly { id: string; data: unknown }[],
  key: MessageKey,
  values?: Record<string, string | number>,
): MetaDescriptor[] {
  const locale = (
    matches.find((match) => match.id === "root")?.data as { locale?: unknown } | undefined
  )?.locale;
  const t = translator(isLocale(locale) ? locale : defaultLocale);
  return [{ title: `${t(key, values)} – Broen` }];
}
