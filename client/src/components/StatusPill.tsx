import type { ConnectionStatus } from "../collab/status.ts";

/** The connection status in words, announced politely to screen readers when it changes. */
export function StatusPill({ status }: { status: ConnectionStatus }) {
  return (
    <div className={`status-pill ${status.tone}`} data-testid="connection-status" role="status" aria-live="polite" title={status.detail}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{status.label}</span>
    </div>
  );
}
