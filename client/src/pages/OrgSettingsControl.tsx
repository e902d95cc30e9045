import { useEffect, useState } from "react";
import { ChevronRight, Settings } from "lucide-react";
import type { OrgSettings } from "@confer/shared";
import { getOrg, messageOf, updateOrg } from "../api/index.ts";
import { InviteColleagues } from "./InviteColleagues.tsx";

/** "Organisation settings" on the documents page, for organisation admins only (nothing for anyone else). */
export function OrgSettingsControl() {
  const [org, setOrg] = useState<OrgSettings>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    // Not knowing is the same as not being an admin here: the control simply does not show.
    getOrg().then(
      (o) => !cancelled && setOrg(o),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);

  if (!org?.isAdmin) return null;

  const onChange = async (allowExternal: boolean) => {
    setSaving(true);
    setSaved(false);
    setError(undefined);
    setOrg({ ...org, allowExternal });
    try {
      setOrg(await updateOrg(allowExternal));
      setSaved(true);
    } catch (err) {
      setOrg(org);
      setError(messageOf(err));
    }
    setSaving(false);
  };

  return (
    <details className="org-settings">
      <summary>
        <ChevronRight size={15} className="org-settings-chevron" aria-hidden />
        <Settings size={15} aria-hidden />
        Organisation settings
        <span className="muted"> · {org.name}</span>
      </summary>
      <div className="org-settings-body">
        <label className="checkbox">
          <input type="checkbox" checked={org.allowExternal} disabled={saving} onChange={(e) => void onChange(e.target.checked)} />
          <span>Allow people from other companies to join our documents through invite links</span>
        </label>
        <p className="share-note" role="status">
          {saving
            ? "Saving…"
            : saved
              ? "Saved."
              : org.allowExternal
                ? "Guests join one document at a time and are marked external."
                : "Invite links only work for people from your company."}
        </p>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <InviteColleagues org={org} />
      </div>
    </details>
  );
}
