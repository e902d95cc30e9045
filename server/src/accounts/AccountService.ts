import type { Logger } from "../logger.ts";
import type { Mailer } from "../mail/Mailer.ts";
import { alreadyRegisteredMail, confirmAddressMail } from "../mail/messages.ts";
import { AccountConflict, type Placement, type User, type UserStore } from "../store/users.ts";
import { VERIFICATION_HOURS, type EmailVerificationStore } from "../store/emailVerifications.ts";
import { emailDomain } from "../store/orgs.ts";
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from "../auth/password.ts";
import { provenDomain } from "../policies/index.ts";
import { conflict, gone, HttpError } from "../errors.ts";

/**
 * How many unconfirmed accounts may share one address. Addresses are keys only once proven, so a
 * guest can never be told "that email is taken" (which would tell anyone who has an account); but
 * every sign-in checks the password of each account using the address, so their number is bounded.
 */
export const MAX_UNCONFIRMED_PER_EMAIL = 3;

/** The typed fields of a new account. */
export interface NewAccount {
  name: string;
  email: string;
  password: string;
}

/**
 * Accounts: signing in, creating unconfirmed accounts, and (with SMTP) proving addresses.
 *
 * Which answer a request gets never depends on whether an address already has an account:
 * - With SMTP, sign-up always answers "check your email"; the email holds either a confirmation
 *   link or a "you already have an account" note. Accounts made this way are confirmed.
 * - Without SMTP (and for guests joining through a link, with or without it) there is nothing to
 *   prove an address with, so an address is not a key: the credentials either open an account
 *   that already uses them (then this is simply a sign-in) or a new unconfirmed account is made
 *   beside any others using that address. Such accounts get no organisation but their own and
 *   cannot be reached by "add by email". The one refusal left is `too_many_unconfirmed`, which
 *   says only that several unconfirmed accounts use the address, never whether a real one does.
 */
