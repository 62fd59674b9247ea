import { z } from "zod";
import { message } from "../../utils/validation";
import { password } from "../../utils/validation.server";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./password.server";

/** The account activation form: a new password, typed twice. */
export const ActivationForm = z
  .object({
    password: password(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH),
    confirm: password(1, PASSWORD_MAX_LENGTH),
  })
  .refine((form) => form.password === form.confirm, {
    path: ["confirm"],
    message: message("form.passwordMismatch"),
  });

/** Whether a token from an activation link can be one we issued (before asking the database). */
export const isPlausibleActivationToken = (token: string | undefined): token is string =>
  !!token && /^[A-Za-z0-9_-]{20,100}$/.test(token);
