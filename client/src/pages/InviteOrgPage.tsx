import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import type { OrgInviteLanding } from "@confer/shared";
import { acceptOrgInvite, fetchMe, getOrgInvite, messageOf } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { FullPageMessage } from "../components/FullPageMessage.tsx";
import { relativeTime } from "../components/relativeTime.ts";
import { readSignupFields, SignupFields } from "../components/SignupFields.tsx";
import { inviteProblem, isDeadLink } from "./inviteProblem.ts";

type Landing = { status: "loading" } | { status: "ready"; invite: OrgInviteLanding } | { status: "failed"; error: unknown };

/**
 * The page an organisation's invitation opens: who invites you into which company; then "Join"
 * (signed in) or a short sign-up form without a company field (the company is the inviting one).
 */
export function InviteOrgPage() {
  const { token = "" } = useParams();
  const { state, signedIn, signOut } = useAuth();
  const navigate = useNavigate();
  const [landing, setLanding] = useState<Landing>({ status: "loading" });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const authKnown = state.status !== "loading";
  const me = state.status === "signed-in" ? state.me : undefined;

  useEffect(() => {
    document.title = "Invitation — Confer";
  }, []);

  useEffect(() => {
    if (!authKnown) return;
    let cancelled = false;
    getOrgInvite(token).then(
      (invite) => !cancelled && setLanding({ status: "ready", invite }),
      (err: unknown) => !cancelled && setLanding({ status: "failed", error: err }),
    );
    return () => {
      cancelled = true;
    };
  }, [token, authKnown, me?.id]);

  const join = async (fields?: { name: string; email: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      await acceptOrgInvite(token, fields);
      signedIn(await fetchMe());
      navigate("/", { replace: true });
    } catch (err) {
      setBusy(false);
      if (isDeadLink(err)) setLanding({ status: "failed", error: err });
      else setError(messageOf(err));
    }
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readSignupFields(e.currentTarget);
    if ("error" in parsed) return setError(parsed.error);
    const { name, email, password } = parsed.data;
    void join({ name, email, password });
  };

  if (!authKnown || landing.status === "loading") return <FullPageMessage title="Opening invitation…" busy />;
  if (landing.status === "failed") {
    const problem = inviteProblem(landing.error);
    return (
      <FullPageMessage title={problem.title.replace("invite link", "invitation")} body={problem.body}>
        <Link to="/" className="button">
          Go to Confer
        </Link>
      </FullPageMessage>
    );
  }

  const { invite } = landing;
  const errorLine = error && (
    <p role="alert" className="form-error">
      {error}
    </p>
  );
  return (
    <main className="auth-page">
      <div className="auth-card invite-card">
        <div className="auth-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Confer</span>
        </div>
        <p className="invite-from">
          <strong>{invite.invitedBy}</strong> invited you to join
        </p>
        <h1 className="invite-title">{invite.orgName}</h1>
        <p className="invite-role-line">
          <span className="muted">
            As a colleague, not a guest · invitation expires <time dateTime={invite.expiresAt}>{relativeTime(invite.expiresAt)}</time>
          </span>
        </p>
        {me ? (
          <div className="auth-form">
            {invite.alreadyInOrg ? (
              <Link to="/" className="button primary block">
                You are already in {invite.orgName} — open Confer
              </Link>
            ) : (
              <button type="button" className="button primary block" disabled={busy} onClick={() => void join()}>
                {busy ? "Joining…" : `Join ${invite.orgName}`}
              </button>
            )}
            {errorLine}
            <p className="auth-footer invite-whoami">
              Signed in as {me.name} · Not you?{" "}
              <button type="button" className="link-button" onClick={() => void signOut().catch((err: unknown) => setError(messageOf(err)))}>
                Sign out
              </button>
            </p>
          </div>
        ) : (
          <>
            <h2 className="invite-form-title">Create your account</h2>
            <form className="auth-form" onSubmit={onSubmit} noValidate>
              <SignupFields />
              {errorLine}
              <button type="submit" className="button primary block" disabled={busy}>
                {busy ? "Joining…" : `Join ${invite.orgName}`}
              </button>
            </form>
            <p className="auth-footer">
              <Link to={`/login?next=${encodeURIComponent(`/join/${token}`)}`}>I have an account — sign in</Link>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
