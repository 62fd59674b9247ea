/*
 * The few HTTP steps a benchmark needs to set up data in a running Broen, as a browser would
 * post its forms (no JavaScript): log in, create a person, a network, a member, a calendar feed.
 * Like a browser, a form is posted from its page: the page is fetched first and its one-time
 * form token (hidden field `formToken`, app/features/forms/once.server.ts) is posted back.
 */
import { BenchError } from "./processes";

/** The hidden field of a page's one-time form token (app/components/submit-button.tsx). */
export const FORM_TOKEN_FIELD = "formToken";

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** What a browser sends; the server compresses its answers accordingly. */
export const ACCEPT_ENCODING = "gzip, deflate, br";

export interface Answer {
  status: number;
  location: string | null;
  setCookie: string[];
  body: string;
}

export class BroenClient {
  cookie = "";

  constructor(readonly origin: string) {}

  async get(path: string): Promise<Answer> {
    return this.send("GET", path);
  }

  async post(path: string, fields: Record<string, string>): Promise<Answer> {
    return this.send("POST", path, new URLSearchParams(fields).toString());
  }

  /**
   * Posts a form as a browser does from the page at `page` (by default the form's own `path`,
   * where Broen's forms post to): GETs the page and adds its form token, when the page has one,
   * to `fields`. Returns the POST's answer; throws BenchError when the page is not answered 200.
   */
  async postForm(
    path: string,
    fields: Record<string, string>,
    page: string = path,
  ): Promise<Answer> {
    const shown = await this.get(page);
    if (shown.status !== 200) {
      throw new BenchError(`GET ${page} (the form's page) failed: ${summary(shown)}`);
    }
    const token = formTokenOf(shown.body);
    return this.post(path, token === null ? fields : { ...fields, [FORM_TOKEN_FIELD]: token });
  }

  private async send(method: string, path: string, body?: string): Promise<Answer> {
    const headers: Record<string, string> = { "Accept-Encoding": ACCEPT_ENCODING };
    if (this.cookie) headers.Cookie = this.cookie;
    if (body !== undefined) {
      headers.Origin = this.origin;
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.origin), {
        method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new BenchError(`${method} ${path}: no answer (${(error as Error).message})`);
    }
    return {
      status: response.status,
      location: response.headers.get("Location"),
      setCookie: response.headers.getSetCookie(),
      body: await response.text(),
    };
  }

  /** POST /login; keeps the session cookie for the following requests. */
  async logIn(email: string, password: string): Promise<void> {
    const answer = await this.post("/login", { email, password });
    const session = answer.setCookie.map((c) => c.split(";")[0]!).find((c) => /session=./.test(c));
    if (answer.status !== 302 || !session) {
      throw new BenchError(`logging in as ${email} failed: ${summary(answer)}`);
    }
    this.cookie = session;
  }

  /** A form posted from its page (postForm), answered with a redirect to `<prefix>/<uuid>`; returns the uuid. */
  async createAndFollow(
    what: string,
    path: string,
    fields: Record<string, string>,
    prefix: string,
  ): Promise<string> {
    const answer = await this.postForm(path, fields);
    const id = answer.location?.match(new RegExp(`^${prefix}/(${UUID})$`))?.[1];
    if (answer.status !== 302 || !id) throw new BenchError(`${what} failed: ${summary(answer)}`);
    return id;
  }

  /** A form posted from its page (postForm), answered with the page itself (200), as form actions that show a notice do. */
  async postExpectingPage(what: string, path: string, fields: Record<string, string>) {
    const answer = await this.postForm(path, fields);
    if (answer.status !== 200) throw new BenchError(`${what} failed: ${summary(answer)}`);
    return answer.body;
  }

  /** POST /account intent=create-feed: the https subscription link shown once on the page. */
  async createFeed(): Promise<string> {
    const body = await this.postExpectingPage("creating a calendar feed", "/account", {
      intent: "create-feed",
    });
    const link = body.match(/https?:\/\/[^\s"<>]+\/calendar\/[A-Za-z0-9_-]+\.ics/)?.[0];
    if (!link) throw new BenchError("the /account page showed no /calendar/<token>.ics link");
    return link;
  }
}

/**
 * The form token in a page's HTML: the value of its first `<input name="formToken">` (every form
 * of a page carries the same one), or null when the page has none.
 */
export function formTokenOf(html: string): string | null {
  for (const input of html.match(/<input\b[^>]*>/g) ?? []) {
    if (!new RegExp(`\\bname="${FORM_TOKEN_FIELD}"`).test(input)) continue;
    const value = /\bvalue="([^"]*)"/.exec(input)?.[1];
    if (value) return value;
  }
  return null;
}

export function summary(answer: Answer): string {
  const text = answer.body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return (
    `HTTP ${answer.status}` +
    (answer.location ? ` → ${answer.location}` : "") +
    (text ? `: ${text.slice(0, 300)}` : "")
  );
}
