import { z } from "zod";
import { message } from "../utils/validation";
import { safeReturnPath } from "../utils/validation.server";
import { locales } from "./index";

/** The language switch: a language we have, and a same-site path to return to. */
export const LanguageForm = z.object({
  locale: z.enum(locales, { error: message("form.invalidChoice") }),
  redirectTo: safeReturnPath(),
});
