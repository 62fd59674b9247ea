import type { Locale } from "../../i18n";
import { minutesPdf } from "./pdf.server";
import type { MinutesVersionView } from "./minutes.server";

/** The PDF of a version as a download: never cached (health data), a neutral file name. */
export async function pdfResponse(selected: MinutesVersionView, locale: Locale) {
  const pdf = await minutesPdf(selected.rendered, selected, locale);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="referat-versjon-${selected.version}.pdf"`,
      "Cache-Control": "no-store",
    },
  });
}

/** The plain-text 404 for a version or link that does not work. */
export function pdfNotFound() {
  return new Response("Ikke funnet. / Not found.", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}
