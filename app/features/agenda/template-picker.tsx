import { useEffect, useId, useRef, useState } from "react";
import type * as Y from "yjs";
import { useLocale, useT } from "../../i18n";
import type { Ref } from "./document";
import { agendaTemplate, applyTemplate, TEMPLATES, type AgendaTemplate } from "./templates";

/*
 * Starting an agenda from a template (issue 11). On an empty agenda those who lead it (leaders
 * and the person) see the five templates as buttons and can still start blank with the form
 * below; on an agenda that has items a template is added only after a confirm, so nobody
 * doubles an agenda by one press. Contributors never see this: the person's own themes in every
 * template are items only leaders and the person may add (policy.ts refuses them).
 */

export interface TemplatePickerProps {
  doc: Y.Doc;
  /** How many items the agenda has now. */
  itemCount: number;
  /** Who applies the template (written as the items' createdBy). */
  self: Ref;
  announce(text: string): void;
  /** The id of an element (tabIndex -1) to move focus to once the template is in. */
  focusAfter: string;
  /**
   * Whether the document has synced with the server. An agenda looks empty until it has, and a
   * template applied then would double the items that were there.
   */
  synced: boolean;
}

/** Template choices for those who lead the agenda; an empty agenda shows them first. */
export function TemplatePicker(props: TemplatePickerProps) {
  const t = useT();
  const locale = useLocale();
  const headingId = useId();

  const apply = (template: AgendaTemplate) => {
    try {
      const ids = applyTemplate(props.doc, template, locale, props.self);
      props.announce(t("templates.applied", { title: template.title[locale], count: ids.length }));
      // The picker may disappear with the change; focus goes to the list it filled.
      window.requestAnimationFrame(() => document.getElementById(props.focusAfter)?.focus());
    } catch {
      props.announce(t("templates.full"));
    }
  };

  if (props.itemCount > 0) return <AddTemplate {...props} apply={apply} />;
  if (!props.synced) return null;
  return (
    <section className="template-picker" aria-labelledby={headingId}>
      <h4 id={headingId}>{t("templates.startTitle")}</h4>
      <p>{t("templates.startIntro")}</p>
      <ul className="card-list template-choices">
        {TEMPLATES.map((template) => (
          <li key={template.id}>
            <button
              type="button"
              className="ds-button"
              data-variant="secondary"
              aria-describedby={`${headingId}-${template.id}`}
              onClick={() => apply(template)}
            >
              {template.title[locale]}
            </button>
            <p className="muted" id={`${headingId}-${template.id}`}>
              {template.description[locale]}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** On an agenda with items: choose a template, then confirm before its items are added. */
function AddTemplate(props: TemplatePickerProps & { apply(template: AgendaTemplate): void }) {
  const t = useT();
  const locale = useLocale();
  const selectId = useId();
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string>(TEMPLATES[0]!.id);
  const [confirming, setConfirming] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const template = agendaTemplate(chosen) ?? TEMPLATES[0]!;

  // The confirm replaces the button that asked for it: focus follows, so it is not lost.
  useEffect(() => {
    if (confirming) yesRef.current?.focus();
  }, [confirming]);

  const close = () => {
    setConfirming(false);
    setOpen(false);
    window.requestAnimationFrame(() => openRef.current?.focus());
  };

  if (!open) {
    return (
      <p className="template-add">
        <button
          ref={openRef}
          type="button"
          className="ds-button"
          data-variant="tertiary"
          aria-expanded={false}
          onClick={() => setOpen(true)}
        >
          {t("templates.addOpen")}
        </button>
      </p>
    );
  }
  return (
    <div className="template-add inline-form">
      <label htmlFor={selectId}>{t("templates.addLabel")}</label>
      <select
        id={selectId}
        className="ds-input"
        value={chosen}
        disabled={confirming}
        onChange={(event) => setChosen(event.currentTarget.value)}
      >
        {TEMPLATES.map((option) => (
          <option key={option.id} value={option.id}>
            {option.title[locale]}
          </option>
        ))}
      </select>
      {confirming ? (
        <span className="confirm-inline" role="group" aria-label={t("templates.addQuestionLabel")}>
          {t("templates.addQuestion", {
            count: props.itemCount,
            added: template.items.length,
            title: template.title[locale],
          })}{" "}
          <button
            ref={yesRef}
            type="button"
            className="ds-button"
            data-variant="primary"
            onClick={() => {
              props.apply(template);
              setConfirming(false);
              setOpen(false);
            }}
          >
            {t("templates.addYes")}
          </button>{" "}
          <button type="button" className="ds-button" data-variant="secondary" onClick={close}>
            {t("templates.addNo")}
          </button>
        </span>
      ) : (
        <span className="actions">
          <button
            type="button"
            className="ds-button"
            data-variant="secondary"
            onClick={() => setConfirming(true)}
          >
            {t("templates.addButton")}
          </button>
          <button type="button" className="ds-button" data-variant="tertiary" onClick={close}>
            {t("templates.cancel")}
          </button>
        </span>
      )}
    </div>
  );
}
