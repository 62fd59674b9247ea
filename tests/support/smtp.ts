import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO. */
  mailFrom: string | false;
  rcptTo: string[];
  raw: string;
  parsed: ParsedMail;
}

/** Makes the server refuse at RCPT TO or at the end of DATA with this reply. */
export interface SmtpRefusal {
  stage: "rcpt" | "data";
  code: number;
  message: string;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedMail[];
  /** null: accept everything. */
  refuse: SmtpRefusal | null;
  /** How many messages were refused (any stage). */
  refusals: number;
  /** Called for each accepted message, before the server answers 250 (after a promise it returns). */
  onReceive: ((mail: ReceivedMail) => void | Promise<void>) | null;
  close(): Promise<void>;
}

function smtpError(refusal: SmtpRefusal): Error {
  return Object.assign(new Error(refusal.message), { responseCode: refusal.code });
}

/** A real SMTP server on 127.0.0.1 (random port) that keeps and parses what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const state: Pick<TestSmtpServer, "received" | "refuse" | "refusals" | "onReceive"> = {
    received: [],
    refuse: null,
    refusals: 0,
    onReceive: null,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 1_000,
    onRcptTo(_address, _session, callback) {
      if (state.refuse?.stage === "rcpt") {
        state.refusals += 1;
        return callback(smtpError(state.refuse));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        if (state.refuse?.stage === "data") {
          state.refusals += 1;
          return callback(smtpError(state.refuse));
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const mail: ReceivedMail = {
              mailFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
              rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              raw: raw.toString("utf8"),
              parsed,
            };
            state.received.push(mail);
            // It may take its time (a promise): the answer waits for it.
            void Promise.resolve(state.onReceive?.(mail)).then(
              () => callback(),
              (error: Error) => callback(error),
            );
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
