import { useEffect, useLayoutEffect, useRef } from "react";

/** Whether a key press is the meeting shortcut (Ctrl+Alt+M, ⌘⌥M on a Mac; see shortcuts.ts KEYS.meeting). */
export function isMeetingShortcut(e: Pick<KeyboardEvent, "code" | "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">, mac: boolean): boolean {
  const mod = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  // Alt changes `key` on a Mac (⌥M is "µ"): the physical key decides.
  return mod && e.altKey && !e.shiftKey && (e.code === "KeyM" || e.key.toLowerCase() === "m");
}

/**
 * The meeting shortcut anywhere on the document page. In the text the editor's keymap handles it
 * first (and the card goes at the cursor); elsewhere (the top bar, a panel) this does.
 */
export function useMeetingShortcut(start: () => boolean): void {
  const latest = useRef(start);
  useLayoutEffect(() => {
    latest.current = start;
  });
  useEffect(() => {
    const mac = /Mac|iP(hone|ad|od)/.test(navigator.platform || navigator.userAgent);
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !isMeetingShortcut(e, mac)) return;
      if (latest.current()) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
