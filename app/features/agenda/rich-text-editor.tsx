import { Extension } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Plugin } from "@tiptap/pm/state";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect, useRef, type ReactNode } from "react";
import type { WebsocketProvider } from "y-websocket";
import type * as Y from "yjs";
import { COLOURS } from "./live";

/*
 * Rich text bound to one XML fragment of a live document (TipTap + Collaboration, carets of
 * the others through the provider's awareness). Only the node types that the read-only view
 * and the minutes render are enabled (agenda.server.ts), and what one paste or one change may
 * hold is limited here, before it reaches the document: a change that the server would refuse
 * must never be made (issue 11, "an oversized change must not loop").
 */

/** The most characters one paste may bring. */
export const MAX_PASTE_CHARACTERS = 20_000;
/** The most characters one text (item notes, general notes) may hold. */
export const MAX_TEXT_CHARACTERS = 50_000;

function sizeLimit(onRefused: (reason: "paste" | "size") => void) {
  return Extension.create({
    name: "broenSizeLimit",
    addProseMirrorPlugins() {
      return [
        new Plugin({
          props: {
            handlePaste(_view, event) {
              const text = event.clipboardData?.getData("text/plain") ?? "";
              const html = event.clipboardData?.getData("text/html") ?? "";
              if (text.length > MAX_PASTE_CHARACTERS || html.length > MAX_PASTE_CHARACTERS * 4) {
                onRefused("paste");
                return true; // handled: nothing is inserted
              }
              return false;
            },
          },
          filterTransaction(transaction) {
            if (!transaction.docChanged) return true;
            const size = transaction.doc.textContent.length;
            // Remote changes are applied as they are (the server already accepted them).
            if (transaction.getMeta("y-sync$") || size <= MAX_TEXT_CHARACTERS) return true;
            onRefused("size");
            return false;
          },
        }),
      ];
    },
  });
}

/** The class for a caret colour from the shared palette (remote values are not trusted). */
function colourClass(colour: unknown): string {
  const index = COLOURS.indexOf(String(colour));
  return `colour-${index < 0 ? 0 : index}`;
}

export interface RichTextEditorProps {
  fragment: Y.XmlFragment;
  provider: WebsocketProvider | null;
  user: { name: string; color: string; ref: string };
  editable: boolean;
  /** The accessible name of the text box. */
  label: string;
  /** Told when a paste or a change was too large and left out. */
  onRefused(reason: "paste" | "size"): void;
  /** Shown until the editor exists (it is created after the first render). */
  fallback?: ReactNode;
  /** Told once the editor exists and holds the fragment's content. */
  onReady?(editor: Editor): void;
}

/** A collaborative rich-text box; read-only when `editable` is false. */
export function RichTextEditor(props: RichTextEditorProps) {
  const { fragment, provider, user, editable, label } = props;
  const refused = useRef(props.onRefused);
  refused.current = props.onRefused;
  const ready = useRef(props.onReady);
  ready.current = props.onReady;
  const editor = useEditor(
    {
      immediatelyRender: false,
      injectCSS: false, // app.css has the editor's rules (the CSP allows no inline styles)
      editable,
      extensions: [
        StarterKit.configure({
          undoRedo: false, // Collaboration brings an undo that knows about other writers
          code: false,
          codeBlock: false,
          horizontalRule: false,
          strike: false,
          underline: false,
          link: false,
        }),
        Collaboration.configure({ fragment }),
        ...(provider
          ? [
              CollaborationCaret.configure({
                provider,
                user,
                // A class, not an inline style: the page's CSP allows no style attributes.
                selectionRender: (other: Record<string, unknown>) => ({
                  class: `collaboration-selection ${colourClass(other.color)}`,
                }),
              }),
            ]
          : []),
        sizeLimit((reason) => refused.current(reason)),
      ],
      editorProps: {
        attributes: {
          "aria-label": label,
          "aria-multiline": "true",
          role: "textbox",
          class: "rich-text",
        },
      },
    },
    [fragment, provider],
  );
  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);
  useEffect(() => {
    if (editor) ready.current?.(editor);
  }, [editor]);
  if (!editor && props.fallback !== undefined) return <>{props.fallback}</>;
  return <EditorContent editor={editor} />;
}
