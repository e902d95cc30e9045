import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { Me } from "@confer/shared";
import { ApiRequestError, fetchMe, logout } from "../api/index.ts";
import { clearOfflineCaches } from "../pwa/caches.ts";
import { forgetAllLocalCopies } from "../collab/localCopies.ts";
import { readLastMe, writeLastMe } from "./lastMe.ts";

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
  /** Signs out on the server and forgets this person's offline copies of pages and lists. */
  signOut(): Promise<void>;
  /** Asks the server again who is signed in. */
  refresh(): void;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

/** Loads `/api/me` once and shares the answer with the whole app. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    fetchMe().then(
      (me) => {
        if (cancelled) return;
        writeLastMe(me);
        setState({ status: "signed-in", me, offline: false });
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiRequestError && err.status === 401) {
          writeLastMe(undefined);
          setState({ status: "signed-out" });
          return;
        }
        const last = readLastMe();
        if (err instanceof ApiRequestError && err.isNetwork && last) setState({ status: "signed-in", me: last, offline: true });
        else setState({ status: "error", message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const signedIn = useCallback((me: Me) => {
    writeLastMe(me);
    setState({ status: "signed-in", me, offline: false });
  }, []);

  const signOut = useCallback(async () => {
    await logout();
    writeLastMe(undefined);
    await Promise.all([clearOfflineCaches(), forgetAllLocalCopies()]);
    setState({ status: "signed-out" });
  }, []);

  const refresh = useCallback(() => setAttempt((n) => n + 1), []);
  const value = useMemo(() => ({ state, signedIn, signOut, refresh }), [state, signedIn, signOut, refresh]);
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
