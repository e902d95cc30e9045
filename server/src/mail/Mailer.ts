import nodemailer from "nodemailer";

/** One plain-text email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends the server's few emails through the SMTP server of `SMTP_URL`. */
export class Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    // A request waits for its email; a dead SMTP server must fail it in seconds, not minutes.
    this.transport = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  }

  /** Sends one message; rejects when the SMTP server cannot be reached or refuses it. */
  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  /** Closes pooled connections, at shutdown. */
  close(): void {
    this.transport.close();
  }
}
