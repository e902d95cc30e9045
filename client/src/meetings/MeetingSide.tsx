import { Component, lazy, Suspense, type ReactNode } from "react";
import type { Awareness } from "y-protocols/awareness";
import type { EditorView } from "prosemirror-view";
import type { Me } from "@confer/shared";
import type { KnownMeeting } from "./meetingsState.ts";
import "./meetings.css";

/** What the meeting panel is given by the document page. */
export interface MeetingPanelProps {
  meeting: KnownMeeting;
  me: Me;
  /** The person started this meeting or owns the document: they get the host controls. */
  isHost: boolean;
  /** The document said this person's access ended (a removal from the meeting is explained so). */
  docAccessLost: boolean;
  awareness: Awareness | undefined;
  view: EditorView | undefined;
  onClose(): void;
  /** Called with true once the page is in the meeting, and with false when it left. */
  onJoinedChange(joined: boolean): void;
  /** Turns "Record and take minutes" on or off (hosts); rejects with the server's reason. */
  onSetRecording(on: boolean): Promise<void>;
}

// livekit-client and the meeting components load only when a panel opens: the sign-in page, the
// documents list and a document without a meeting never download them.
const MeetingPanel = lazy(() => import("./call/MeetingPanel.tsx"));

/** Says so in words if the panel's code cannot load, with a retry, instead of taking the page down. */
class PanelBoundary extends Component<{ children: ReactNode; onClose(): void }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error("The meeting panel failed:", error);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <aside className="meeting-panel" aria-label="Meeting">
        <p className="form-error" role="alert">
          The meeting could not be loaded. Check your connection and try again.
        </p>
        <div className="meeting-actions">
          <button type="button" className="button primary small" onClick={() => this.setState({ failed: false })}>
            Try again
          </button>
          <button type="button" className="button ghost small" onClick={this.props.onClose}>
            Close
          </button>
        </div>
      </aside>
    );
  }
}

/** The meeting panel beside the text, loaded on first use. */
export function MeetingSide(props: MeetingPanelProps) {
  return (
    <PanelBoundary onClose={props.onClose}>
      <Suspense
        fallback={
          <aside className="meeting-panel" aria-label="Meeting" aria-busy="true">
            <p className="muted">Loading the meeting…</p>
          </aside>
        }
      >
        <MeetingPanel {...props} />
      </Suspense>
    </PanelBoundary>
  );
}
