import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { Me } from "@confer/shared";
import { ApiRequestError, fetchMe } from "../api/index.ts";
import { readLastMe, writeLastMe } from "./lastMe.ts";
import { clearLogoutPending, endServerSession, forgetPersonHere, logoutPending } from "./signOut.ts";
import { onTabMessage, tellOtherTabs } from "./tabChannel.ts";

/** Where the app stands on who is signed in. */
export type AuthState =
  | { status: "loading" }
  | { status: "signed-out" }
  /** `offline` is true when the server was unreachable and `me` is the last person seen on this device. */
  | { status: "signed-in"; me: Me; offline: boolean }
  | { status: "error"; message: string };

interface AuthContextValue {
  state: AuthState;
  /** Records a successful sign-in or sign-up. */
  signedIn(me: Me): void;
  /**
   * Signs out: forgets this person's data on this device first (always, also offline), then ends
   * the session on the server, retrying later when it cannot be reached. Never rejects.
   */
  signOut(): Promise<void>;
  /** Asks the server again who is signed in. */
  refresh(): void;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

/** Loads `/api/me` once and shares the answer with the whole app. */
export function AuthProvider({ children }: { children: ReactNode }) {
  // Signed out here while the server could not hear it: stay signed out (the server is told below).
  const [state, setState] = useState<AuthState>(() => (logoutPending() ? { status: "signed-out" } : { status: "loading" }));
  // The state as last shown, for the listeners and actions below (kept current after each render).
  const stateRef = useRef(state);
  useLayoutEffect(() => {
    stateRef.current = state;
  }, [state]);
  // The latest question to the server: only its answer counts.
  const question = useRef<object>(undefined);

  /** Asks the server who is signed in. */
  const askServer = useCallback(() => {
    const mine = {};
    question.current = mine;
    fetchMe().then(
      (me) => {
        if (mine !== question.current) return;
        writeLastMe(me);
        setState({ status: "signed-in", me, offline: false });
      },
      (err: unknown) => {
        if (mine !== question.current) return;
        if (err instanceof ApiRequestError && err.status === 401) {
          // The session ended (expired, or signed out elsewhere). Offline copies stay: they may
          // hold unsynced edits, which sync once this person signs in again.
          writeLastMe(undefined);
          setState({ status: "signed-out" });
          return;
        }
        const last = readLastMe();
        if (err instanceof ApiRequestError && err.isNetwork && last) setState({ status: "signed-in", me: last, offline: true });
        else setState({ status: "error", message: err instanceof Error ? err.message : String(err) });
      },
    );
  }, []);

  /** Asks the server again, unless a sign-out here is still waiting for it: then stays signed out and tells it now. */
  const askAgain = useCallback(() => {
    if (!logoutPending()) return askServer();
    question.current = undefined; // an answer still in flight is about the session being ended
    setState({ status: "signed-out" });
    void endServerSession();
  }, [askServer]);

  useEffect(() => {
    if (logoutPending()) void endServerSession();
    else askServer();
    return () => {
      question.current = undefined;
    };
  }, [askServer]);

  // A sign-out the server has not confirmed is retried whenever the browser is back online.
  useEffect(() => {
    const retry = () => {
      if (stateRef.current.status === "signed-out") void endServerSession();
    };
    window.addEventListener("online", retry);
    return () => window.removeEventListener("online", retry);
  }, []);

  // Other tabs of this browser: a sign-out there signs out here too (and closes this tab's copies).
  useEffect(
    () =>
      onTabMessage((message) => {
        if (message.type === "signed-out") setState({ status: "signed-out" });
        else if (message.type === "signed-in" && stateRef.current.status !== "signed-in") askAgain();
      }),
    [askAgain],
  );

  const signedIn = useCallback((me: Me) => {
    clearLogoutPending();
    writeLastMe(me);
    setState({ status: "signed-in", me, offline: false });
    tellOtherTabs({ type: "signed-in", userId: me.id });
  }, []);

  const signOut = useCallback(async () => {
    const current = stateRef.current;
    const userId = current.status === "signed-in" ? current.me.id : readLastMe()?.id;
    // Other tabs leave this person's documents first, so their copies are closed and can be deleted.
    if (userId) tellOtherTabs({ type: "signed-out", userId });
    try {
      await forgetPersonHere(userId);
    } finally {
      // Even if clearing stopped part-way, this person is signed out here; unfinished deletions are retried at next start.
      setState({ status: "signed-out" });
      void endServerSession();
    }
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut, refresh: askAgain }), [state, signedIn, signOut, askAgain]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The auth state and actions; must be used inside AuthProvider. */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>.");
  return value;
}

/** The signed-in person; use only below RequireAuth. */
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== "signed-in") throw new Error("useMe must be used below <RequireAuth>.");
  return state.me;
}
