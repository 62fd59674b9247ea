import type { MessageKey } from "../../i18n";

/** Active, deactivated, or still waiting for the user to set a password. */
export function userStatusKey(user: { active: boolean; activated: boolean }): MessageKey {
  if (!user.active) return "users.inactive";
  return user.activated ? "users.active" : "users.notActivated";
}
