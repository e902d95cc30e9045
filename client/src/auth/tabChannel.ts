// Messages between this app's tabs (same browser, same origin), over one BroadcastChannel.
// A sign-out in one tab signs out the others, and a local copy that is being deleted asks the tabs
// that still have it open to close it (an open IndexedDB connection blocks the delete).

/** What one tab tells the others. */
export type TabMessage =
  /** This person signed out here: leave everything of theirs and show the sign-in page. */
  | { type: "signed-out"; userId: string }
  /** Someone signed in here: other tabs ask the server again who is signed in. */
  | { type: "signed-in"; userId: string }
  /** These IndexedDB copies are being deleted: close them if you have them open. */
  | { type: "close-copies"; names: string[] };

const NAME = "confer-tabs";

function channel(): BroadcastChannel | undefined {
  return typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel(NAME);
}

function isTabMessage(data: unknown): data is TabMessage {
  if (!data || typeof data !== "object") return false;
  const m = data as Partial<Record<string, unknown>>;
  switch (m.type) {
    case "signed-out":
    case "signed-in":
      return typeof m.userId === "string";
    case "close-copies":
      return Array.isArray(m.names) && m.names.every((n) => typeof n === "string");
    default:
      return false;
  }
}

/** Sends a message to every other tab of the app (never to this one). */
export function tellOtherTabs(message: TabMessage): void {
  const c = channel();
  if (!c) return;
  c.postMessage(message);
  c.close();
}

/** Listens to the other tabs; returns the function that stops listening. */
export function onTabMessage(handler: (message: TabMessage) => void): () => void {
  const c = channel();
  if (!c) return () => undefined;
  c.onmessage = (event: MessageEvent) => {
    if (isTabMessage(event.data)) handler(event.data);
  };
  return () => c.close();
}
