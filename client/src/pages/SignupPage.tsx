import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { MailCheck } from "lucide-react";
import { messageOf, signup } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { nextPath } from "../auth/RequireAuth.tsx";
import { readSignupFields, SignupFields } from "../components/SignupFields.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

/**
 * Create an account: name, email, password and company (the company others see beside your name).
 * Where the server confirms addresses, the answer is always "check your email": whether the address
 * already has an account is told only to its owner, in that email.
 */
export function SignupPage() {
  const { state, signedIn } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string>();

  if (state.status === "signed-in" && !state.offline) return <Navigate to={nextPath(location.search)} replace />;

  if (sentTo) {
    return (
      <AuthLayout
        title="Check your email"
        subtitle="One more step to finish signing up."
        footer={
          <>
            Wrong address?{" "}
            <button type="button" className="link-button" onClick={() => setSentTo(undefined)}>
              Sign up again
            </button>
          </>
        }
      >
        <div className="auth-form" role="status">
          <p className="check-email" style={{ display: "flex", alignItems: "flex-start", gap: 8, margin: 0 }}>
            <MailCheck size={20} aria-hidden style={{ flex: "none" }} />
            <span>
              We sent an email to <strong style={{ overflowWrap: "anywhere" }}>{sentTo}</strong>.
            </span>
          </p>
          <p className="muted">Open the link in it to confirm your address and sign in. The link works for 24 hours.</p>
          <p className="muted">
            Nothing there after a few minutes? Look in your spam folder. If you already have an account, the email says so: then{" "}
            <Link to={`/login${location.search}`}>sign in</Link>.
          </p>
        </div>
      </AuthLayout>
    );
  }

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readSignupFields(e.currentTarget);
    if ("error" in parsed) return setError(parsed.error);
    setBusy(true);
    setError(undefined);
    try {
      const answer = await signup(parsed.data);
      if ("status" in answer) {
        setBusy(false);
        setSentTo(answer.email);
        return;
      }
      signedIn(answer);
      navigate(nextPath(location.search), { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Write together with your team, and with people from other companies."
      footer={
        <>
          Already have an account? <Link to={`/login${location.search}`}>Sign in</Link>
        </>
      }
    >
      <form className="auth-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <SignupFields companyHint="Shown next to your name. Colleagues join your organisation by confirming a work address, or by your invitation." />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? "Creating account…" : "Sign up"}
        </button>
      </form>
    </AuthLayout>
  );
}
