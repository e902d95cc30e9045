import type { ReactNode } from "react";

/** A banner above the text for states the person must know about (no access, read-only, restarting). */
export function DocNotice({ tone, children }: { tone: "info" | "warn" | "error"; children: ReactNode }) {
  return (
    <div className={`doc-notice ${tone}`} data-testid="doc-notice" role={tone === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
