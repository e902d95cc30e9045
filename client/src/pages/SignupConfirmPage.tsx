import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { ApiRequestError, confirmEmail, messageOf } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { AuthLayout } from "./AuthLayout.tsx";

/**
 * The page a confirmation email links to. Confirming waits for a click: mail scanners open links
 * on their own, and a link works once.
 */
export function SignupConfirmPage() {
  const { token = "" } = useParams();
  const { signedIn } = useAuth();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message: string; id: string | undefined }>();

  useEffect(() => {
    document.title = "Confirm your email — Confer";
  }, []);

  const onConfirm = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      signedIn(await confirmEmail(token));
      navigate("/", { replace: true });
    } catch (err) {
      setBusy(false);
      setProblem({ message: messageOf(err), id: err instanceof ApiRequestError ? err.id : undefined });
    }
  };

  const dead = problem?.id === "link_expired" || problem?.id === "already_confirmed";
  return (
    <AuthLayout
      title={dead ? "This link no longer works" : "Confirm your email address"}
      subtitle={dead ? "Nothing was changed." : "One click, and your account is ready."}
      footer={
        <>
          <Link to="/login">Sign in</Link> · <Link to="/signup">Sign up again</Link>
        </>
      }
    >
      <div className="auth-form">
        {problem && (
          <p role="alert" className="form-error">
            {problem.message}
          </p>
        )}
        {problem?.id === "already_confirmed" ? (
          <Link to="/login" className="button primary block">
            Sign in
          </Link>
        ) : problem?.id === "link_expired" ? (
          <Link to="/signup" className="button primary block">
            Sign up again
          </Link>
        ) : (
          <button type="button" className="button primary block" disabled={busy} onClick={() => void onConfirm()} autoFocus>
            {busy ? "Confirming…" : "Confirm and sign in"}
          </button>
        )}
      </div>
    </AuthLayout>
  );
}
