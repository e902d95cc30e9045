import { useCallback, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { UNTITLED, type InviteLanding } from "@confer/shared";
import { acceptInvite, fetchMe, getInvite, messageOf } from "../api/index.ts";
import { useAuth } from "../auth/AuthContext.tsx";
import { FullPageMessage } from "../components/FullPageMessage.tsx";
import { relativeTime } from "../components/relativeTime.ts";
import { ROLE_LABEL, roleVerb } from "../share/roles.ts";
import { InviteGuestForm } from "./InviteGuestForm.tsx";
import { inviteProblem, isDeadLink } from "./inviteProblem.ts";

type Landing = { status: "loading" } | { status: "ready"; invite: InviteLanding } | { status: "failed"; error: unknown };

/**
 * The page an invite link opens, signed in or not: what the document is, who invited you and with
 * which role; then "Join document" (signed in) or a guest sign-up form. Every dead end has words.
 */
export function InvitePage() {
  const { token = "" } = useParams();
  const { state, signedIn, signOut, refresh } = useAuth();
  const navigate = useNavigate();
  const [landing, setLanding] = useState<Landing>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [joinError, setJoinError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const authKnown = state.status !== "loading";
  const me = state.status === "signed-in" ? state.me : undefined;
  const loginHref = `/login?next=${encodeURIComponent(`/invite/${token}`)}`;

  useEffect(() => {
    document.title = "Invitation — Confer";
  }, []);

  useEffect(() => {
    // Wait for auth: whether you are already a member depends on who is signed in.
    if (!authKnown) return;
    let cancelled = false;
    getInvite(token).then(
      (invite) => !cancelled && setLanding({ status: "ready", invite }),
      (error: unknown) => !cancelled && setLanding({ status: "failed", error }),
    );
    return () => {
      cancelled = true;
    };
  }, [token, authKnown, me?.id, attempt]);

  const onJoined = useCallback(
    async (docId: string) => {
      try {
        signedIn(await fetchMe());
      } catch {
        refresh();
      }
      navigate(`/d/${docId}`, { replace: true });
    },
    [signedIn, refresh, navigate],
  );

  const onJoin = async () => {
    setBusy(true);
    setJoinError(undefined);
    try {
      const joined = await acceptInvite(token);
      navigate(`/d/${joined.docId}`, { replace: true });
    } catch (err) {
      setBusy(false);
      if (isDeadLink(err)) setLanding({ status: "failed", error: err });
      else setJoinError(messageOf(err));
    }
  };

  if (!authKnown || landing.status === "loading") return <FullPageMessage title="Opening invitation…" busy />;
  if (landing.status === "failed") {
    const problem = inviteProblem(landing.error);
    return (
      <FullPageMessage title={problem.title} body={problem.body}>
        {problem.retry && (
          <button type="button" className="button primary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        )}{" "}
        <Link to="/" className="button">
          Go to Confer
        </Link>
      </FullPageMessage>
    );
  }

  const { invite } = landing;
  return (
    <main className="auth-page">
      <div className="auth-card invite-card">
        <div className="auth-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Confer</span>
        </div>
        <p className="invite-from">
          <strong>{invite.invitedBy}</strong> from <strong>{invite.hostCompany}</strong> invited you to {roleVerb(invite.role)} this document
        </p>
        <h1 className="invite-title">{invite.docTitle || UNTITLED}</h1>
        <p className="invite-role-line">
          <span className="badge role">{ROLE_LABEL[invite.role]}</span>
          <span className="muted">
            You will be able to {roleVerb(invite.role)} it · link expires <time dateTime={invite.expiresAt}>{relativeTime(invite.expiresAt)}</time>
          </span>
        </p>
        {me ? (
          <div className="auth-form">
            {invite.alreadyMember ? (
              <Link to={`/d/${invite.docId}`} className="button primary block">
                You are already a member — open document
              </Link>
            ) : (
              <button type="button" className="button primary block" disabled={busy} onClick={() => void onJoin()}>
                {busy ? "Joining…" : "Join document"}
              </button>
            )}
            {joinError && (
              <p role="alert" className="form-error">
                {joinError}
              </p>
            )}
            <p className="auth-footer invite-whoami">
              Signed in as {me.name} · Not you?{" "}
              <button type="button" className="link-button" onClick={() => void signOut().catch((err: unknown) => setJoinError(messageOf(err)))}>
                Sign out
              </button>
            </p>
          </div>
        ) : (
          <>
            <h2 className="invite-form-title">Join as a guest</h2>
            <InviteGuestForm token={token} onJoined={onJoined} onDeadLink={(error) => setLanding({ status: "failed", error })} />
            <p className="auth-footer">
              <Link to={loginHref}>I have an account — sign in</Link>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