export class AccountService {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      users: UserStore;
      verifications: EmailVerificationStore;
      mailer: Mailer | undefined;
      publicUrl: string | undefined;
      log: Logger;
    },
  ) {}

  /** Whether addresses can be proven here (SMTP is set up). */
  get canConfirmEmail(): boolean {
    return this.deps.mailer !== undefined;
  }

  /**
   * The account these credentials open, if any. Every account using the address is checked (the
   * confirmed one first); an unknown address costs one check too, so the time does not tell a used
   * address from an unused one. (Only several unconfirmed accounts on one address take longer: padding
   * every sign-in to the maximum would cost four scrypt hashes, about 1.4 s of CPU here, each time.)
   */
  async signIn(email: string, password: string): Promise<User | undefined> {
    const candidates = await this.deps.users.loginCandidates(email, MAX_UNCONFIRMED_PER_EMAIL + 1);
    const hashes = candidates.length ? candidates.map((c) => c.passwordHash) : [DUMMY_HASH];
    const ok = await Promise.all(hashes.map((hash) => verifyPassword(password, hash)));
    const found = candidates.find((_, i) => ok[i]);
    if (!found) return undefined;
    // Hashes made with a weaker cost than today's are upgraded now, the one moment we hold the password.
    if (needsRehash(found.passwordHash)) await this.deps.users.replacePasswordHash(found.id, found.passwordHash, await hashPassword(password));
    const { passwordHash: _omit, ...user } = found;
    return user;
  }

  /**
   * Signs in with these credentials when they open an account, else creates an unconfirmed one
   * (placed by `placement`) after `beforeCreate` (a check, or taking a use of a link). One address
   * at a time, so two identical requests make one account, not two.
   */
  async signInOrCreate(
    input: NewAccount,
    placement: Placement,
    beforeCreate: () => Promise<void> = async () => {},
  ): Promise<{ user: User; created: boolean }> {
    return this.oneAtATime(input.email, async () => {
      const existing = await this.signIn(input.email, input.password);
      if (existing) return { user: existing, created: false };
      // Checked again when the account is written; checking first keeps a link's use for later.
      if ((await this.deps.users.countUnconfirmed(input.email)) >= MAX_UNCONFIRMED_PER_EMAIL) throw tooManyUnconfirmed();
      const passwordHash = await hashPassword(input.password);
      await beforeCreate();
      const user = await this.create({ ...input, passwordHash, verified: false, placement });
      return { user, created: true };
    });
  }

  /**
   * With SMTP: mails the address either a confirmation link (for a new account, or for the
   * unconfirmed account these very credentials open) or, when a confirmed account has it, a
   * note saying so. The caller answers 202 in every case.
   */
  async requestSignup(input: NewAccount & { company: string }): Promise<void> {
    const { mailer, users, verifications } = this.deps;
    if (!mailer) throw new Error("requestSignup needs SMTP");
    // Same work on every path: check the password, hash it, send one email.
    const opened = await this.signIn(input.email, input.password);
    const passwordHash = await hashPassword(input.password);
    const base = this.deps.publicUrl!;
    const message = (await users.findVerifiedByEmail(input.email))
      ? alreadyRegisteredMail(input.email, `${base}/login`)
      : confirmAddressMail(
          input.email,
          `${base}/verify/${await verifications.create({ ...input, passwordHash, userId: opened && !opened.emailVerified ? opened.id : null })}`,
          VERIFICATION_HOURS,
        );
    try {
      await mailer.send(message);
    } catch (err) {
      this.deps.log.warn({ err: { message: (err as Error).message }, domain: emailDomain(input.email) }, "could not send email");
      throw new HttpError(503, "mail_failed", "We could not send the email just now. Try again in a few minutes.");
    }
  }

  /**
   * Follows a confirmation link: creates the confirmed account (joining the organisation that owns
   * the address's domain, else founding one that claims it) or confirms the unconfirmed account it
   * was made for. A link works once; an address already confirmed by someone is a 409.
   */
  async confirm(token: string): Promise<User> {
    const { users, verifications } = this.deps;
    const pending = await verifications.take(token);
    if (!pending) throw gone("This confirmation link has expired or was already used. Sign up again to get a new one.", "link_expired");
    return this.oneAtATime(pending.email, async () => {
      const existing = pending.userId ? await users.findById(pending.userId) : undefined;
      let user: User;
      if (existing && existing.email === pending.email) {
        await this.mapConflicts(users.markVerified(existing.id, pending.email));
        user = { ...existing, emailVerified: true };
      } else {
        const placement = { company: pending.company, domain: provenDomain(pending.email) };
        user = await this.create({ ...pending, verified: true, placement });
      }
      await verifications.forget(pending.email);
      return user;
    });
  }

  private create(input: { name: string; email: string; passwordHash: string; verified: boolean; placement: Placement }): Promise<User> {
    return this.mapConflicts(this.deps.users.create({ ...input, maxUnconfirmed: MAX_UNCONFIRMED_PER_EMAIL }));
  }

  private async mapConflicts<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      if (!(err instanceof AccountConflict)) throw err;
      switch (err.reason) {
        case "email_confirmed":
          throw conflict("This email address is already confirmed for an account. Sign in with it instead.", "already_confirmed");
        case "too_many_unconfirmed":
          throw tooManyUnconfirmed();
        case "org_gone":
          throw gone("That organisation no longer exists.", "org_gone");
      }
    }
  }

  /** Runs `work` for one address at a time in this process (sign-in-or-create must not interleave). */
  private async oneAtATime<T>(email: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(email) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const mine = before.then(() => done);
    this.locks.set(email, mine);
    await before;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(email) === mine) this.locks.delete(email);
    }
  }
}

function tooManyUnconfirmed(): HttpError {
  return conflict(
    "Several unconfirmed accounts already use this email address. Sign in with your password, or use another address.",
    "too_many_unconfirmed",
  );
}
