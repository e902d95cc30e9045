import type { ConnectionStatus } from "../collab/status.ts";

/** The connection status in words, announced politely to screen readers when it changes. */
export function StatusPill({ status }: { status: ConnectionStatus }) {
  return (
    <div className={`status-pill ${status.tone}`} data-testid="connection-status" role="status" aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      <span>{status.label}</span>
    </div>
  );
}
