import { useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";

/*
 * Pages link with plain <a>, and one click handler on the page's header and main area (root.tsx)
 * navigates inside the app as <Link> would (no full page load). A <Link> resolves its route and runs its hooks
 * while the server renders: ~8 µs each, ~0.4 ms per request for the 50 rows of the meetings list
 * (issue 3). Before hydration, and for clicks the browser should handle itself (new tab or
 * window, download, another origin, a jump to a #fragment of this page), the link works as an
 * ordinary link. A link reached with
 * the keyboard gets the same click event on Enter.
 */
export function useFollowLinks() {
  const navigate = useNavigate();
  return (event: MouseEvent<HTMLElement>) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element).closest("a[href]");
    if (!(link instanceof HTMLAnchorElement) || !event.currentTarget.contains(link)) return;
    const ownWindow = !link.target || link.target === "_self";
    if (!ownWindow || link.hasAttribute("download") || link.origin !== window.location.origin) {
      return;
    }
    // A jump within the page (an error summary's "#field" links): the browser's own, since a
    // router navigation would clear the action's data and with it the errors shown.
    const samePage =
      link.pathname === window.location.pathname && link.search === window.location.search;
    if (samePage && link.hash) return;
    event.preventDefault();
    const to = link.pathname + link.search + link.hash;
    const here = window.location.pathname + window.location.search + window.location.hash;
    // As <Link>: a link to the page you are on replaces it in the history.
    navigate(to, { replace: to === here });
  };
}
