import type { MailMessage } from "./Mailer.ts";

// No text a requester typed (name, company) goes into these: whoever signs up with someone
// else's address must not be able to put words into a mail that arrives from us.

/** The link that proves an address: follow it to finish signing up (or to confirm an existing guest account). */
export function confirmAddressMail(to: string, link: string, hours: number): MailMessage {
  return {
    to,
    subject: "Confirm your email address for Confer",
    text: [
      "Someone, probably you, asked to use this email address on Confer.",
      "",
      "Open this link to confirm it and sign in:",
      link,
      "",
      `The link works once, for ${hours} hours. If it wasn't you, ignore this email: nothing happens without the link.`,
    ].join("\n"),
  };
}

/** Sent instead of a link when the address already belongs to a confirmed account. */
export function alreadyRegisteredMail(to: string, loginUrl: string): MailMessage {
  return {
    to,
    subject: "You already have a Confer account",
    text: [
      "Someone, probably you, tried to sign up on Confer with this email address, but it already has an account.",
      "",
      "Sign in here instead:",
      loginUrl,
      "",
      "If it wasn't you, ignore this email: your account is unchanged.",
    ].join("\n"),
  };
}
