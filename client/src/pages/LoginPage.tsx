import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { LoginRequest } from "@confer/shared";
import { login, messageOf } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { nextPath } from "../auth/RequireAuth.tsx";
import { Field } from "../components/Field.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

/** Sign in with email and password. */
export function LoginPage() {
  const { state, signedIn } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  if (state.status === "signed-in" && !state.offline) return <Navigate to={nextPath(location.search)} replace />;

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const parsed = LoginRequest.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Check the form and try again.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      signedIn(await login(parsed.data));
      navigate(nextPath(location.search), { replace: true });
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Sign in"
      subtitle={nextPath(location.search).startsWith("/invite/") ? "Sign in to accept your invitation." : "Welcome back. Pick up where you left off."}
      footer={
        <>
          New to Confer? <Link to={`/signup${location.search}`}>Create an account</Link>
        </>
      }
    >
      <form className="auth-form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </AuthLayout>
  );
}
