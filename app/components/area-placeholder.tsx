import { useT } from "../i18n";
import type { MessageKey } from "../i18n/nb";

/** The honest page for an area whose issue has not landed yet; access is checked already. */
export function AreaPlaceholder({ title, what }: { title: MessageKey; what: MessageKey }) {
  const t = useT();
  return (
    <section className="panel" aria-labelledby="area-title">
      <h1 id="area-title">{t(title)}</h1>
      <p>{t("area.coming", { what: t(what) })}</p>
    </section>
  );
}
