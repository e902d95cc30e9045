import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { messageOf, signup } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { nextPath } from "../auth/RequireAuth.tsx";
import { readSignupFields, SignupFields } from "../components/SignupFields.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

/** Create an account: name, email, password and company (the company others see beside your name). */
export function SignupPage() {
  const { state, signedIn } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (state.status === "signed-in" && !state.offline) return <Navigate to={nextPath(location.search)} replace />;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readSignupFields(e.currentTarget);
    if ("error" in parsed) return setError(parsed.error);
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await signup(parsed.data));
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
        <SignupFields companyHint="Shown next to your name to people from other companies." />
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
