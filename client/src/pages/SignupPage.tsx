import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { SignupRequest } from "@confer/shared";
import { messageOf, signup } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { nextPath } from "../auth/RequireAuth.tsx";
import { Field } from "../components/Field.tsx";
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
    const form = new FormData(e.currentTarget);
    const parsed = SignupRequest.safeParse({
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
        <Field label="Name" name="name" autoComplete="name" required autoFocus maxLength={100} />
        <Field label="Email" name="email" type="email" autoComplete="email" required />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 8 characters." />
        <Field label="Company" name="company" autoComplete="organization" required maxLength={100} hint="Shown next to your name to people from other companies." />
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
