import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { destroySessionCookie, getSessionUser, logOut } from "../features/accounts/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getSessionUser(request, context);
  if (user) await logOut(user, context);
  return redirect("/login?loggedOut=1", {
    headers: { "Set-Cookie": await destroySessionCookie() },
  });
}

export function loader() {
  return redirect("/");
}
