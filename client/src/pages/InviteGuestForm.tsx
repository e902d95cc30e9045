import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { AcceptInviteRequest } from "@confer/shared";
import { acceptInvite, ApiRequestError, messageOf } from "../api/index.ts";
import { Field } from "../components/Field.tsx";
import { isDeadLink } from "./inviteProblem.ts";

interface InviteGuestFormProps {
  token: string;
  /** Where "sign in" goes, returning to this invite afterwards. */
  loginHref: string;
  onJoined(docId: string): Promise<void>;
  /** A failure that ends the invite for good (revoked while the form was open, say). */
  onDeadLink(err: unknown): void;
}

/** Join as a guest: name, email, password and company make an account for this one document. */
export function InviteGuestForm({ token, loginHref, onJoined, onDeadLink }: InviteGuestFormProps) {
  const [error, setError] = useState<string>();
  const [emailTaken, setEmailTaken] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = AcceptInviteRequest.safeParse({
      name: form.get("name"),
      email: form.get("email"),
      password: form.get("password"),
      company: form.get("company"),
    });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check the form and try again.");
      return;
    }
    setBusy(true);
    setError(undefined);
    setEmailTaken(false);
    try {
      const joined = await acceptInvite(token, parsed.data);
      await onJoined(joined.docId);
    } catch (err) {
      setBusy(false);
      if (isDeadLink(err)) return onDeadLink(err);
      setEmailTaken(err instanceof ApiRequestError && err.id === "email_taken");
      setError(messageOf(err));
    }
  };

  return (
    <form className="auth-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <Field label="Name" name="name" autoComplete="name" required autoFocus maxLength={100} />
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 8 characters." />
      <Field label="Company" name="company" autoComplete="organization" required maxLength={100} hint="Shown next to your name, marked external." />
      {error && (
        <p role="alert" className="form-error">
          {error}
          {emailTaken && (
            <>
              {" "}
              <Link to={loginHref}>Sign in</Link>
            </>
          )}
        </p>
      )}
      <button type="submit" className="button primary block" disabled={busy}>
        {busy ? "Joining…" : "Join as guest"}
      </button>
    </form>
  );
}
