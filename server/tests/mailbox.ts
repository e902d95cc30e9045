import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One email as it arrived over SMTP, with its plain text decoded. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on a free port that keeps every message it receives (for tests and e2e). */
export interface Mailbox {
  /** `smtp://127.0.0.1:<port>`, for the server's SMTP_URL. */
  url: string;
  mails: ReceivedMail[];
  /** The first message to `to` (after `skip` earlier ones) matching `match`; waits up to `timeoutMs`. */
  next(to: string, opts?: { match?: RegExp; skip?: number; timeoutMs?: number }): Promise<ReceivedMail>;
  /** Makes the server refuse every message (as a broken mail relay would) until called with false. */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** Starts the mailbox. STARTTLS and AUTH are off: it listens on loopback only, for one test. */
export async function startMailbox(): Promise<Mailbox> {
  const mails: ReceivedMail[] = [];
  const listeners = new Set<() => void>();
  let refusing = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (refusing) return callback(new Error("mailbox refuses messages"));
        const to = (session.envelope.rcptTo || []).map((a) => a.address.toLowerCase());
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        mails.push({ from, to, ...parse(Buffer.concat(chunks).toString("utf8")) });
        for (const notify of listeners) notify();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const next: Mailbox["next"] = (to, opts = {}) => {
    const want = to.toLowerCase();
    const find = () => mails.filter((m) => m.to.includes(want) && (!opts.match || opts.match.test(m.text)))[opts.skip ?? 0];
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no email to ${to} arrived`));
      }, opts.timeoutMs ?? 10_000);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    next,
    refuse: (on) => void (refusing = on),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Subject and decoded text of a single-part plain-text message (what the server sends). */
function parse(raw: string): { subject: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, "im").exec(head)?.[1]?.trim() ?? "";
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  let text = body;
  if (encoding === "quoted-printable") {
    const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    text = Buffer.from(bytes, "latin1").toString("utf8");
  } else if (encoding === "base64") {
    text = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  return { subject: header("Subject"), text: text.replace(/\r\n/g, "\n") };
}

/** The token of the confirmation link in a message, or undefined. */
export function verifyToken(mail: ReceivedMail): string | undefined {
  return /\/verify\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
}
