import { useEffect, useId, useState } from "react";
import { Ban } from "lucide-react";
import type { Invite, InviteCreated, Role } from "@confer/shared";
import { listInvites, messageOf, revokeInvite } from "../api/index.ts";
import { relativeTime, useNow } from "../components/relativeTime.ts";
import { CreateLinkForm } from "./CreateLinkForm.tsx";
import { CreatedLink } from "./CreatedLink.tsx";
import { ROLE_LABEL } from "./roles.ts";

interface InviteLinksProps {
  docId: string;
  ownRole: Role;
  /** Changes whenever the member list changes, so link use counts are read again. */
  refreshKey: unknown;
  /** Called after a link is created or revoked (the activity log has a new entry). */
  onChanged(): void;
}

/** "Invite links": create a link for people from any company, see the ones that work, revoke them. */
export function InviteLinks({ docId, ownRole, refreshKey, onChanged }: InviteLinksProps) {
  const id = useId();
  const now = useNow(); // re-rendered now and then so relative times stay true
  const [invites, setInvites] = useState<Invite[]>();
  const [created, setCreated] = useState<InviteCreated>();
  const [error, setError] = useState<string>();

  const load = async () => {
    try {
      setInvites(await listInvites(docId));
    } catch (err) {
      setError(messageOf(err));
    }
  };

  // Read again whenever the member list changes; an answer for a link list no longer shown is dropped.
  useEffect(() => {
    let current = true;
    listInvites(docId).then(
      (list) => {
        if (current) setInvites(list);
      },
      (err: unknown) => {
        if (current) setError(messageOf(err));
      },
    );
    return () => {
      current = false;
    };
  }, [docId, refreshKey]);

  const onRevoke = async (invite: Invite) => {
    setError(undefined);
    try {
      await revokeInvite(docId, invite.id);
      if (created?.id === invite.id) setCreated(undefined);
    } catch (err) {
      setError(messageOf(err));
    }
    onChanged();
    await load();
  };

  return (
    <section className="share-section">
      <h3>Invite links</h3>
      <p className="share-note">Anyone with a link can join with its role, including people from other companies. They are marked external.</p>
      {created ? (
        <CreatedLink invite={created} onDismiss={() => setCreated(undefined)} />
      ) : (
        <CreateLinkForm
          docId={docId}
          ownRole={ownRole}
          onCreated={(invite) => {
            setCreated(invite);
            onChanged();
            void load();
          }}
        />
      )}
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {invites && invites.length > 0 && (
        <ul className="invite-list" aria-label="Active links">
          {invites.map((inv) => (
            <li key={inv.id} className="invite-row" data-testid="invite-link">
              <div className="invite-main" id={`${id}-${inv.id}`}>
                <span className="invite-role">{ROLE_LABEL[inv.role]} link</span>
                <span className="member-meta">
                  expires <time dateTime={inv.expiresAt}>{relativeTime(inv.expiresAt, now)}</time> · {inv.uses}
                  {inv.maxUses === null ? (inv.uses === 1 ? " use" : " uses") : `/${inv.maxUses} uses`} · by {inv.createdBy}
                </span>
              </div>
              <button
                type="button"
                className="button ghost small danger-text"
                aria-label="Revoke link"
                aria-describedby={`${id}-${inv.id}`}
                onClick={() => void onRevoke(inv)}
              >
                <Ban size={14} aria-hidden />
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {invites && invites.length === 0 && !created && <p className="share-note">No active links.</p>}
    </section>
  );
}
