import { useEffect, useId, useRef, useState } from "react";
import type * as Y from "yjs";
import { useLocale, useT } from "../../i18n";
import { insertCard, PROMPT_CARDS, type PromptCard, type PromptCardKind } from "./prompt-cards";
import { MAX_TEXT_CHARACTERS } from "./rich-text-editor";

/*
 * Dropping a prompt card into an item (issue 11): a button opens the list of cards (a
 * disclosure, not a drag: every step is a button, so it works by keyboard alone); choosing one
 * writes its questions at the end of the item's notes, says so to screen readers, and returns
 * focus to the button. Escape closes the list without a change.
 */

export interface PromptCardPickerProps {
  /** The item's notes (the fragment its rich-text editor binds to). */
  fragment: Y.XmlFragment;
  /** The item's title as shown, for the button's and the message's wording. */
  itemTitle: string;
  announce(text: string): void;
}

const KINDS: PromptCardKind[] = ["conversation", "reflection"];

/** The "prompt card" button of one item and its list of cards. */
export function PromptCardPicker(props: PromptCardPickerProps) {
  const t = useT();
  const locale = useLocale();
  const listId = useId();
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);

  const close = () => {
    setOpen(false);
    toggleRef.current?.focus();
  };

  // Opening moves focus to the first card; Escape anywhere in the list closes it.
  useEffect(() => {
    const panel = panelRef.current;
    if (!open || !panel) return;
    panel.querySelector<HTMLButtonElement>("button")?.focus();
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      setOpen(false);
      toggleRef.current?.focus();
    };
    panel.addEventListener("keydown", onKeyDown);
    return () => panel.removeEventListener("keydown", onKeyDown);
  }, [open]);

  const choose = (card: PromptCard) => {
    const title = card.title[locale];
    if (insertCard(props.fragment, card, locale, MAX_TEXT_CHARACTERS)) {
      props.announce(t("cards.added", { card: title, title: props.itemTitle }));
    } else {
      props.announce(t("cards.tooLong"));
    }
    close();
  };

  return (
    <div className="prompt-cards">
      <button
        ref={toggleRef}
        type="button"
        className="ds-button"
        data-variant="tertiary"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t("cards.open")}
        <span className="ds-sr-only">: {props.itemTitle}</span>
      </button>
      {open ? (
        <div
          ref={panelRef}
          id={listId}
          className="prompt-card-list"
          role="group"
          aria-label={t("cards.groupLabel", { title: props.itemTitle })}
        >
          {KINDS.map((kind) => (
            <div key={kind}>
              <p id={`${listId}-${kind}`} className="prompt-card-kind">
                {t(kind === "conversation" ? "cards.conversation" : "cards.reflection")}
              </p>
              <div className="actions" role="group" aria-labelledby={`${listId}-${kind}`}>
                {PROMPT_CARDS.filter((card) => card.kind === kind).map((card) => (
                  <button
                    key={card.id}
                    type="button"
                    className="ds-button"
                    data-variant="secondary"
                    data-size="sm"
                    onClick={() => choose(card)}
                  >
                    {card.title[locale]}
                  </button>
                ))}
              </div>
            </div>
          ))}
          <button type="button" className="ds-button" data-variant="tertiary" onClick={close}>
            {t("cards.close")}
          </button>
        </div>
      ) : null}
    </div>
  );
}
