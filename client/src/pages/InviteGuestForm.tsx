import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { acceptInvite, ApiRequestError, messageOf } from "../api/index.ts";
import { readSignupFields, SignupFields } from "../components/SignupFields.tsx";
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
    const parsed = readSignupFields(e.currentTarget);
    if ("error" in parsed) return setError(parsed.error);
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
      <SignupFields companyHint="Shown next to your name, marked external." />
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
