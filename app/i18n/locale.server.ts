import { createCookie } from "@remix-run/node";
import { defaultLocale, isLocale, type Locale } from "./index";

/** Bokmål unless the person has chosen English with the language switch. */
export const localeCookie = createCookie("broen_lang", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

export async function getLocale(request: Request): Promise<Locale> {
  const value = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(value) ? value : defaultLocale;
}
