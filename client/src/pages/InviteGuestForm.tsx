import { useState, type FormEvent } from "react";
import { acceptInvite, messageOf } from "../api/index.ts";
import { readSignupFields, SignupFields } from "../components/SignupFields.tsx";
import { isDeadLink } from "./inviteProblem.ts";

interface InviteGuestFormProps {
  token: string;
  onJoined(docId: string): Promise<void>;
  /** A failure that ends the invite for good (revoked while the form was open, say). */
  onDeadLink(err: unknown): void;
}

/**
 * Join as a guest: name, email, password and company make an account for this one document. The
 * email and password of an account you already have join with that account instead.
 */
export function InviteGuestForm({ token, onJoined, onDeadLink }: InviteGuestFormProps) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readSignupFields(e.currentTarget);
    if ("error" in parsed) return setError(parsed.error);
    setBusy(true);
    setError(undefined);
    try {
      const joined = await acceptInvite(token, parsed.data);
      await onJoined(joined.docId);
    } catch (err) {
      setBusy(false);
      if (isDeadLink(err)) return onDeadLink(err);
      setError(messageOf(err));
    }
  };

  return (
    <form className="auth-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <SignupFields companyHint="Shown next to your name, marked external." />
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <button type="submit" className="button primary block" disabled={busy}>
        {busy ? "Joining…" : "Join as guest"}
      </button>
    </form>
  );
}
