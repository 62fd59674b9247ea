import { createElement, type ReactNode } from "react";
import { useT } from "../../i18n";
import type { AgendaContent } from "./agenda";

/** A meeting's agenda, read-only; text is rendered as text (React escapes it). */
export function AgendaView({ agenda }: { agenda: AgendaContent[] }) {
  const t = useT();
  if (agenda.length === 0) return <p className="muted">{t("agenda.empty")}</p>;
  return <div className="agenda">{render(agenda)}</div>;
}

function render(content: AgendaContent[]): ReactNode[] {
  return content.map((node, i) =>
    typeof node === "string"
      ? node
      : node.tag === "br"
        ? createElement("br", { key: i })
        : // Children as one array, not spread into arguments: an agenda may be long.
          createElement(node.tag, { key: i }, render(node.children)),
  );
}
