import type { Editor } from "@tiptap/react";
import { createElement, useEffect, useRef, useState, type ReactNode } from "react";
import * as Y from "yjs";
import { whenIdle } from "../../utils/idle";
import { RichTextEditor, type RichTextEditorProps } from "./rich-text-editor";

/*
 * A rich-text box whose editor is created only when it is needed (issue 11: an agenda of 30
 * items must be editable within a second). Creating a TipTap editor (a ProseMirror view, the
 * Yjs binding rendering the whole fragment, the caret plugin) costs about 10–20 ms of main
 * thread each on a loaded machine; 31 of them in one render kept the page busy for over a
 * second (CPU profile of `BENCH_PROFILE=… npm run bench:collab`). Until then the text is shown
 * read-only from the live document itself (kept current on every change), in the same tags the
 * editor renders, and the box is already a focusable text box: the editor replaces it when it
 * comes near the viewport and the page is idle (so carets of others show where one looks), or
 * at once on focus, click or a key, with the caret placed where the click was (else at the end)
 * and any letters typed in between kept.
 */

/** How far outside the viewport a box gets its editor ahead of being scrolled to. */
const NEAR_VIEWPORT = "400px 0px";

/*
 * Editors for boxes near the viewport are created one at a time when the page is idle
 * (utils/idle.ts), not at once, and only once the connection exists (the editor needs it for
 * the carets; a link holder's page fetches a ticket first): while the page opens, the
 * connection's answers and a first key come before them (issue 11; created at once, the first
 * few editors held the socket's "open" and the sync by ~200 ms on a 2-CPU machine).
 */

/** Either the editor or, until it exists, the read-only text (see above). */
export function LazyRichText(props: RichTextEditorProps) {
  const { fragment, editable, label } = props;
  const [wanted, setWanted] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  // What the person did to the stand-in before the editor existed: carried over to the editor.
  const pending = useRef<{ focus: boolean; at?: { left: number; top: number }; text: string }>({
    focus: false,
    text: "",
  });

  const connected = props.provider !== null;
  useEffect(() => {
    const element = box.current;
    if (wanted || !element || !connected) return;
    if (typeof IntersectionObserver === "undefined") {
      setWanted(true);
      return;
    }
    let cancel: (() => void) | null = null;
    const observer = new IntersectionObserver(
      (entries) => {
        const near = entries.some((entry) => entry.isIntersecting);
        if (near && !cancel) cancel = whenIdle(() => setWanted(true));
        else if (!near && cancel) {
          cancel();
          cancel = null;
        }
      },
      { rootMargin: NEAR_VIEWPORT },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancel?.();
    };
  }, [wanted, connected]);

  const onReady = (editor: Editor) => {
    const { focus, at, text } = pending.current;
    pending.current = { focus: false, text: "" };
    if (!focus || !editor.isEditable) return;
    const position = at ? editor.view.posAtCoords(at)?.pos : undefined;
    editor.commands.focus(position ?? "end");
    // focus() focuses in the next frame; the keys that follow must land here already.
    editor.view.focus();
    if (text) editor.commands.insertContent(text);
  };

  const standIn = (
    <div
      ref={box}
      className="rich-text rich-text-pending"
      role="textbox"
      aria-label={label}
      aria-multiline="true"
      aria-readonly={editable ? undefined : "true"}
      tabIndex={editable ? 0 : undefined}
      onMouseDown={(event) => {
        if (!editable) return;
        pending.current.at = { left: event.clientX, top: event.clientY };
      }}
      onFocus={() => {
        pending.current.focus = true;
        setWanted(true);
      }}
      onKeyDown={(event) => {
        // A letter typed before the editor exists is kept and inserted when it does.
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
          event.preventDefault();
          pending.current.text += event.key;
        }
      }}
    >
      <FragmentText fragment={fragment} />
    </div>
  );
  // Not before the provider exists: the editor would be created again with the caret plugin.
  return wanted && props.provider ? (
    <RichTextEditor {...props} fallback={standIn} onReady={onReady} />
  ) : (
    standIn
  );
}

/** The fragment's text as the editor would show it, re-rendered after each of its changes. */
function FragmentText({ fragment }: { fragment: Y.XmlFragment }) {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const changed = () => setVersion((value) => value + 1);
    fragment.observeDeep(changed);
    return () => fragment.unobserveDeep(changed);
  }, [fragment]);
  return <>{renderNodes(fragment.toArray())}</>;
}

/** TipTap's node names → the tags its editor renders (StarterKit, as configured). */
const BLOCK_TAGS: Record<string, string> = {
  paragraph: "p",
  bulletList: "ul",
  orderedList: "ol",
  listItem: "li",
  blockquote: "blockquote",
};

/**
 * Yjs XML (as y-prosemirror stores a ProseMirror document) → React elements. Text stays text
 * (React escapes it); unknown nodes keep their content without their markup.
 */
function renderNodes(nodes: (Y.XmlElement | Y.XmlText | Y.XmlHook)[]): ReactNode[] {
  return nodes.map((node, key) => {
    if (node instanceof Y.XmlText) {
      const runs = node.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[];
      return runs.map((run, i) => {
        if (typeof run.insert !== "string") return null;
        let out: ReactNode = run.insert;
        if (run.attributes?.italic !== undefined) out = createElement("em", null, out);
        if (run.attributes?.bold !== undefined) out = createElement("strong", null, out);
        return createElement("span", { key: `${key}-${i}` }, out);
      });
    }
    if (!(node instanceof Y.XmlElement)) return null;
    if (node.nodeName === "hardBreak") return createElement("br", { key });
    const level = Number(node.getAttribute("level"));
    const tag =
      node.nodeName === "heading" && level >= 1 && level <= 6
        ? `h${level}`
        : BLOCK_TAGS[node.nodeName];
    const children = renderNodes(node.toArray());
    return tag ? createElement(tag, { key }, children) : createElement("span", { key }, children);
  });
}
