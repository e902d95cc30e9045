import { Component, type ErrorInfo, type ReactNode } from "react";
import { FullPageMessage } from "../components/FullPageMessage.tsx";

/**
 * Catches a page whose code could not be loaded (offline before this device stored it, or a new
 * build replaced the file) and says so, with a reload, instead of a blank screen.
 */
export class LoadErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("A page failed to load:", error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <FullPageMessage
        title="This page couldn't load"
        body="Part of Confer could not be loaded. Check your connection, then reload; if Confer was just updated, the reload fetches the new version."
      >
        <button type="button" className="button primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </FullPageMessage>
    );
  }
}
