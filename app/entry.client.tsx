import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { isLocale, loadCatalogue } from "./i18n";

// The page's language is <html lang>; its texts must be there before React hydrates it.
const lang = document.documentElement.lang;
void (isLocale(lang) ? loadCatalogue(lang) : Promise.resolve()).finally(() => {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
});
