import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { recordAudit } from "../models/audit.server";
import { destroySessionCookie, endSession, getSessionUser } from "../models/session.server";

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getSessionUser(request);
  if (user) {
    await endSession(user.sessionIdHash);
    await recordAudit(
      { userId: user.id, municipalityId: user.municipalityId, ip: context.clientIp },
      { action: "auth.logout", subjectType: "user", subjectId: user.id },
    );
  }
  return redirect("/login?loggedOut=1", {
    headers: { "Set-Cookie": await destroySessionCookie() },
  });
}

export function loader() {
  return redirect("/");
}
