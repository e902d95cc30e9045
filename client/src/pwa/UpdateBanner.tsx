import { RefreshCw } from "lucide-react";
import { applyUpdate, useUpdateAvailable } from "./updates.ts";
import "./updateBanner.css";

/** "A new version of Confer is available · Reload", shown once a new build is installed and waiting. */
export function UpdateBanner() {
  const available = useUpdateAvailable();
  if (!available) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>A new version of Confer is available</span>
      <span aria-hidden="true">·</span>
      <button type="button" className="button small primary" onClick={applyUpdate}>
        <RefreshCw size={14} aria-hidden />
        Reload
      </button>
    </div>
  );
}
