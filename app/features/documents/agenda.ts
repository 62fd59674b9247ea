/** An agenda as pages render it (built by agenda.server.ts): allowed tags and text. */
export type AgendaTag = "h3" | "p" | "ul" | "ol" | "li" | "blockquote" | "br" | "strong" | "em";
export type AgendaNode = { tag: AgendaTag; children: AgendaContent[] };
export type AgendaContent = string | AgendaNode;
