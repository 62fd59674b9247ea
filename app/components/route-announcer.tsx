import { useLocation, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";

/*
 * Moving between pages inside the app (issue 10; WCAG 2.4.3, 4.1.3). A full page load puts
 * a screen reader at the top of the new page and reads its title; a client-side navigation
 * does neither by itself. So after one:
 *
 * - focus moves to the new page's <h1> (given tabindex="-1"), or to the element a #fragment
 *   names, or else to <main>; the scroll position is ScrollRestoration's;
 * - the new page's title is said in a polite live region (when the page or its title changed).
 *
 * Left alone: the first load (the browser does it), a jump within the page, and a form sent
 * that stays on its page (a saved form's notice or error summary speaks for itself, and an
 * error summary takes focus). If such a form's button disappeared with the answer (a member
 * removed, a meeting cancelled), focus would fall to the body: it goes to the <h1> instead.
 */

interface Seen {
  pathname: string;
  search: string;
  title: string;
}

export function RouteAnnouncer() {
  const location = useLocation();
  const navigation = useNavigation();
  const [announcement, setAnnouncement] = useState({ text: "", count: 0 });
  const previous = useRef<Seen | null>(null);
  // The method of the form whose navigation is under way (undefined for a link).
  const submission = useRef<string | undefined>(undefined);

  useEffect(() => {
    if (navigation.state !== "idle") submission.current = navigation.formMethod;
  }, [navigation.state, navigation.formMethod]);

  useEffect(() => {
    const before = previous.current;
    const now = { pathname: location.pathname, search: location.search, title: document.title };
    const formMethod = submission.current;
    previous.current = now;
    submission.current = undefined;
    if (!before) return;
    const samePath = before.pathname === now.pathname;
    if (samePath && (before.search === now.search || formMethod)) {
      if (formMethod && focusLost()) focusHeading();
      return;
    }
    if (!focusFragment(location.hash)) focusHeading();
    if (!samePath || before.title !== now.title) {
      setAnnouncement((last) => ({ text: now.title, count: last.count + 1 }));
    }
  }, [location]);

  return (
    <div id="route-announcer" className="ds-sr-only" aria-live="polite" aria-atomic="true">
      {/* A new node each time, so the same title said twice is still a change. */}
      {announcement.text ? <span key={announcement.count}>{announcement.text}</span> : null}
    </div>
  );
}

function focusLost(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

/** The page's main heading, or <main> itself when it has none. */
function focusHeading() {
  const main = document.getElementById("main");
  const heading = main?.querySelector("h1");
  const target = heading ?? main;
  if (!target) return;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

/** The element a #fragment names, as the browser would on a page load; false if none. */
function focusFragment(hash: string): boolean {
  if (hash.length < 2) return false;
  let id: string;
  try {
    id = decodeURIComponent(hash.slice(1));
  } catch {
    return false;
  }
  const target = document.getElementById(id);
  if (!target) return false;
  target.focus();
  return document.activeElement === target;
}
