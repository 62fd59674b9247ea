import { z } from "zod";
import { message } from "../../utils/validation";
import { intentForm, optionalUuid } from "../../utils/validation.server";

/** The buttons of a network's page. */
export const NetworkPageIntent = intentForm([
  "add-member",
  "update-member",
  "toggle-invited",
  "remove-member",
  "record-consent",
  "withdraw-consent",
  "set-leaders",
]);

/** The member (and, for a withdrawal, the consent) a member card's button acts on. */
export const MemberRef = z.object({
  memberId: z.uuid({ error: message("form.invalidChoice") }),
  consentId: optionalUuid(),
});
