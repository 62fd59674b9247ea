/** An agenda as pages render it (built by app/models/agenda.server.ts): allowed tags and text. */
export type AgendaTag = "h3" | "p" | "ul" | "ol" | "li" | "blockquote" | "br" | "strong" | "em";
export type AgendaContent = string | { tag: AgendaTag; children: AgendaContent[] };
