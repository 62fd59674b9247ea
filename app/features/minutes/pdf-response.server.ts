import type { Locale } from "../../i18n";
import { pdfDownload } from "../../utils/tagged-pdf.server";
import { minutesPdf } from "./pdf.server";
import type { MinutesVersionView } from "./minutes.server";

/** The PDF of a version as a download: never cached (health data), a neutral file name. */
export async function pdfResponse(selected: MinutesVersionView, locale: Locale) {
  const pdf = await minutesPdf(selected.rendered, selected, locale);
  return pdfDownload(pdf, `referat-versjon-${selected.version}.pdf`);
}

/** The plain-text 404 for a version or link that does not work. */
export function pdfNotFound() {
  return new Response("Ikke funnet. / Not found.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
