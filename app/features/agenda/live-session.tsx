import { useEffect, useId, useState } from "react";
import { Checkbox } from "../../components/forms";
import { useT } from "../../i18n";
import { colourFor, useLiveDocument, type LiveDocument, type LiveDocumentOptions } from "./live";
import { keepsLocalCopy, setKeepsLocalCopy } from "./offline";

/*
 * What every live editor (agenda, plan) sets up around its documents: the browser's choice of
 * keeping a local copy, the connection (with a link holder's ticket URL), and this person's
 * name and colour in the presence list. One place, so the editors cannot drift apart.
 */

/** Who is editing, as others see them in the presence list. */
export interface LiveSelf {
  ref: string;
  name: string;
}

/**
 * This browser's choice of keeping local copies (offline.ts), and a setter that stores it
 * (saying no deletes every copy) before the editors reconnect with the new choice.
 */
export function useKeepLocalCopy(): [boolean, (keep: boolean) => void] {
  const [keepLocal, setKeepLocal] = useState(() => keepsLocalCopy());
  const choose = (keep: boolean) => {
    void setKeepsLocalCopy(keep).then(() => setKeepLocal(keep));
  };
  return [keepLocal, choose];
}

/** The "keep an offline copy in this browser" checkbox of a live editor's footer. */
export function KeepLocalCopyCheckbox(props: {
  keepLocal: boolean;
  onChange(keep: boolean): void;
}) {
  const t = useT();
  const id = useId();
  return (
    <Checkbox
      id={`${id}-keep-local`}
      label={t("agenda.keepLocalCopy")}
      checked={props.keepLocal}
      onChange={(event) => props.onChange(event.currentTarget.checked)}
    />
  );
}

/**
 * useLiveDocument, with `self` shown to the others present (name, colour, ref) once the
 * connection exists. Returns the live document as useLiveDocument does.
 */
export function useLiveDocumentAs(options: LiveDocumentOptions, self: LiveSelf): LiveDocument {
  const live = useLiveDocument(options);
  const { provider } = live;
  const { ref, name } = self;
  // Readers are present too (the caret extension sets this only for those who write).
  useEffect(() => {
    provider?.awareness.setLocalStateField("user", { name, color: colourFor(ref), ref });
  }, [provider, ref, name]);
  return live;
}
