import type { ReactNode } from "react";

/** A centered message for whole-page states: loading, errors, not found. */
export function FullPageMessage({ title, body, busy, children }: { title: string; body?: string; busy?: boolean; children?: ReactNode }) {
  return (
    <main className="full-page" aria-busy={busy || undefined}>
      <div className="full-page-card" role={busy ? "status" : undefined}>
        {busy && <span className="spinner" aria-hidden="true" />}
        <h1>{title}</h1>
        {body && <p>{body}</p>}
        {children && <div className="full-page-actions">{children}</div>}
      </div>
    </main>
  );
}
