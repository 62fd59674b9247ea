import { z } from "zod";
import { email, password } from "../../utils/validation.server";

/** The login form. */
export const LoginForm = z.object({
  email: email(),
  password: password(),
  // A hidden field from the URL: an unusable value is ignored rather than blocking the login.
  redirectTo: z.string().optional(),
});
