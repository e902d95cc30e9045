import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";
import { useAuth } from "./AuthContext.tsx";
import { FullPageMessage } from "../components/FullPageMessage.tsx";

/** Renders its children for a signed-in person, and sends everyone else to /login (then back here). */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state, refresh } = useAuth();
  const location = useLocation();
  switch (state.status) {
    case "loading":
      return <FullPageMessage title="Loading…" busy />;
    case "signed-out": {
      const next = location.pathname + location.search;
      return <Navigate to={next === "/" ? "/login" : `/login?next=${encodeURIComponent(next)}`} replace />;
    }
    case "error":
      return (
        <FullPageMessage title="Confer can't start right now" body={state.message}>
          <button type="button" className="button primary" onClick={refresh}>
            Try again
          </button>
        </FullPageMessage>
      );
    case "signed-in":
      return <>{children}</>;
  }
}

/** Where to go after signing in: the `next` parameter when it is a path on this site, else the list. */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get("next");
  // Only a relative path; "//host" and "/\host" would leave the site once resolved by the browser.
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return "/";
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : "/";
  } catch {
    return "/";
  }
}
