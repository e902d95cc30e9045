import { useEffect, useRef, useState } from "react";
import { Copy, UserPlus } from "lucide-react";
import type { OrgInvite, OrgInviteCreated, OrgSettings } from "@confer/shared";
import { createOrgInvite, listOrgInvites, messageOf, revokeOrgInvite } from "../api/index.ts";
import { relativeTime } from "../components/relativeTime.ts";

/**
 * "Invite colleagues" in the organisation settings (admins): a one-person invitation link into the
 * organisation, the ones still open, and how else colleagues arrive (a proven work address).
 */
export function InviteColleagues({ org }: { org: OrgSettings }) {
  const [open, setOpen] = useState<OrgInvite[]>([]);
  const [created, setCreated] = useState<OrgInviteCreated>();
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  const refresh = () =>
    listOrgInvites().then(
      (list) => setOpen(list),
      (err: unknown) => setError(messageOf(err)),
    );
  useEffect(() => {
    void refresh();
  }, []);

  const onCreate = async () => {
    setBusy(true);
    setError(undefined);
    setCopied(false);
    try {
      setCreated(await createOrgInvite());
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    }
    setBusy(false);
  };

  const onCopy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      input.current?.select();
    }
  };

  const onRevoke = async (id: string) => {
    setError(undefined);
    try {
      await revokeOrgInvite(id);
      if (created?.id === id) setCreated(undefined);
      await refresh();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="org-invites" aria-labelledby="org-invites-title" style={{ display: "grid", gap: 8, marginTop: 8 }}>
      <h3 id="org-invites-title" style={{ margin: 0, fontSize: 14 }}>
        Invite colleagues
      </h3>
      <p className="share-note">
        {org.domain
          ? `People who confirm an @${org.domain} address join ${org.name} by themselves. Invite anyone else with a link.`
          : `Colleagues join ${org.name} only through an invitation link from an admin. Each link lets one person in and works for 7 days.`}
      </p>
      <button type="button" className="button small" style={{ justifySelf: "start" }} disabled={busy} onClick={() => void onCreate()}>
        <UserPlus size={14} aria-hidden /> {busy ? "Creating…" : "Create invitation link"}
      </button>
      {created && (
        <div className="share-form">
          <input
            ref={input}
            className="input small mono"
            aria-label="Invitation link"
            readOnly
            value={created.url}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button small" onClick={() => void onCopy()}>
            <Copy size={14} aria-hidden /> {copied ? "Copied" : "Copy link"}
          </button>
        </div>
      )}
      {created && <p className="share-note">Shown only once: copy it now and send it to your colleague.</p>}
      {open.length > 0 && (
        <ul className="invite-list" aria-label="Open invitations">
          {open.map((i) => (
            <li key={i.id} className="invite-row" data-testid="org-invite">
              <span className="invite-main muted">
                by {i.createdBy} · {i.uses}/{i.maxUses ?? "∞"} used · expires {relativeTime(i.expiresAt)}
              </span>
              <button type="button" className="button ghost small" onClick={() => void onRevoke(i.id)}>
                Turn off
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </section>
  );
}
