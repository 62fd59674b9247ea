import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { destroySessionCookie, getSessionUser, logOut } from "../features/accounts/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getSessionUser(request, context);
  if (user) await logOut(user, context);
  return redirect("/login?loggedOut=1", {
    headers: {
      "Set-Cookie": await destroySessionCookie(),
      // The browser's copies of live documents are health data: gone with the session
      // (W3C Clear Site Data; the page also deletes them before it posts: agenda/offline.ts).
      "Clear-Site-Data": '"storage"',
    },
  });
}

export function loader() {
  return redirect("/");
}
