import { useState } from "react";

/**
 * The `key` of a form that creates something. `saved` names what the form's last successful
 * save created (undefined after any other answer). Each new record gives a new key, so React
 * mounts the form anew and it starts empty: nothing typed for one record is left in the form
 * for the next. A refused save, or another form's answer on the same page, keeps the key and
 * with it what was typed. (Without JavaScript the page is rendered anew after every post, so
 * the form is empty anyway.)
 */
export function useFreshFormKey(saved: string | undefined): string {
  const [last, setLast] = useState(saved ?? "");
  if (saved !== undefined && saved !== last) setLast(saved);
  return saved ?? last;
}
