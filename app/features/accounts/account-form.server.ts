import { intentForm } from "../../utils/validation.server";

/** The buttons of the account page. */
export const AccountIntent = intentForm([
  "logout-all",
  "create-feed",
  "revoke-feed",
  "reminders-off",
  "reminders-on",
]);
